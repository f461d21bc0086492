"""The public map's data: flows, places and open needs in one compact, cacheable document.

Only public data leave this module: organisations that coordinators verified, their names
and kinds, positions coarsened to the precision each organisation chose, and quantities.
No contact detail is ever selected.

Format (version 1), arrays rather than objects so that 100,000 deliveries stay small:

    {"v": 1, "day0": "2020-01-01",
     "items":  [[code, name_en, name_zh, category, base_unit], ...],
     "kinds":  [org kind, ...],
     "orgs":   [[id, name, name_local, kind_index, country], ...],
     "places": [[lat, lon], ...],                       # rounded, privacy-coarsened
     "routes": [[place_index, ...], ...],               # origin, hubs..., destination
     "flows":  [[route, donor_org, recipient_org, item, status, day, quantity, count,
                 donation_id, need_id], ...],           # ids 0 when merged from several
     "needs":  [[need_id, org, place, item, remaining, priority, needed_by_day], ...]}

Flows sharing route, organisations, item, status and day are merged into one row; the
browser merges again by route after filtering, so identical routes draw one line.
Status codes: 0 pledged (allocation confirmed), 1 in transit (shipped), 2 delivered.
Days count from ``day0``: a flow's day is its shipment's receipt, else the shipment's first
departure, else the day the donation was available. A shipment with several legs routes its
flow through the hubs where every leg but the last ends (Hangzhou → Liège → Rome).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, aliased

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    ItemType,
    LocationPrecision,
    Need,
    NeedStatus,
    Organisation,
    VerificationState,
)
from aidregistry.models.base import today
from aidregistry.models.shipment import (
    Receipt,
    Shipment,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
)

FORMAT_VERSION = 1
STATUS_CODES = {AllocationStatus.CONFIRMED: 0, AllocationStatus.SHIPPED: 1,
                AllocationStatus.DELIVERED: 2}
DECIMALS = {LocationPrecision.EXACT: 3, LocationPrecision.CITY: 2, LocationPrecision.REGION: 1}
REGION_GRID_DEGREES = 1.0  # a region-precision position is shown on a one-degree grid
CITY_FALLBACK_DECIMALS = 1  # about 10 km, when no gazetteer city is near

Snap = Callable[[float, float], tuple[float, float] | None]


def public_position(lat: float, lon: float, precision: LocationPrecision,
                    city_of: Snap | None = None) -> tuple[float, float]:
    """The position the public may see for a place of an organisation with ``precision``.

    City precision shows the coordinates of the nearest city (``city_of``), or a position
    rounded to about 10 km when none is known; region precision a one-degree grid point.
    """
    if precision is LocationPrecision.REGION:
        step = REGION_GRID_DEGREES
        return (round(round(lat / step) * step, 1), round(round(lon / step) * step, 1))
    if precision is LocationPrecision.CITY:
        city = city_of(lat, lon) if city_of else None
        if city is None:
            return (round(lat, CITY_FALLBACK_DECIMALS), round(lon, CITY_FALLBACK_DECIMALS))
        lat, lon = city
    decimals = DECIMALS[precision]
    return (round(lat, decimals), round(lon, decimals))


def data_version(session: Session) -> tuple[Any, ...]:
    """A cheap key that changes whenever anything the map or dashboard shows changes.

    Counts catch deletions and the latest ``updated_at`` catches edits; one statement
    so that a cached answer costs a single round trip.
    """
    parts = []
    # Leg edits touch their shipment's updated_at (services/shipments.py), lines come with it.
    for model in (Organisation, Donation, Need, Allocation, Shipment, Receipt):
        parts += [select(func.count()).select_from(model).scalar_subquery(),
                  select(func.max(model.updated_at)).scalar_subquery()]
    parts.append(select(func.count()).select_from(ShipmentLeg).scalar_subquery())
    row = session.execute(select(*parts)).one()
    return tuple(str(value) for value in row)


def _shipped_routes(session: Session) -> dict[int, tuple[list[tuple[float, float]], date | None]]:
    """Allocation id → the hubs its shipment passes (in order) and the day it is dated by.

    The hubs are where every leg but the last ends; the day is the receipt's, else the
    first leg's departure. An allocation split over several shipments follows the first.
    """
    departure = func.coalesce(ShipmentLeg.actual_departure, ShipmentLeg.planned_departure)
    stmt = (select(ShipmentLine.allocation_id, Shipment.id, ShipmentLeg.destination_lat,
                   ShipmentLeg.destination_lon, departure.label("departs"),
                   Receipt.received_on)
            .join(Shipment, ShipmentLine.shipment_id == Shipment.id)
            .join(ShipmentLeg, ShipmentLeg.shipment_id == Shipment.id)
            .outerjoin(Receipt, Receipt.shipment_id == Shipment.id)
            .where(Shipment.status.not_in([ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED]))
            .order_by(ShipmentLine.allocation_id, Shipment.id, ShipmentLeg.sequence,
                      ShipmentLeg.id))
    legs: dict[int, list[Any]] = {}
    for row in session.connection().execute(stmt):
        first = legs.setdefault(row.allocation_id, [row.id])
        if first[0] == row.id:
            first.append(row)
    routes = {}
    for allocation_id, (_, *rows) in legs.items():
        hubs = [(r.destination_lat, r.destination_lon) for r in rows[:-1]
                if r.destination_lat is not None and r.destination_lon is not None]
        routes[allocation_id] = (hubs, rows[0].received_on or rows[0].departs)
    return routes


@dataclass
class _Builder:
    """Interns organisations, places, items and routes while rows are added."""

    precision: dict[int, LocationPrecision]
    city_of: Snap | None
    known: dict[tuple[int, float, float], int] = field(default_factory=dict)
    orgs: dict[int, int] = field(default_factory=dict)
    places: dict[tuple[float, float], int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    routes: dict[tuple[int, ...], int] = field(default_factory=dict)
    flows: dict[tuple[int, ...], list[int]] = field(default_factory=dict)
    needs: list[list[Any]] = field(default_factory=list)
    day0: date | None = None

    def org(self, org_id: int) -> int:
        return self.orgs.setdefault(org_id, len(self.orgs))

    def place(self, org_id: int, lat: float, lon: float) -> int:
        # Most records sit where their organisation is: work out each position once.
        index = self.known.get((org_id, lat, lon))
        if index is None:
            key = public_position(lat, lon, self.precision[org_id], self.city_of)
            index = self.known[(org_id, lat, lon)] = self.places.setdefault(key, len(self.places))
        return index

    def item(self, code: str) -> int:
        return self.items.setdefault(code, len(self.items))

    def route(self, stops: tuple[int, ...]) -> int:
        return self.routes.setdefault(stops, len(self.routes))

    def hub(self, lat: float, lon: float) -> int:
        # A hub is a transport place (an airport, a port), shown as precisely as a city.
        key = public_position(lat, lon, LocationPrecision.CITY, self.city_of)
        return self.places.setdefault(key, len(self.places))

    def add_flow(self, row: Row[Any], day: date, hubs: list[tuple[float, float]],
                 day0: date) -> None:
        stops = (self.place(row.donor_id, row.d_lat, row.d_lon),
                 *(self.hub(lat, lon) for lat, lon in hubs),
                 self.place(row.recipient_id, row.n_lat, row.n_lon))
        key = (self.route(stops), self.org(row.donor_id),
               self.org(row.recipient_id), self.item(row.item_code), STATUS_CODES[row.status],
               (day - day0).days)
        merged = self.flows.get(key)
        if merged is None:
            self.flows[key] = [int(row.quantity), 1, row.donation_id, row.need_id]
            return
        merged[0] += int(row.quantity)
        merged[1] += 1
        merged[2] = merged[2] if merged[2] == row.donation_id else 0
        merged[3] = merged[3] if merged[3] == row.need_id else 0


def _flow_rows(session: Session) -> list[Row[Any]]:
    donor, recipient = aliased(Organisation), aliased(Organisation)
    verified = VerificationState.VERIFIED
    stmt = (
        select(Allocation.id, Allocation.quantity, Allocation.status, Allocation.donation_id,
               Allocation.need_id, Donation.item_code, Donation.available_from.label("day"),
               donor.id.label("donor_id"), recipient.id.label("recipient_id"),
               func.coalesce(Donation.lat, donor.lat).label("d_lat"),
               func.coalesce(Donation.lon, donor.lon).label("d_lon"),
               func.coalesce(Need.lat, recipient.lat).label("n_lat"),
               func.coalesce(Need.lon, recipient.lon).label("n_lon"))
        .join(Donation, Allocation.donation_id == Donation.id)
        .join(Need, Allocation.need_id == Need.id)
        .join(donor, Donation.organisation_id == donor.id)
        .join(recipient, Need.organisation_id == recipient.id)
        .where(Allocation.status.in_(list(STATUS_CODES)), donor.state == verified,
               recipient.state == verified)
        .order_by(Allocation.id)
    )
    # Core rows through the connection: the ORM's row processing would double the time.
    rows: list[Any] = [row for row in session.connection().execute(stmt)
                       if None not in (row.d_lat, row.d_lon, row.n_lat, row.n_lon)]
    return rows


def _need_rows(session: Session) -> list[Row[Any]]:
    stmt = (
        select(Need.id, Need.organisation_id, Need.item_code, Need.priority, Need.needed_by,
               (Need.quantity - Need.allocated).label("remaining"),
               func.coalesce(Need.lat, Organisation.lat).label("lat"),
               func.coalesce(Need.lon, Organisation.lon).label("lon"))
        .join(Organisation, Need.organisation_id == Organisation.id)
        .where(Organisation.state == VerificationState.VERIFIED, Need.status == NeedStatus.OPEN,
               Need.expires_on >= today(), Need.quantity > Need.allocated)
        .order_by(Need.priority, Need.needed_by, Need.id)
    )
    rows: list[Any] = [row for row in session.connection().execute(stmt)
                       if row.lat is not None and row.lon is not None]
    return rows


def build_map_data(session: Session, city_of: Snap | None = None) -> dict[str, Any]:
    """The whole public map document (see the module docstring); reads only."""
    precision: dict[int, LocationPrecision] = dict(session.execute(
        select(Organisation.id, Organisation.location_precision)
        .where(Organisation.state == VerificationState.VERIFIED)).all())
    builder = _Builder(precision, city_of)
    flows, needs, shipped = _flow_rows(session), _need_rows(session), _shipped_routes(session)
    dated = [(row, *shipped.get(row.id, ([], None))) for row in flows]
    days = [day or row.day for row, _, day in dated] + [row.needed_by for row in needs]
    day0 = min(days, default=today())
    for row, hubs, day in dated:
        builder.add_flow(row, day or row.day, hubs, day0)
    for row in needs:
        builder.needs.append([row.id, builder.org(row.organisation_id),
                              builder.place(row.organisation_id, row.lat, row.lon),
                              builder.item(row.item_code), int(row.remaining), row.priority,
                              (row.needed_by - day0).days])
    return _document(session, builder, day0)


def _document(session: Session, builder: _Builder, day0: date) -> dict[str, Any]:
    orgs = {org.id: org for org in session.scalars(
        select(Organisation).where(Organisation.id.in_(list(builder.orgs))))}
    kinds: dict[str, int] = {}
    org_rows = [[org.id, org.name, org.name_local, kinds.setdefault(org.kind.value, len(kinds)),
                 org.country] for org in (orgs[i] for i in builder.orgs)]
    items = {item.code: item for item in session.scalars(
        select(ItemType).where(ItemType.code.in_(list(builder.items))))}
    return {
        "v": FORMAT_VERSION, "day0": day0.isoformat(),
        "items": [[code, items[code].name_en, items[code].name_zh, items[code].category,
                   items[code].base_unit] for code in builder.items],
        "kinds": list(kinds), "orgs": org_rows,
        "places": [list(position) for position in builder.places],
        "routes": [list(stops) for stops in builder.routes],
        "flows": [[*key, *values] for key, values in builder.flows.items()],
        "needs": builder.needs,
    }
