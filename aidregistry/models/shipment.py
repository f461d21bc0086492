"""Shipments: the allocations they carry (lines), their legs, status events and the receipt.

A shipment goes from one donor organisation to one recipient organisation, so that one
receipt by one consignee closes it; a flight that serves several recipients is recorded as
one shipment per recipient (they may share a carrier reference).

Receipt design: the receipt as a whole (who signed, when, the handover document, a note)
is a ``Receipt`` row, one per shipment; what was received per line (quantity, condition,
accepted or rejected, the inspection note) is kept in receipt columns on ``ShipmentLine``.
A separate ReceiptLine table would repeat the line's key one-to-one, and the CHECK
"received ≤ shipped" can only be a table constraint when both numbers share a row.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.allocation import Allocation
from aidregistry.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from aidregistry.models.enums import AllocationStatus, Mode
from aidregistry.models.organisation import Organisation, enum_column
from aidregistry.models.records import MAX_QUANTITY, SourcedMixin
from aidregistry.models.user import User

REFERENCE_LENGTH = 100  # an AWB is 11 digits, a B/L about 16 characters; room for a prefix


class ShipmentStatus(StrEnum):
    """preparing → in transit ⇄ at hub → arrived → delivered; cancelled; returned."""

    PREPARING = "preparing"
    IN_TRANSIT = "in_transit"
    AT_HUB = "at_hub"
    ARRIVED = "arrived"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


# While a shipment is in one of these states, its allocations cannot go on another one.
ACTIVE_SHIPMENT_STATUSES = frozenset(
    {
        ShipmentStatus.PREPARING,
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.AT_HUB,
        ShipmentStatus.ARRIVED,
        ShipmentStatus.DELIVERED,
    }
)


class CustomsState(StrEnum):
    """How far one leg is through customs."""

    NONE = "none"
    EXPORT_DECLARED = "export_declared"
    EXPORT_CLEARED = "export_cleared"
    IMPORT_CLEARED = "import_cleared"


class ReceivedCondition(StrEnum):
    """The state goods arrived in."""

    GOOD = "good"
    DAMAGED = "damaged"
    FAILED_INSPECTION = "failed_inspection"


class ReceiptDecision(StrEnum):
    """Whether the consignee accepts a line."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


def _place_checks(prefix: str) -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint(
            f"{prefix}_lat IS NULL OR ({prefix}_lat BETWEEN -90 AND 90)", name=f"{prefix}_lat_range"
        ),
        CheckConstraint(
            f"{prefix}_lon IS NULL OR ({prefix}_lon BETWEEN -180 AND 180)",
            name=f"{prefix}_lon_range",
        ),
    )


class Shipment(SourcedMixin, TimestampMixin, Base):
    """Goods of one or more allocations moving from one donor to one recipient."""

    __tablename__ = "shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True, comment="consignor"
    )
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), index=True, comment="consignee"
    )
    status: Mapped[ShipmentStatus] = mapped_column(
        enum_column(ShipmentStatus, "shipment_status"), default=ShipmentStatus.PREPARING, index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    donor: Mapped[Organisation] = relationship(foreign_keys=[donor_id])
    recipient: Mapped[Organisation] = relationship(foreign_keys=[recipient_id])
    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentLine.id"
    )
    legs: Mapped[list[ShipmentLeg]] = relationship(
        back_populates="shipment",
        cascade="all, delete-orphan",
        order_by="[ShipmentLeg.sequence, ShipmentLeg.id]",
    )
    events: Mapped[list[ShipmentEvent]] = relationship(
        back_populates="shipment",
        cascade="all, delete-orphan",
        order_by="[ShipmentEvent.at, ShipmentEvent.id]",
    )
    receipt: Mapped[Receipt | None] = relationship(
        back_populates="shipment", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own idiom

    @property
    def is_public(self) -> bool:
        """Shown to everyone once both organisations are verified."""
        return self.donor.is_verified and self.recipient.is_verified

    @property
    def shipped_quantity(self) -> int:
        """Base units on all lines."""
        return sum(line.quantity for line in self.lines)


class ShipmentLine(Base):
    """The part of one allocation that a shipment carries, and what arrived of it."""

    __tablename__ = "shipment_line"
    __table_args__ = (
        CheckConstraint(f"quantity > 0 AND quantity <= {MAX_QUANTITY}", name="quantity_positive"),
        CheckConstraint(
            "quantity_received IS NULL OR "
            "(quantity_received >= 0 AND quantity_received <= quantity)",
            name="received_within_shipped",
        ),
        CheckConstraint(
            "decision IS NULL OR quantity_received IS NOT NULL", name="decision_has_quantity"
        ),
        UniqueConstraint("shipment_id", "allocation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipment.id", ondelete="CASCADE"), index=True
    )
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger, comment="base units shipped")
    status_before: Mapped[AllocationStatus] = mapped_column(
        enum_column(AllocationStatus, "allocation_status"),
        comment="the allocation's status when it was put on the shipment; restored on cancel",
    )
    quantity_received: Mapped[int | None] = mapped_column(BigInteger, comment="base units")
    condition: Mapped[ReceivedCondition | None] = mapped_column(
        enum_column(ReceivedCondition, "received_condition")
    )
    decision: Mapped[ReceiptDecision | None] = mapped_column(
        enum_column(ReceiptDecision, "receipt_decision")
    )
    inspection_note: Mapped[str | None] = mapped_column(Text)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    allocation: Mapped[Allocation] = relationship()

    @property
    def shortfall(self) -> int:
        """Base units shipped but not received (0 before the receipt)."""
        return 0 if self.quantity_received is None else self.quantity - self.quantity_received


class ShipmentLeg(Base):
    """One hop: origin → destination by one mode and carrier, with dates and customs."""

    __tablename__ = "shipment_leg"
    __table_args__ = (
        CheckConstraint(
            "gross_weight_kg IS NULL OR gross_weight_kg > 0", name="gross_weight_positive"
        ),
        CheckConstraint(
            "planned_arrival IS NULL OR planned_departure IS NULL "
            "OR planned_arrival >= planned_departure",
            name="planned_order",
        ),
        CheckConstraint(
            "actual_arrival IS NULL OR actual_departure IS NULL "
            "OR actual_arrival >= actual_departure",
            name="actual_order",
        ),
        *_place_checks("origin"),
        *_place_checks("destination"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipment.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=1, comment="1 for the first leg")
    mode: Mapped[Mode] = mapped_column(enum_column(Mode, "transport_mode"))
    carrier: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(
        String(REFERENCE_LENGTH), comment="air waybill, bill of lading, flight or vessel"
    )
    gross_weight_kg: Mapped[float | None] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(200))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    origin_lat: Mapped[float | None] = mapped_column(Float)
    origin_lon: Mapped[float | None] = mapped_column(Float)
    destination: Mapped[str] = mapped_column(String(200))
    destination_country: Mapped[str | None] = mapped_column(String(2))
    destination_lat: Mapped[float | None] = mapped_column(Float)
    destination_lon: Mapped[float | None] = mapped_column(Float)
    planned_departure: Mapped[date | None] = mapped_column(Date)
    actual_departure: Mapped[date | None] = mapped_column(Date)
    planned_arrival: Mapped[date | None] = mapped_column(Date)
    actual_arrival: Mapped[date | None] = mapped_column(Date)
    customs: Mapped[CustomsState] = mapped_column(
        enum_column(CustomsState, "customs_state"), default=CustomsState.NONE
    )

    shipment: Mapped[Shipment] = relationship(back_populates="legs")

    @property
    def departure(self) -> tuple[date | None, bool]:
        """The best known departure date and whether it is actual (else planned)."""
        return (
            (self.actual_departure, True)
            if self.actual_departure
            else (self.planned_departure, False)
        )

    @property
    def arrival(self) -> tuple[date | None, bool]:
        """The best known arrival date and whether it is actual (else planned)."""
        return (self.actual_arrival, True) if self.actual_arrival else (self.planned_arrival, False)


class ShipmentEvent(Base):
    """A status change (or a dated note): append-only, like the audit log."""

    __tablename__ = "shipment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipment.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, comment="when recorded")
    occurred_on: Mapped[date | None] = mapped_column(Date, comment="when it happened, as told")
    is_planned: Mapped[bool] = mapped_column(
        default=False, comment="occurred_on is a plan, not a fact"
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[ShipmentStatus] = mapped_column(enum_column(ShipmentStatus, "shipment_status"))
    document_ref: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)

    shipment: Mapped[Shipment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Receipt(TimestampMixin, Base):
    """The consignee's receipt of a shipment: when, by whom, with which document."""

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipment.id", ondelete="CASCADE"), unique=True
    )
    received_on: Mapped[date] = mapped_column(Date)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    document_ref: Mapped[str | None] = mapped_column(
        String(REFERENCE_LENGTH), comment="handover protocol or receipt"
    )
    note: Mapped[str | None] = mapped_column(Text)

    shipment: Mapped[Shipment] = relationship(back_populates="receipt")
    received_by: Mapped[User | None] = relationship()
