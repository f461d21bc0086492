"""Allocation decisions, with quantities that can never be over-allocated.

Quantities move by one conditional UPDATE per record, whose row count is checked:
``allocated = allocated + q WHERE remaining >= q``. Under concurrency a read-then-write
loses updates on SQLite and PostgreSQL alike (and ``FOR UPDATE`` does nothing on
SQLite); the conditional update is atomic on both, and the CHECK constraints back it up.
The update also bumps the record's version, so a form opened before stays stale.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    DonationStatus,
    Need,
    NeedStatus,
    ReasonCode,
    User,
)
from aidregistry.models.base import today, utcnow
from aidregistry.services.audit import record_event
from aidregistry.services.errors import NotAllowed, ServiceError


class QuantityChanged(ServiceError):
    """The donation or need no longer has the quantity the proposal counted on."""

    def __init__(self, message: str, available: int) -> None:
        super().__init__(message)
        self.available = available


def _rowcount(session: Session, statement: Any) -> int:
    """Rows an UPDATE changed (the check that makes the update conditional)."""
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount)


def _take(session: Session, donation: Donation, need: Need, quantity: int, on: date) -> None:
    """Hold ``quantity`` on both records, or raise QuantityChanged and hold nothing."""
    taken = _rowcount(
        session,
        update(Donation)
        .where(
            Donation.id == donation.id,
            Donation.status == DonationStatus.AVAILABLE,
            Donation.quantity - Donation.allocated >= quantity,
        )
        .values(allocated=Donation.allocated + quantity, version=Donation.version + 1)
        .execution_options(synchronize_session=False),
    )
    if taken != 1:
        session.expire(donation)
        raise _donation_changed(donation)
    taken = _rowcount(
        session,
        update(Need)
        .where(
            Need.id == need.id,
            Need.status == NeedStatus.OPEN,
            Need.expires_on >= on,
            Need.quantity - Need.allocated >= quantity,
        )
        .values(allocated=Need.allocated + quantity, version=Need.version + 1)
        .execution_options(synchronize_session=False),
    )
    if taken != 1:
        # Undo the donation's part inside the same transaction; the caller rolls back anyway.
        _give_back_donation(session, donation, quantity)
        session.expire(need)
        raise _need_changed(need, on)
    session.expire(donation)
    session.expire(need)


def _donation_changed(donation: Donation) -> QuantityChanged:
    """What changed on a donation that can no longer give the quantity asked for."""
    if donation.status is not DonationStatus.AVAILABLE:
        return QuantityChanged(f"This donation is {donation.status.value} now.", 0)
    left = max(donation.remaining, 0)
    return QuantityChanged(f"Only {left:,} units of this donation are still available.", left)


def _need_changed(need: Need, on: date) -> QuantityChanged:
    """What changed on a need that can no longer take the quantity offered."""
    if need.status is not NeedStatus.OPEN:
        return QuantityChanged(f"This need is {need.status.value} now.", 0)
    if need.expires_on < on:
        return QuantityChanged(f"This need expired on {need.expires_on.isoformat()}.", 0)
    left = max(need.remaining(on), 0)
    return QuantityChanged(f"This need now asks for only {left:,} more units.", left)


def _give_back_donation(session: Session, donation: Donation, quantity: int) -> None:
    session.execute(
        update(Donation)
        .where(Donation.id == donation.id)
        .values(allocated=Donation.allocated - quantity, version=Donation.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(donation)


def _give_back(session: Session, allocation: Allocation) -> None:
    _give_back_donation(session, allocation.donation, allocation.quantity)
    session.execute(
        update(Need)
        .where(Need.id == allocation.need_id)
        .values(allocated=Need.allocated - allocation.quantity, version=Need.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(allocation.need)


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise NotAllowed("Only coordinators decide on allocations.")


def _decide(
    session: Session,
    actor: User,
    allocation: Allocation,
    to: AllocationStatus,
    action: str,
    reason: str | None = None,
) -> None:
    before = allocation.status.value
    allocation.status = to
    allocation.decided_by_id, allocation.decided_at = actor.id, utcnow()
    session.flush()
    record_event(
        session,
        actor,
        f"allocation.{action}",
        allocation,
        before={"status": before},
        after={"status": to.value, "quantity": allocation.quantity},
        reason=reason,
    )


def accept(session: Session, actor: User, allocation: Allocation, on: date | None = None) -> None:
    """A coordinator accepts a proposal: its quantity is held on the donation and the need."""
    _require_coordinator(actor)
    if allocation.status is not AllocationStatus.PROPOSED:
        raise ServiceError(f"This allocation is already {allocation.status.value}.")
    _take(session, allocation.donation, allocation.need, allocation.quantity, on or today())
    _decide(session, actor, allocation, AllocationStatus.ACCEPTED, "accept")


def reject(
    session: Session, actor: User, allocation: Allocation, code: ReasonCode, text: str | None
) -> None:
    """A coordinator rejects a proposal, with a reason code (and text for "other")."""
    _require_coordinator(actor)
    if allocation.status is not AllocationStatus.PROPOSED:
        raise ServiceError(f"This allocation is already {allocation.status.value}.")
    _set_reason(allocation, code, text)
    _decide(session, actor, allocation, AllocationStatus.REJECTED, "reject", _reason(code, text))


def _set_reason(allocation: Allocation, code: ReasonCode, text: str | None) -> None:
    if code is ReasonCode.OTHER and not (text or "").strip():
        raise ServiceError("Say what the other reason is.", field="reason_text")
    allocation.reason_code, allocation.reason_text = code, (text or "").strip() or None


def _reason(code: ReasonCode, text: str | None) -> str:
    return f"{code.value}: {text.strip()}" if text and text.strip() else code.value


def cancel(
    session: Session, actor: User, allocation: Allocation, code: ReasonCode, text: str | None
) -> None:
    """Cancel an accepted or confirmed allocation; its quantities return to both records."""
    may = actor.is_coordinator or (
        actor.organisation_id == allocation.donation.organisation_id
        and allocation.status is AllocationStatus.CONFIRMED
    )
    if not may:
        raise NotAllowed("Only coordinators (or the donor, for its pledges) cancel allocations.")
    if allocation.status not in (AllocationStatus.ACCEPTED, AllocationStatus.CONFIRMED):
        raise ServiceError(f"An allocation that is {allocation.status.value} cannot be cancelled.")
    _set_reason(allocation, code, text)
    _give_back(session, allocation)
    _decide(session, actor, allocation, AllocationStatus.CANCELLED, "cancel", _reason(code, text))


def confirm(session: Session, actor: User, allocation: Allocation) -> None:
    """The donor pledges an accepted allocation."""
    if actor.organisation_id != allocation.donation.organisation_id:
        raise NotAllowed("Only the donor confirms its pledge.")
    if allocation.status is not AllocationStatus.ACCEPTED:
        raise ServiceError(f"This allocation is {allocation.status.value}, not accepted.")
    _decide(session, actor, allocation, AllocationStatus.CONFIRMED, "confirm")


def create_manual(
    session: Session,
    actor: User,
    donation: Donation,
    need: Need,
    quantity: int,
    note: str | None = None,
    on: date | None = None,
) -> Allocation:
    """A coordinator allocates by hand; the same quantity rules apply."""
    _require_coordinator(actor)
    if quantity <= 0:
        raise ServiceError("The quantity must be at least 1.", field="quantity")
    allocation = Allocation(
        donation=donation,
        need=need,
        quantity=quantity,
        status=AllocationStatus.PROPOSED,
        proposed_by="coordinator",
        created_by_id=actor.id,
        explanation={"note": note or ""},
    )
    session.add(allocation)
    session.flush()
    record_event(
        session,
        actor,
        "allocation.create",
        allocation,
        after={"donation": donation.id, "need": need.id, "quantity": quantity},
    )
    accept(session, actor, allocation, on)
    return allocation
