"""Donations (offer lots) and needs: quantities in base units, allocated within bounds.

The CHECK constraints are the last line of defence; allocation itself goes through a
conditional UPDATE whose row count is checked (see services/allocations.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base, TimestampMixin, UTCDateTime
from aidregistry.models.catalogue import ItemType, Standard
from aidregistry.models.enums import Confidence, DonationStatus, NeedStatus
from aidregistry.models.evidence import Certificate, Manufacturer
from aidregistry.models.organisation import Organisation, enum_column

MAX_QUANTITY = 10_000_000_000  # ten billion base units: more than any single lot on record


class PlaceMixin:
    """A place typed by a person, and what it was resolved to."""

    place: Mapped[str] = mapped_column(String(200))
    place_country: Mapped[str | None] = mapped_column(String(2))
    place_region: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)


class SourcedMixin:
    """Where a record comes from when it was not typed into the site (demo, import)."""

    external_ref: Mapped[str | None] = mapped_column(String(200), unique=True)
    source: Mapped[str | None] = mapped_column(Text, comment="publication, date and URL")
    confidence: Mapped[Confidence | None] = mapped_column(enum_column(Confidence, "confidence"))


def _quantity_checks(table: str) -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_QUANTITY}", name="quantity_positive"),
        CheckConstraint("allocated >= 0 AND allocated <= quantity", name="allocated_within"),
        CheckConstraint("pack_size IS NULL OR pack_size > 0", name="pack_size_positive"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon_range"),
    )


class Donation(PlaceMixin, SourcedMixin, TimestampMixin, Base):
    """An offer lot: goods of one item type a donor makes available."""

    __tablename__ = "donation"
    # The public list and the API read donations latest available-from first, alone or by
    # item or status: each index gives that order (scanned backwards) after its filter,
    # so a page reads 25 rows instead of sorting them all. See benchmarks/list_queries.py.
    __table_args__ = (
        *_quantity_checks("donation"),
        Index("ix_donation_available_from_id", "available_from", "id"),
        Index("ix_donation_item_code_available_from", "item_code", "available_from", "id"),
        Index("ix_donation_status_available_from", "status", "available_from", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("item_type.code"))
    quantity: Mapped[int] = mapped_column(BigInteger, comment="base units")
    allocated: Mapped[int] = mapped_column(
        BigInteger, default=0, comment="base units held by allocations"
    )
    pack_size: Mapped[int | None] = mapped_column(Integer, comment="base units per pack")
    pack_label: Mapped[str | None] = mapped_column(String(32))
    standard_code: Mapped[str | None] = mapped_column(ForeignKey("standard.code"))
    manufacturer: Mapped[str | None] = mapped_column(String(200), comment="the maker as typed")
    manufacturer_id: Mapped[int | None] = mapped_column(
        ForeignKey("manufacturer.id"), index=True, comment="the maker it was matched to"
    )
    lot: Mapped[str | None] = mapped_column(String(100))
    expires_on: Mapped[date | None] = mapped_column(Date)
    available_from: Mapped[date] = mapped_column(Date)
    modes: Mapped[str] = mapped_column(String(32), default="air", comment="comma-separated modes")
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[DonationStatus] = mapped_column(
        enum_column(DonationStatus, "donation_status"), default=DonationStatus.AVAILABLE
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    item: Mapped[ItemType] = relationship()
    standard: Mapped[Standard | None] = relationship()
    maker: Mapped[Manufacturer | None] = relationship()
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="donation", cascade="all, delete-orphan", order_by="Certificate.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    @property
    def remaining(self) -> int:
        """Base units not yet held by an allocation (zero once withdrawn)."""
        if self.status is DonationStatus.WITHDRAWN:
            return 0
        return self.quantity - self.allocated

    @property
    def mode_set(self) -> frozenset[str]:
        """The transport modes the lot may travel by."""
        return frozenset(mode for mode in self.modes.split(",") if mode)


need_standard = Table(
    "need_standard",
    Base.metadata,
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
    Column("standard_code", ForeignKey("standard.code"), primary_key=True),
)


class Need(PlaceMixin, SourcedMixin, TimestampMixin, Base):
    """Goods a recipient asks for, by priority and date."""

    __tablename__ = "need"
    # The public list orders by (priority, needed_by, id) after its status filter; the API
    # by (needed_by, id), alone or by item or priority.
    __table_args__ = (
        *_quantity_checks("need"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority_range"),
        Index("ix_need_status_priority", "status", "priority", "needed_by", "id"),
        Index("ix_need_needed_by_id", "needed_by", "id"),
        Index("ix_need_item_code_needed_by", "item_code", "needed_by", "id"),
        Index("ix_need_priority_needed_by", "priority", "needed_by", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("item_type.code"))
    quantity: Mapped[int] = mapped_column(BigInteger, comment="base units")
    allocated: Mapped[int] = mapped_column(BigInteger, default=0)
    pack_size: Mapped[int | None] = mapped_column(Integer)
    pack_label: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, comment="1 most urgent … 4")
    needed_by: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, comment="lapses after this unless reconfirmed")
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[NeedStatus] = mapped_column(
        enum_column(NeedStatus, "need_status"), default=NeedStatus.OPEN
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconfirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    item: Mapped[ItemType] = relationship()
    accepted_standards: Mapped[list[Standard]] = relationship(secondary=need_standard)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    def is_lapsed(self, on: date) -> bool:
        """True when the need was not reconfirmed before its expiry date."""
        return self.status is NeedStatus.OPEN and self.expires_on < on

    def remaining(self, on: date) -> int:
        """Base units still wanted (zero once closed or lapsed)."""
        if self.status is NeedStatus.CLOSED or self.is_lapsed(on):
            return 0
        return self.quantity - self.allocated
