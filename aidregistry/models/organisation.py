"""Organisations (donors, recipients, coordinators) and their identifiers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base, TimestampMixin, UTCDateTime
from aidregistry.models.enums import LocationPrecision, OrgKind, OrgRole, VerificationState

if TYPE_CHECKING:
    from aidregistry.models.user import User


def enum_column(enum: type, name: str) -> Enum:
    """A string column restricted to the enum's values, with a named CHECK constraint."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Organisation(TimestampMixin, Base):
    """A body that gives, receives or coordinates aid."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("length(country) = 2", name="country_alpha2"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_local: Mapped[str | None] = mapped_column(
        String(200), comment="the name in the organisation's own script, e.g. Chinese"
    )
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind, "org_kind"))
    role: Mapped[OrgRole] = mapped_column(enum_column(OrgRole, "org_role"))
    country: Mapped[str] = mapped_column(String(2), comment="ISO 3166-1 alpha-2")
    region: Mapped[str | None] = mapped_column(String(64), comment="region or state name")
    city: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    location_precision: Mapped[LocationPrecision] = mapped_column(
        enum_column(LocationPrecision, "location_precision"), default=LocationPrecision.CITY
    )
    # No index on state: nearly every organisation is verified, so it never narrows a
    # search, and SQLite, which keeps no statistics, would otherwise start every public
    # list from it and sort all the rows (see migration 7c2e4f1a9b3d).
    state: Mapped[VerificationState] = mapped_column(
        enum_column(VerificationState, "verification_state"),
        default=VerificationState.PENDING,
    )
    state_reason: Mapped[str | None] = mapped_column(Text)
    state_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_name: Mapped[str | None] = mapped_column(String(200), comment="private")
    contact_email: Mapped[str | None] = mapped_column(String(254), comment="private")
    contact_phone: Mapped[str | None] = mapped_column(String(64), comment="private")
    website: Mapped[str | None] = mapped_column(String(500))
    external_ref: Mapped[str | None] = mapped_column(
        String(200), unique=True, comment="stable key of imported or demo records"
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    identifiers: Mapped[list[OrganisationIdentifier]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationIdentifier.id",
    )
    members: Mapped[list[User]] = relationship(back_populates="organisation")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    @property
    def is_verified(self) -> bool:
        """True when coordinators verified the organisation (and did not suspend it)."""
        return self.state is VerificationState.VERIFIED

    @property
    def can_donate(self) -> bool:
        """True for donors (and bodies that both give and receive)."""
        return self.role in (OrgRole.DONOR, OrgRole.BOTH)

    @property
    def can_receive(self) -> bool:
        """True for recipients (and bodies that both give and receive)."""
        return self.role in (OrgRole.RECIPIENT, OrgRole.BOTH)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.state}>"


class OrganisationIdentifier(Base):
    """A registration identifier: scheme (org-id.guide prefix such as CN-USCI) and value."""

    __tablename__ = "organisation_identifier"
    __table_args__ = (UniqueConstraint("scheme", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(100))

    organisation: Mapped[Organisation] = relationship(back_populates="identifiers")
