"""Manufacturers and the certificates a lot carries, as records.

A certificate belongs to one donation (a lot): the same registration on two lots is two
records, because a coordinator may find one lot genuine and the other counterfeit.
What the donor typed is kept verbatim (``declared_text``) beside the canonical number, and a
certificate that is not valid as typed is kept too — "declared, not valid" — never dropped.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.domain.evidence.states import CertificateState
from aidregistry.models.base import Base, TimestampMixin, UTCDateTime
from aidregistry.models.organisation import enum_column

if TYPE_CHECKING:
    from aidregistry.models.listings import ListingEntry
    from aidregistry.models.records import Donation
    from aidregistry.models.user import User


class Manufacturer(TimestampMixin, Base):
    """A maker of goods, by its name in Latin script and in its own (e.g. Chinese)."""

    __tablename__ = "manufacturer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_local: Mapped[str | None] = mapped_column(String(300), comment="e.g. the Chinese name")
    country: Mapped[str | None] = mapped_column(String(2), comment="ISO 3166-1, when known")
    name_key: Mapped[str] = mapped_column(
        String(300), index=True, comment="comparison key of name (domain/evidence/makers.py)"
    )
    name_local_key: Mapped[str | None] = mapped_column(String(300), index=True)

    # Read-only: a certificate names its holder, never the other way round (a bulk import's
    # certificates would otherwise be drawn into the session through their holder).
    certificates: Mapped[list[Certificate]] = relationship(viewonly=True)

    @property
    def keys(self) -> frozenset[str]:
        """Every comparison key of the maker's names."""
        return frozenset(k for k in (self.name_key, self.name_local_key) if k)

    def display_name(self, locale: str) -> str:
        """The name in the reader's script where there is one."""
        if locale.startswith("zh") and self.name_local:
            return self.name_local
        return self.name or self.name_local or ""


class Certificate(TimestampMixin, Base):
    """One certificate of one lot: scheme, number, issuer, holder, validity and state."""

    __tablename__ = "certificate"
    __table_args__ = (
        CheckConstraint(
            "verification = 'invalid' OR number IS NOT NULL", name="valid_has_number"
        ),
        CheckConstraint(
            "valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until",
            name="validity_order",
        ),
        Index("ix_certificate_scheme_number", "scheme", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(
        ForeignKey("donation.id", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[Scheme] = mapped_column(enum_column(Scheme, "certificate_scheme"))
    number: Mapped[str | None] = mapped_column(
        String(100), comment="canonical number; empty when declared, not valid"
    )
    declared_text: Mapped[str] = mapped_column(String(200), comment="the number as typed")
    notified_body: Mapped[str | None] = mapped_column(String(4), comment="CE: four digits")
    declared_body: Mapped[str | None] = mapped_column(String(40), comment="the body as typed")
    issuer: Mapped[str | None] = mapped_column(String(300))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("manufacturer.id"), index=True)
    tested_standard: Mapped[str | None] = mapped_column(String(100), comment="test reports")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, comment="last day of validity")
    verification: Mapped[CertificateState] = mapped_column(
        enum_column(CertificateState, "certificate_state"), default=CertificateState.DECLARED
    )
    problem: Mapped[str | None] = mapped_column(
        String(32), comment="why not valid (domain/evidence/problems.py)"
    )
    listing_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing_entry.id", ondelete="SET NULL")
    )
    listed_from: Mapped[date | None] = mapped_column(Date, comment="on its list from")
    listed_until: Mapped[date | None] = mapped_column(Date, comment="first day off its list")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, comment="automatic check")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    donation: Mapped[Donation] = relationship(back_populates="certificates")
    holder: Mapped[Manufacturer | None] = relationship()
    listing_entry: Mapped[ListingEntry | None] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def is_valid(self) -> bool:
        """False for a certificate kept as declared, not valid."""
        return self.verification is not CertificateState.INVALID
