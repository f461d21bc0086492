"""Shipments for the demo allocations: legs through the 2020 hubs, events and receipts.

``build_demo_shipments`` runs after ``load_demo``. It reads each demo allocation's
``explanation`` (route text, event id, date and stage) and records what the sources say:

* one shipment per event, donor, recipient and stage (E15's four items flew together);
* a hub leg where the route names one that is not the destination — Liège (also when the
  route says only "Belgium", as E38 does), Addis Ababa, Almaty — then an onward leg by road
  when the route says truck or road, else by the first leg's mode;
* the row's date as an actual departure, hub arrival or arrival, or as a planned arrival
  for "expected" stages; a partial date ("2020-04") becomes no leg date at all;
* a receipt for each delivered allocation; the Dutch FFP2 recall (E12 line 2) is a rejected
  receipt with the inspection note, its allocation REJECTED for quality, its quantity given
  back, and its lot withdrawn (the goods were recalled, so they must not be offered again).

Every shipment has a ``demo:shipment:<event>:<line>`` external_ref; a second run creates and
changes nothing. Flushes, never commits.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.domain.places import Place
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    DonationStatus,
    Mode,
    ReasonCode,
    Receipt,
    ReceiptDecision,
    ReceivedCondition,
    Shipment,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
)
from aidregistry.models.base import utcnow
from aidregistry.services.audit import record_event
from aidregistry.services.demo import shipment_weights
from aidregistry.services.receipts import give_back
from aidregistry.services.shipments import move_allocation

REF_PREFIX = "demo:"
ACTION = "demo.load"
HUBS = {
    "Liège": Place("Liège", "Wallonia", None, "BE", "Belgium", 50.63373, 5.56749),
    "Addis Ababa": Place("Addis Ababa", "Addis Ababa", None, "ET", "Ethiopia", 9.02497, 38.74689),
    "Almaty": Place("Almaty", "Almaty", None, "KZ", "Kazakhstan", 43.25654, 76.92848),
}
# Departure cities that routes name, for goods bought abroad by a donor in the destination
# country (E32: KGHM of Poland flew its purchase from Tianjin via Almaty to Warsaw).
ROUTE_ORIGINS = {
    "tianjin": Place("Tianjin", "Tianjin", None, "CN", "China", 39.14222, 117.17667),
    "shenzhen": Place("Shenzhen", "Guangdong", None, "CN", "China", 22.54554, 114.0683),
    "guangzhou": Place("Guangzhou", "Guangdong", None, "CN", "China", 23.11667, 113.25),
    "shanghai": Place("Shanghai", "Shanghai", None, "CN", "China", 31.22222, 121.45806),
}
_DEPARTURE_WORDS = ("dispatch", "depart", "loaded", "in transit", "shipping")
_STATUS = {AllocationStatus.CONFIRMED: ShipmentStatus.PREPARING,
           AllocationStatus.SHIPPED: ShipmentStatus.IN_TRANSIT,
           AllocationStatus.DELIVERED: ShipmentStatus.DELIVERED}


@dataclass(frozen=True)
class DemoShipmentReport:
    """What one run did."""

    shipments: int = 0
    receipts: int = 0
    rejected: int = 0
    already_present: int = 0


def build_demo_shipments(session: Session) -> DemoShipmentReport:
    """Record shipments, legs, events and receipts for the demo allocations (idempotent)."""
    existing = set(session.scalars(select(Shipment.external_ref).where(
        Shipment.external_ref.startswith(f"{REF_PREFIX}shipment:"))))
    shipped = set(session.scalars(select(ShipmentLine.allocation_id)))
    counts = {"shipments": 0, "receipts": 0, "rejected": 0, "already_present": 0}
    groups = _groups(session)
    events = [ref.split(":")[2] for ref in groups]
    # A published gross weight covers a whole consignment: give it to an event's only shipment.
    weights = {event: tonnes * 1000 for event, tonnes in shipment_weights().items()
               if events.count(event) == 1}
    for ref, group in groups.items():
        if ref in existing or any(a.id in shipped or a.status is AllocationStatus.REJECTED
                                  for a in group):
            counts["already_present"] += 1
            continue
        shipment = _shipment(session, ref, group)
        shipment.legs[0].gross_weight_kg = weights.get(ref.split(":")[2])
        counts["shipments"] += 1
        counts["receipts"] += shipment.receipt is not None
        counts["rejected"] += any(x.decision is ReceiptDecision.REJECTED for x in shipment.lines)
    session.flush()
    return DemoShipmentReport(**counts)


def _groups(session: Session) -> dict[str, list[Allocation]]:
    """Demo allocations that travelled together, keyed by the shipment's external_ref."""
    allocations = session.scalars(
        select(Allocation).where(Allocation.external_ref.startswith(f"{REF_PREFIX}allocation:"),
                                 Allocation.status.in_((*_STATUS, AllocationStatus.REJECTED)))
        .order_by(Allocation.id))
    groups: dict[tuple[Any, ...], list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        info = allocation.explanation or {}
        if allocation.status is AllocationStatus.REJECTED and not info.get("recalled"):
            continue  # rejected by a coordinator, never shipped
        key = (info.get("event_id"), allocation.donation.organisation_id,
               allocation.need.organisation_id, info.get("date"),
               info.get("date_type"), bool(info.get("recalled")))
        groups[key].append(allocation)
    return {f"{REF_PREFIX}shipment:{key[0]}:{group[0].explanation.get('line', group[0].id)}": group
            for key, group in groups.items()}


def _day(text: str | None) -> date | None:
    """The date of a full ISO date; None for a partial one ("2020-04")."""
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def _place(text: str, country: str | None, lat: float | None, lon: float | None) -> Place:
    # Demo records always carry coordinates (demo_places.csv); 0,0 never happens.
    return Place(text, None, None, country, None, lat or 0.0, lon or 0.0, source="manual")


def _hubs(info: dict[str, Any], destination: str) -> list[str]:
    route = str(info.get("route", "")).lower()
    names = list(info.get("hubs") or [])
    if "belgium" in route and "Liège" not in names:
        names.append("Liège")
    return [n for n in names if n in HUBS and n.lower() != destination.lower()]


def _legs(first: Allocation, info: dict[str, Any]) -> list[ShipmentLeg]:
    donation, need = first.donation, first.need
    origin = _place(donation.place, donation.place_country, donation.lat, donation.lon)
    if donation.place_country == need.place_country:
        route = str(info.get("route", "")).lower()
        origin = next((p for k, p in ROUTE_ORIGINS.items() if k in route), origin)
    destination = _place(need.place, need.place_country, need.lat, need.lon)
    stops = [origin, *(HUBS[name] for name in _hubs(info, need.place)), destination]
    mode = Mode(first.mode) if first.mode else Mode.AIR
    onward = Mode.ROAD if re.search(r"\b(truck|road)\b", str(info.get("route", "")).lower()) \
        else mode
    legs = [_leg(i + 1, a, b, mode if i == 0 else onward) for i, (a, b) in
            enumerate(pairwise(stops))]
    _date_legs(legs, info)
    return legs


def _leg(sequence: int, origin: Place, destination: Place, mode: Mode) -> ShipmentLeg:
    return ShipmentLeg(
        sequence=sequence, mode=mode, origin=origin.name, origin_country=origin.country_code,
        origin_lat=origin.lat, origin_lon=origin.lon, destination=destination.name,
        destination_country=destination.country_code, destination_lat=destination.lat,
        destination_lon=destination.lon)


def _date_legs(legs: list[ShipmentLeg], info: dict[str, Any]) -> None:
    on, stage = _day(info.get("date")), str(info.get("date_type", "")).lower()
    if on is None or "recalled" in stage:
        return
    if "planned" in stage or "expected" in stage:
        legs[-1].planned_arrival = on
    elif "transshipment" in stage:
        legs[0].actual_arrival = on
    elif any(word in stage for word in _DEPARTURE_WORDS):
        legs[0].actual_departure = on
    else:
        legs[-1].actual_arrival = on


def _shipment(session: Session, ref: str, group: list[Allocation]) -> Shipment:
    first = group[0]
    info = first.explanation or {}
    status = _STATUS[first.status]
    if status is ShipmentStatus.IN_TRANSIT and "transshipment" in str(info.get("date_type")):
        status = ShipmentStatus.AT_HUB
    shipment = Shipment(
        donor_id=first.donation.organisation_id, recipient_id=first.need.organisation_id,
        status=status, external_ref=ref, source=first.donation.source,
        confidence=first.donation.confidence, notes=_notes(info),
        lines=[ShipmentLine(allocation=a, quantity=a.quantity,
                            status_before=AllocationStatus.CONFIRMED) for a in group],
        legs=_legs(first, info))
    session.add(shipment)
    session.flush()
    _events(shipment, info)
    if status is ShipmentStatus.DELIVERED:
        _receipt(session, shipment, info)
    session.flush()
    record_event(session, None, ACTION, shipment, reason=f"demo data: {ref}", after={
        "status": status.value, "allocations": [a.id for a in group],
        "legs": [f"{x.origin} → {x.destination} ({x.mode.value})" for x in shipment.legs]})
    return shipment


def _notes(info: dict[str, Any]) -> str:
    parts = [f"[route as published: {info.get('route', 'not stated')}]",
             f"[{info.get('date_type', 'stage not stated')} {info.get('date', '')}]".strip()]
    if not re.search(r"\b(air|road|truck|local)\b", str(info.get("route", "")).lower()):
        parts.append("[mode not stated; air assumed]")
    if info.get("notes"):
        parts.append(str(info["notes"]))
    return " ".join(parts)


def _events(shipment: Shipment, info: dict[str, Any]) -> None:
    on, stage = _day(info.get("date")), str(info.get("date_type", ""))
    steps = [ShipmentStatus.PREPARING]
    if shipment.status is not ShipmentStatus.PREPARING:
        steps.append(ShipmentStatus.IN_TRANSIT)
    if shipment.status in (ShipmentStatus.AT_HUB, ShipmentStatus.DELIVERED):
        steps.append(shipment.status)
    for step in steps:
        dated = step is steps[-1] and step is not ShipmentStatus.PREPARING
        shipment.events.append(ShipmentEvent(
            status=step, occurred_on=on if dated else None, at=utcnow(),
            is_planned=dated and ("planned" in stage or "expected" in stage),
            note=f"{stage} (demo data)" if dated else None))


def _receipt(session: Session, shipment: Shipment, info: dict[str, Any]) -> None:
    recalled = bool(info.get("recalled"))
    text = info.get("recalled_on") if recalled else info.get("date")
    received_on = _day(text) or date.fromisoformat(f"{str(text)[:7]}-01")
    shipment.receipt = Receipt(received_on=received_on,
                               note=None if _day(text) else f"[date note: partial date {text}]")
    for line in shipment.lines:
        line.quantity_received = line.quantity
        if recalled:
            _reject(session, line, str(info.get("recall_note") or "Recalled after inspection."))
        else:
            line.condition, line.decision = ReceivedCondition.GOOD, ReceiptDecision.ACCEPTED


def _reject(session: Session, line: ShipmentLine, note: str) -> None:
    """The recall: a rejected receipt, the quantity given back, the lot withdrawn."""
    line.condition, line.decision = ReceivedCondition.FAILED_INSPECTION, ReceiptDecision.REJECTED
    line.inspection_note = note
    allocation = line.allocation
    session.flush()
    move_allocation(session, None, allocation, AllocationStatus.DELIVERED,
                    AllocationStatus.REJECTED, reason_code=ReasonCode.QUALITY, reason_text=note)
    give_back(session, allocation.donation, allocation.need, allocation.quantity)
    donation: Donation = allocation.donation
    donation.status, donation.withdrawn_at = DonationStatus.WITHDRAWN, utcnow()
    donation.status_reason = f"Recalled after failing inspection: {note}"
    session.flush()
    record_event(session, None, "donation.receipt_rejected", donation, reason=note,
                 after={"shipment": line.shipment_id, "allocation": allocation.id,
                        "condition": "failed_inspection", "decision": "rejected"})
    record_event(session, None, "donation.withdraw", donation, reason=donation.status_reason,
                 before={"status": "available"}, after={"status": "withdrawn"})
