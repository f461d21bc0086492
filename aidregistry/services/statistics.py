"""Figures for the public dashboard: totals, coverage, deliveries over time, top organisations.

Read-only functions over a session (they never flush). Like the map, they count only
organisations that coordinators verified, and an allocation only when both its donor and
its recipient are verified. An allocation confirmed by both sides counts as pledged,
a shipped one as in transit, a delivered one as delivered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    ItemType,
    Need,
    NeedStatus,
    Organisation,
    OrgRole,
    VerificationState,
)
from aidregistry.models.base import today
from aidregistry.models.shipment import Receipt, Shipment, ShipmentLine, ShipmentStatus

PUBLIC_STATUSES = (AllocationStatus.CONFIRMED, AllocationStatus.SHIPPED,
                   AllocationStatus.DELIVERED)
PRIORITIES = (1, 2, 3, 4)
DONOR, RECIPIENT = aliased(Organisation, name="donor"), aliased(Organisation, name="recipient")
# The day a delivery is dated by: its receipt when a shipment carried it, else the day its
# goods were ready to leave (records imported without shipments).
_RECEIVED_ON = (select(Receipt.received_on)
                .join(ShipmentLine, ShipmentLine.shipment_id == Receipt.shipment_id)
                .join(Shipment, Shipment.id == Receipt.shipment_id)
                .where(ShipmentLine.allocation_id == Allocation.id,
                       Shipment.status.not_in([ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED]))
                .order_by(Receipt.received_on).limit(1).correlate(Allocation).scalar_subquery())
FLOW_DAY = func.coalesce(_RECEIVED_ON, Donation.available_from)


@dataclass(frozen=True)
class ItemTotals:
    """One item's quantities in base units."""

    item: ItemType
    needed: int
    pledged: int
    in_transit: int
    delivered: int


@dataclass(frozen=True)
class Coverage:
    """How many current needs of one priority are covered by pledged or moving goods."""

    priority: int
    needs: int
    covered: int
    partly: int

    @property
    def uncovered(self) -> int:
        """Needs that nothing was allocated to yet."""
        return self.needs - self.covered - self.partly


@dataclass(frozen=True)
class Ranked:
    """An organisation with the estimated mass and number of its public flows."""

    organisation_id: int
    name: str
    country: str
    kilograms: float
    flows: int


@dataclass(frozen=True)
class Delivery:
    """One delivered allocation, as the public sees it."""

    allocation_id: int
    day: date
    donor_id: int
    donor: str
    recipient_id: int
    recipient: str
    item: ItemType
    quantity: int
    donation_id: int
    need_id: int


def public_flows(*columns: Any) -> Select[Any]:
    """Allocations the public may see, joined to their donation, need and both organisations."""
    verified = VerificationState.VERIFIED
    return (select(*columns).select_from(Allocation)
            .join(Donation, Allocation.donation_id == Donation.id)
            .join(Need, Allocation.need_id == Need.id)
            .join(DONOR, Donation.organisation_id == DONOR.id)
            .join(RECIPIENT, Need.organisation_id == RECIPIENT.id)
            .where(Allocation.status.in_(PUBLIC_STATUSES), DONOR.state == verified,
                   RECIPIENT.state == verified))


def _public_needs() -> Select[Any]:
    return (select(Need).join(Organisation, Need.organisation_id == Organisation.id)
            .where(Organisation.state == VerificationState.VERIFIED))


def _current_needs() -> Select[Any]:
    return _public_needs().where(Need.status == NeedStatus.OPEN, Need.expires_on >= today())


def item_totals(session: Session) -> list[ItemTotals]:
    """Per item: still needed, pledged, in transit and delivered (items with any figure)."""
    flows: dict[str, dict[AllocationStatus, int]] = defaultdict(dict)
    stmt = public_flows(Donation.item_code, Allocation.status, func.sum(Allocation.quantity)) \
        .group_by(Donation.item_code, Allocation.status)
    for code, status, total in session.execute(stmt):
        flows[code][status] = int(total)
    needs = _current_needs().subquery()
    needed = {code: int(total) for code, total in session.execute(
        select(needs.c.item_code, func.sum(needs.c.quantity - needs.c.allocated))
        .group_by(needs.c.item_code))}
    rows = []
    for item in session.scalars(select(ItemType).order_by(ItemType.sort_order)):
        by_status = flows.get(item.code, {})
        row = ItemTotals(item, needed.get(item.code, 0),
                         by_status.get(AllocationStatus.CONFIRMED, 0),
                         by_status.get(AllocationStatus.SHIPPED, 0),
                         by_status.get(AllocationStatus.DELIVERED, 0))
        if row.needed or row.pledged or row.in_transit or row.delivered:
            rows.append(row)
    return rows


def coverage_by_priority(session: Session, *, current: bool = True) -> list[Coverage]:
    """For each priority (1 most urgent): needs fully, partly and not (yet) covered.

    ``current`` counts the open needs that have not lapsed; otherwise every need recorded.
    """
    held = (select(Allocation.need_id, func.sum(Allocation.quantity).label("held"))
            .where(Allocation.status.in_(PUBLIC_STATUSES)).group_by(Allocation.need_id)
            .subquery())
    needs = (_current_needs() if current else _public_needs()).subquery()
    covered = func.coalesce(held.c.held, 0)
    stmt = (select(needs.c.priority, func.count(),
                   func.sum(case((covered >= needs.c.quantity, 1), else_=0)),
                   func.sum(case(((covered > 0) & (covered < needs.c.quantity), 1), else_=0)))
            .select_from(needs).outerjoin(held, held.c.need_id == needs.c.id)
            .group_by(needs.c.priority))
    found = {p: (int(n), int(full or 0), int(part or 0)) for p, n, full, part in
             session.execute(stmt)}
    return [Coverage(p, *found.get(p, (0, 0, 0))) for p in PRIORITIES]


def deliveries_by_week(session: Session) -> list[tuple[date, int]]:
    """Delivered allocations per week (Monday first), with empty weeks in between."""
    days = session.execute(public_flows(FLOW_DAY, func.count()).where(
        Allocation.status == AllocationStatus.DELIVERED).group_by(FLOW_DAY)).all()
    weeks: dict[date, int] = defaultdict(int)
    for day, count in days:
        weeks[day - timedelta(days=day.weekday())] += int(count)
    if not weeks:
        return []
    first, last = min(weeks), max(weeks)
    span = (last - first).days // 7 + 1
    return [(first + timedelta(weeks=k), weeks.get(first + timedelta(weeks=k), 0))
            for k in range(span)]


def top_organisations(session: Session, *, donors: bool, limit: int = 5) -> list[Ranked]:
    """The donors (or recipients) moving the most goods, by estimated mass.

    Mass puts pieces, pairs and ventilators on one scale; items without a known unit mass
    count by the gram so they still rank.
    """
    org = DONOR if donors else RECIPIENT
    grams = func.sum(Allocation.quantity * func.coalesce(ItemType.unit_mass_g, 1))
    stmt = (public_flows(org.id, org.name, org.country, grams, func.count())
            .join(ItemType, Donation.item_code == ItemType.code)
            .group_by(org.id, org.name, org.country)
            .order_by(grams.desc(), org.name).limit(limit))
    return [Ranked(i, name, country, int(g) / 1000, int(n))
            for i, name, country, g, n in session.execute(stmt)]


def recent_deliveries(session: Session, limit: int = 8) -> list[Delivery]:
    """The latest delivered allocations, newest first."""
    stmt = (public_flows(Allocation.id, FLOW_DAY, DONOR.id, DONOR.name, RECIPIENT.id,
                         RECIPIENT.name, ItemType, Allocation.quantity, Donation.id, Need.id)
            .join(ItemType, Donation.item_code == ItemType.code)
            .where(Allocation.status == AllocationStatus.DELIVERED)
            .order_by(FLOW_DAY.desc(), Allocation.id.desc()).limit(limit))
    return [Delivery(*row) for row in session.execute(stmt)]


def headline(session: Session) -> dict[str, int]:
    """Counts for the top of the dashboard."""
    # The coordination body is verified but is neither a donor nor a recipient.
    verified = (Organisation.state == VerificationState.VERIFIED) & (
        Organisation.role != OrgRole.COORDINATOR)
    delivered = public_flows(func.count()).where(
        Allocation.status == AllocationStatus.DELIVERED)
    countries = select(func.count(func.distinct(Organisation.country))).where(verified)
    return {
        "organisations": session.scalar(select(func.count()).select_from(Organisation)
                                        .where(verified)) or 0,
        "countries": session.scalar(countries) or 0,
        "deliveries": session.scalar(delivered) or 0,
        "open_needs": session.scalar(select(func.count()).select_from(
            _current_needs().subquery())) or 0,
    }
