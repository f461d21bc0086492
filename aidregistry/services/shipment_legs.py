"""Removing a leg from a shipment, and the route's history of corrections.

Adding and correcting a leg are in ``services/shipments.py``. The rules for removal are
pure (``domain/routes.py``); here they meet the records. A leg change is guarded by the
shipment's version like every other change to the shipment: the form carries the version
it was opened at, and ``touch`` moves it on, so that two officers working on the same
route cannot overwrite each other, and the map's data version sees the change.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.domain.routes import Hop, Refusal, Stop, gaps, removal_refusal
from aidregistry.models import AuditEvent, Shipment, ShipmentLeg, ShipmentStatus, User
from aidregistry.services.audit import record_event, snapshot
from aidregistry.services.errors import NotAllowed, ServiceError
from aidregistry.services.shipments import LEG_FIELDS, check_version, may_ship, touch

# Legs may be removed while the goods are still on their way; once they arrived (or the
# shipment ended otherwise) the route is the record of how they travelled.
REMOVABLE_STATUSES = frozenset(
    {ShipmentStatus.PREPARING, ShipmentStatus.IN_TRANSIT, ShipmentStatus.AT_HUB})
LEG_ACTIONS = ("shipment.leg_add", "shipment.leg_edit", "shipment.leg_remove")


def hop(leg: ShipmentLeg) -> Hop:
    """The leg as the route rules see it."""
    return Hop(Stop(leg.origin, leg.origin_lat, leg.origin_lon),
               Stop(leg.destination, leg.destination_lat, leg.destination_lon),
               travelled=leg.actual_departure is not None or leg.actual_arrival is not None)


def refusal_to_remove(shipment: Shipment, leg: ShipmentLeg) -> Refusal | None:
    """Why ``leg`` cannot be removed from ``shipment`` now, or None when it can."""
    return removal_refusal([hop(x) for x in shipment.legs], shipment.legs.index(leg),
                           closed=shipment.status not in REMOVABLE_STATUSES,
                           under_way=shipment.status is not ShipmentStatus.PREPARING)


def route_gaps(shipment: Shipment) -> list[tuple[ShipmentLeg, ShipmentLeg]]:
    """Pairs of consecutive legs where the second does not start where the first ends."""
    legs = shipment.legs
    return [(legs[i - 1], legs[i]) for i in gaps([hop(x) for x in legs])]


def _refuse(refusal: Refusal) -> NoReturn:
    # Literal messages, one per rule, so that the catalogue check finds each of them.
    if refusal is Refusal.CLOSED:
        raise ServiceError("This shipment's route is a record now: no leg can be removed.")
    if refusal is Refusal.TRAVELLED:
        raise ServiceError("This leg has an actual departure or arrival date, so it cannot "
                           "be removed; if those dates are wrong, correct the leg first.")
    if refusal is Refusal.ONLY_LEG:
        raise ServiceError("A shipment under way keeps at least one leg; correct this leg "
                           "instead.")
    raise ServiceError("Removing this leg would leave a gap in the route; correct a "
                       "neighbouring leg so that the two meet, then remove this one.")


def remove_leg(session: Session, actor: User, leg: ShipmentLeg,
               version: int | None = None) -> None:
    """Take a leg out of its shipment and number the remaining legs 1, 2, … again."""
    shipment = leg.shipment
    if not may_ship(actor, shipment):
        raise NotAllowed("Only the donor or a coordinator changes this shipment.")
    check_version(shipment, version)
    refusal = refusal_to_remove(shipment, leg)
    if refusal is not None:
        _refuse(refusal)
    before = {"leg": leg.id, **snapshot(leg, LEG_FIELDS),
              "legs": [x.id for x in shipment.legs]}
    shipment.legs.remove(leg)  # delete-orphan: the row goes at flush
    for number, remaining in enumerate(shipment.legs, start=1):
        remaining.sequence = number
    touch(shipment)
    session.flush()
    record_event(session, actor, "shipment.leg_remove", shipment, before=before,
                 after={"legs": [x.id for x in shipment.legs]})


def route_changes(session: Session, shipment: Shipment) -> list[AuditEvent]:
    """The audit events of legs added, corrected and removed on ``shipment``, oldest first."""
    return list(session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "shipment", AuditEvent.entity_id == shipment.id,
               AuditEvent.action.in_(LEG_ACTIONS))
        .order_by(AuditEvent.at, AuditEvent.id)))
