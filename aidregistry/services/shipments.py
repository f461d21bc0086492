"""Recording shipments of allocations, moving them along their lifecycle, and receipts.

The shipment's status drives its allocations, so that quantities are never lost:

* preparing → in transit: every line's allocation goes from accepted/confirmed to SHIPPED;
* cancelled or returned: each allocation goes back to the status it had when it was put on
  the shipment (``ShipmentLine.status_before``), still holding its quantity;
* receipt: an accepted line makes its allocation DELIVERED (a shortfall, received <
  shipped, stays on the line for the need and donation pages to show); a rejected line
  makes it REJECTED (reason: quality) and gives its quantity back to the need, which still
  needs the goods, and to the donation, where the goods return to the consignor — the donor
  decides whether to withdraw the lot, and the rejection is in the donation's history.

An allocation travels on one shipment at a time (see ``active_shipment``). Allocation
statuses change by conditional UPDATEs whose row count is checked, so a
coordinator's concurrent cancellation surfaces as a Conflict rather than being overwritten.
Functions flush, never commit; every change is an audit event.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from aidregistry.domain.places import Place
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    CustomsState,
    Donation,
    Mode,
    Need,
    Shipment,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
    User,
)
from aidregistry.models.base import today, utcnow
from aidregistry.models.shipment import ACTIVE_SHIPMENT_STATUSES, REFERENCE_LENGTH
from aidregistry.permissions import Permission, can
from aidregistry.services.audit import record_event, snapshot
from aidregistry.services.errors import Conflict, NotAllowed, ServiceError

SHIPPABLE = (AllocationStatus.ACCEPTED, AllocationStatus.CONFIRMED)
MAX_WEIGHT_KG = 1_000_000.0  # heavier than any aircraft payload or one bill of lading in 2020
TEXT_LENGTH = 200
NOTE_LENGTH = 4000
# Receipt and transport dates may lie ahead by a day: the sender's calendar is not ours.
CLOCK_SLACK = timedelta(days=1)
TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    ShipmentStatus.PREPARING: frozenset({ShipmentStatus.IN_TRANSIT, ShipmentStatus.CANCELLED}),
    ShipmentStatus.IN_TRANSIT: frozenset({ShipmentStatus.AT_HUB, ShipmentStatus.ARRIVED,
                                          ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED}),
    ShipmentStatus.AT_HUB: frozenset({ShipmentStatus.IN_TRANSIT, ShipmentStatus.ARRIVED,
                                      ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED}),
    ShipmentStatus.ARRIVED: frozenset({ShipmentStatus.RETURNED}),
}
RECEIVABLE = frozenset({ShipmentStatus.IN_TRANSIT, ShipmentStatus.AT_HUB, ShipmentStatus.ARRIVED})
SHIPMENT_FIELDS = ("donor_id", "recipient_id", "status", "notes")
LEG_FIELDS = ("sequence", "mode", "carrier", "reference", "gross_weight_kg", "origin",
              "origin_lat", "origin_lon", "destination", "destination_lat", "destination_lon",
              "planned_departure", "actual_departure", "planned_arrival", "actual_arrival",
              "customs")


@dataclass(frozen=True)
class LineInput:
    """One allocation to put on a shipment, and how much of it."""

    allocation_id: int
    quantity: Any  # checked here: forms and the demo loader both call in


@dataclass(frozen=True)
class LegInput:
    """One leg as typed: places already resolved, dates planned and/or actual."""

    mode: str
    origin: Place
    origin_text: str
    destination: Place
    destination_text: str
    carrier: str | None = None
    reference: str | None = None
    gross_weight_kg: float | None = None
    planned_departure: date | None = None
    actual_departure: date | None = None
    planned_arrival: date | None = None
    actual_arrival: date | None = None
    customs: str = CustomsState.NONE.value


@dataclass(frozen=True)
class StatusInput:
    """A status change as the person reports it."""

    status: str
    occurred_on: date | None = None
    is_planned: bool = False
    document_ref: str | None = None
    note: str | None = None


# -- who may do what ------------------------------------------------------------------------


def may_view(actor: Any, shipment: Shipment) -> bool:
    """Coordinators and both organisations always; everyone once both are verified."""
    if shipment.is_public:
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return bool(actor.is_coordinator
                or actor.organisation_id in (shipment.donor_id, shipment.recipient_id))


def may_ship(actor: Any, shipment: Shipment | None = None) -> bool:
    """The donor organisation (for its own shipments) or a coordinator."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if not can(Permission.SHIPMENT_RECORD, actor):
        return False
    return shipment is None or actor.is_coordinator or actor.organisation_id == shipment.donor_id


def may_receive(actor: Any, shipment: Shipment) -> bool:
    """Only the recipient organisation confirms receipt."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return (can(Permission.RECEIPT_CONFIRM, actor)
            and actor.organisation_id == shipment.recipient_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def check_version(shipment: Shipment, version: int | None) -> None:
    """Refuse a change made on a form opened before someone else saved."""
    if version is not None and version != shipment.version:
        raise Conflict("Someone else saved this shipment after you opened it. "
                       "Reload the page to see their changes, then make yours again.")


# -- lines ----------------------------------------------------------------------------------


def active_shipment(session: Session, allocation_id: int) -> int | None:
    """The id of the shipment that carries an allocation now (not cancelled or returned).

    An allocation travels on one shipment at a time, so that its status follows exactly one
    shipment; goods split over two flights are two allocations (a coordinator splits them).
    """
    return session.scalar(
        select(ShipmentLine.shipment_id).join(Shipment)
        .where(ShipmentLine.allocation_id == allocation_id,
               Shipment.status.in_(ACTIVE_SHIPMENT_STATUSES)).limit(1))


def shippable_allocations(session: Session, actor: User) -> list[Allocation]:
    """Accepted or confirmed allocations the actor may ship, not on a shipment yet."""
    query = (select(Allocation).join(Donation).where(Allocation.status.in_(SHIPPABLE))
             .order_by(Allocation.id))
    if not actor.is_coordinator:
        query = query.where(Donation.organisation_id == actor.organisation_id)
    return [a for a in session.scalars(query) if active_shipment(session, a.id) is None]


def whole_number(value: Any, field: str) -> int:
    """``value`` as an int; refuses fractions, NaN, infinities and booleans."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        raise ServiceError("Enter a whole number.", field=field)
    return value


def _line(session: Session, actor: User, index: int, data: LineInput) -> ShipmentLine:
    field = f"lines-{index}-quantity"
    allocation = session.get(Allocation, data.allocation_id)
    if allocation is None or not (actor.is_coordinator
                                  or allocation.donation.organisation_id == actor.organisation_id):
        raise NotAllowed("You can only ship your own organisation's allocations.")
    if allocation.status not in SHIPPABLE:
        raise ServiceError(f"Allocation {allocation.id} is {allocation.status.value}; only "
                           "accepted or confirmed allocations can be shipped.", field=field)
    carrier = active_shipment(session, allocation.id)
    if carrier is not None:
        raise ServiceError(f"Allocation {allocation.id} is already on shipment {carrier}.",
                           field=field)
    quantity = whole_number(data.quantity, field)
    if quantity < 1:
        raise ServiceError("The quantity must be at least 1.", field=field)
    if quantity > allocation.quantity:
        raise ServiceError(f"Only {allocation.quantity:,} units are allocated; ship at most "
                           "that.", field=field)
    return ShipmentLine(allocation=allocation, quantity=quantity, status_before=allocation.status)


def _parties(lines: Sequence[ShipmentLine]) -> tuple[int, int]:
    donors = {line.allocation.donation.organisation_id for line in lines}
    recipients = {line.allocation.need.organisation_id for line in lines}
    if len(donors) != 1 or len(recipients) != 1:
        raise ServiceError("All lines of a shipment go from one donor to one recipient; record "
                           "one shipment per recipient.", field="lines")
    return donors.pop(), recipients.pop()


# -- legs -----------------------------------------------------------------------------------


def clean_text(value: str | None, field: str, limit: int = TEXT_LENGTH) -> str | None:
    """Stripped text or None; refuses text longer than ``limit``."""
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > limit:
        raise ServiceError(f"At most {limit} characters.", field=field)
    return cleaned


def _check_leg(data: LegInput) -> None:
    if data.mode not in {m.value for m in Mode}:
        raise ServiceError("Choose air, sea, road or rail.", field="mode")
    if data.customs not in {c.value for c in CustomsState}:
        raise ServiceError("Choose a customs state.", field="customs")
    weight = data.gross_weight_kg
    if weight is not None and not (math.isfinite(weight) and 0 < weight <= MAX_WEIGHT_KG):
        raise ServiceError(f"Enter a weight above 0 and up to {MAX_WEIGHT_KG:,.0f} kg.",
                           field="gross_weight_kg")
    for kind in ("planned", "actual"):
        left, right = getattr(data, f"{kind}_departure"), getattr(data, f"{kind}_arrival")
        if left and right and right < left:
            raise ServiceError("The arrival cannot be before the departure.",
                               field=f"{kind}_arrival")
    for kind in ("departure", "arrival"):
        actual = getattr(data, f"actual_{kind}")
        if actual and actual > today() + CLOCK_SLACK:
            raise ServiceError("An actual date cannot be in the future; enter it as planned.",
                               field=f"actual_{kind}")


def _apply_leg(leg: ShipmentLeg, data: LegInput) -> None:
    _check_leg(data)
    leg.mode, leg.customs = Mode(data.mode), CustomsState(data.customs)
    leg.carrier = clean_text(data.carrier, "carrier")
    leg.reference = clean_text(data.reference, "reference", REFERENCE_LENGTH)
    leg.gross_weight_kg = data.gross_weight_kg
    for end in ("origin", "destination"):
        place: Place = getattr(data, end)
        text = clean_text(getattr(data, f"{end}_text"), f"{end}-place") or place.name
        setattr(leg, end, text[:TEXT_LENGTH])
        setattr(leg, f"{end}_country", place.country_code)
        setattr(leg, f"{end}_lat", place.lat)
        setattr(leg, f"{end}_lon", place.lon)
    for name in ("planned_departure", "actual_departure", "planned_arrival", "actual_arrival"):
        setattr(leg, name, getattr(data, name))


def touch(shipment: Shipment) -> None:
    """Mark the shipment changed, so its version moves and an open form goes stale."""
    shipment.updated_at = utcnow()


def add_leg(session: Session, actor: User, shipment: Shipment, data: LegInput,
            version: int | None = None) -> ShipmentLeg:
    """Add the next leg (origin → hub, hub → destination …) to a shipment."""
    _require(may_ship(actor, shipment), "Only the donor or a coordinator changes this shipment.")
    check_version(shipment, version)
    _require_open(shipment)
    leg = ShipmentLeg(sequence=len(shipment.legs) + 1)
    _apply_leg(leg, data)
    shipment.legs.append(leg)
    touch(shipment)
    session.flush()
    record_event(session, actor, "shipment.leg_add", shipment,
                 after={"leg": leg.id, **snapshot(leg, LEG_FIELDS)})
    return leg


def edit_leg(session: Session, actor: User, leg: ShipmentLeg, data: LegInput,
             version: int | None = None) -> None:
    """Correct a leg or add what became known: actual dates, customs, the waybill."""
    shipment = leg.shipment
    _require(may_ship(actor, shipment), "Only the donor or a coordinator changes this shipment.")
    check_version(shipment, version)
    _require_open(shipment)
    before = snapshot(leg, LEG_FIELDS)
    _apply_leg(leg, data)
    touch(shipment)
    session.flush()
    record_event(session, actor, "shipment.leg_edit", shipment, before={"leg": leg.id, **before},
                 after={"leg": leg.id, **snapshot(leg, LEG_FIELDS)})


def _require_open(shipment: Shipment) -> None:
    if shipment.status not in TRANSITIONS:
        raise ServiceError(f"This shipment is {shipment.status.value}; it can no longer change.")


# -- recording and status -------------------------------------------------------------------


def record_shipment(session: Session, actor: User, lines: Sequence[LineInput],
                    leg: LegInput | None = None, notes: str | None = None,
                    external_ref: str | None = None) -> Shipment:
    """The donor (or a coordinator) records a shipment of allocations, with its first leg."""
    _require(may_ship(actor), "Your organisation does not record shipments.")
    if not lines:
        raise ServiceError("Choose at least one allocation to ship.", field="lines")
    if len({line.allocation_id for line in lines}) != len(lines):
        raise ServiceError("Each allocation appears once on a shipment.", field="lines")
    built = [_line(session, actor, index, data) for index, data in enumerate(lines)]
    donor_id, recipient_id = _parties(built)
    shipment = Shipment(donor_id=donor_id, recipient_id=recipient_id, lines=built,
                        status=ShipmentStatus.PREPARING, created_by_id=actor.id,
                        notes=clean_text(notes, "notes", NOTE_LENGTH), external_ref=external_ref)
    if leg is not None:
        first = ShipmentLeg(sequence=1)
        _apply_leg(first, leg)
        shipment.legs.append(first)
    session.add(shipment)
    session.flush()
    append_event(session, actor, shipment, StatusInput(ShipmentStatus.PREPARING.value))
    record_event(session, actor, "shipment.create", shipment, after={
        **snapshot(shipment, SHIPMENT_FIELDS),
        "lines": [{"allocation": x.allocation_id, "quantity": x.quantity} for x in built],
        "legs": [snapshot(x, LEG_FIELDS) for x in shipment.legs]})
    return shipment


def append_event(session: Session, actor: User | None, shipment: Shipment,
           data: StatusInput) -> ShipmentEvent:
    """Append a dated event to the shipment's timeline."""
    event = ShipmentEvent(status=ShipmentStatus(data.status), occurred_on=data.occurred_on,
                          is_planned=data.is_planned, actor_id=actor.id if actor else None,
                          document_ref=clean_text(data.document_ref, "document_ref",
                                                  REFERENCE_LENGTH),
                          note=clean_text(data.note, "note", NOTE_LENGTH))
    shipment.events.append(event)
    session.flush()
    return event


def move_allocation(session: Session, actor: User | None, allocation: Allocation,
          frm: AllocationStatus, to: AllocationStatus, **values: Any) -> None:
    """Change an allocation's status only if it is still ``frm``; else Conflict."""
    result = session.execute(
        update(Allocation).where(Allocation.id == allocation.id, Allocation.status == frm)
        .values(status=to, **values).execution_options(synchronize_session=False))
    moved = cast(CursorResult[Any], result).rowcount
    if moved != 1:
        session.expire(allocation)
        raise Conflict(f"Allocation {allocation.id} changed meanwhile (it is now "
                       f"{allocation.status.value}); reload the shipment.")
    session.expire(allocation)
    record_event(session, actor, f"allocation.{to.value}", allocation,
                 before={"status": frm.value}, after={"status": to.value})


def change_status(session: Session, actor: User, shipment: Shipment, data: StatusInput,
                  version: int | None = None) -> ShipmentEvent:
    """Move the shipment along its lifecycle and its allocations with it."""
    _require(may_ship(actor, shipment), "Only the donor or a coordinator changes this shipment.")
    check_version(shipment, version)
    try:
        target = ShipmentStatus(data.status)
    except ValueError:
        raise ServiceError("Choose a status.", field="status") from None
    if target not in TRANSITIONS.get(shipment.status, frozenset()):
        raise ServiceError(f"A shipment that is {shipment.status.value} cannot become "
                           f"{target.value}.", field="status")
    if data.occurred_on and not data.is_planned and data.occurred_on > today() + CLOCK_SLACK:
        raise ServiceError("An actual date cannot be in the future; tick “planned”.",
                           field="occurred_on")
    before = shipment.status
    _drive_allocations(session, actor, shipment, before, target)
    shipment.status = target
    session.flush()
    event = append_event(session, actor, shipment, data)
    record_event(session, actor, "shipment.status", shipment, before={"status": before.value},
                 after={"status": target.value, "occurred_on": _iso(data.occurred_on),
                        "planned": data.is_planned, "document": event.document_ref},
                 reason=event.note)
    return event


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _drive_allocations(session: Session, actor: User, shipment: Shipment,
                       before: ShipmentStatus, target: ShipmentStatus) -> None:
    if before is ShipmentStatus.PREPARING and target is ShipmentStatus.IN_TRANSIT:
        for line in shipment.lines:
            move_allocation(session, actor, line.allocation, line.status_before,
                            AllocationStatus.SHIPPED)
    elif target in (ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED) and (
            before is not ShipmentStatus.PREPARING):
        for line in shipment.lines:
            move_allocation(session, actor, line.allocation, AllocationStatus.SHIPPED,
                            line.status_before)


def shipments_of(session: Session, record: Donation | Need) -> list[ShipmentLine]:
    """Every shipment line that carries goods of a donation or to a need, newest first."""
    column = Allocation.donation_id if isinstance(record, Donation) else Allocation.need_id
    return list(session.scalars(
        select(ShipmentLine).join(Allocation).where(column == record.id)
        .order_by(ShipmentLine.id.desc())))

