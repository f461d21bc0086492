"""Allocations of donation quantities to needs, and the matcher runs that propose them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base, TimestampMixin, UTCDateTime
from aidregistry.models.enums import AllocationStatus, ReasonCode
from aidregistry.models.organisation import enum_column
from aidregistry.models.records import Donation, Need
from aidregistry.models.user import User


class MatchRun(TimestampMixin, Base):
    """One run of the matcher: its scope, totals and the proposals it made."""

    __tablename__ = "match_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_date: Mapped[str] = mapped_column(String(10), comment="the date the matcher planned for")
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uncovered: Mapped[list[Any]] = mapped_column(JSON, default=list)

    created_by: Mapped[User | None] = relationship()


class Allocation(TimestampMixin, Base):
    """A quantity of one donation set aside for one need."""

    __tablename__ = "allocation"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donation.id"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger, comment="base units")
    status: Mapped[AllocationStatus] = mapped_column(
        enum_column(AllocationStatus, "allocation_status"), index=True
    )
    reason_code: Mapped[ReasonCode | None] = mapped_column(enum_column(ReasonCode, "reason_code"))
    reason_text: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(16), comment="matcher, coordinator or import")
    match_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mode: Mapped[str | None] = mapped_column(String(8))
    km: Mapped[int | None] = mapped_column(Integer)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    external_ref: Mapped[str | None] = mapped_column(String(200), unique=True)

    donation: Mapped[Donation] = relationship()
    need: Mapped[Need] = relationship()
    match_run: Mapped[MatchRun | None] = relationship()
