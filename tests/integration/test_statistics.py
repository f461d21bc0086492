"""The dashboard's figures on a real database: public flows only, by status, priority, week."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from aidregistry.models import AllocationStatus, Need, NeedStatus, OrgRole, VerificationState
from aidregistry.models.shipment import Receipt, Shipment
from aidregistry.services import statistics
from tests.flows import World, allocate, demo_world, org


@pytest.fixture
def world(db_session: Any) -> World:
    built = demo_world()
    db_session.flush()
    return built


def test_item_totals_by_status(db_session: Any, world: World) -> None:
    totals = {row.item.code: row for row in statistics.item_totals(db_session)}
    masks = totals["MASK_SURG"]
    assert (masks.pledged, masks.in_transit, masks.delivered) == (0, 800_000, 1_500_000)
    assert totals["RESP_KN95"].pledged == 130_000
    assert totals["GOWN_ISO"].needed == 50_000
    assert masks.needed == 2_300_000  # what each need still lacks after its allocations


def test_unverified_organisations_count_for_nothing(db_session: Any, world: World) -> None:
    pending = org("Pending donor", "Shanghai", OrgRole.DONOR, state=VerificationState.PENDING)
    allocate(pending, world.rome, 99, AllocationStatus.DELIVERED)
    world.los_angeles.state = VerificationState.SUSPENDED
    db_session.flush()
    masks = {row.item.code: row for row in statistics.item_totals(db_session)}["MASK_SURG"]
    assert masks.delivered == 500_000
    names = [r.name for r in statistics.top_organisations(db_session, donors=True)]
    assert names == ["Jack Ma Foundation"]


def test_coverage_by_priority(db_session: Any, world: World) -> None:
    coverage = {c.priority: c for c in statistics.coverage_by_priority(db_session)}
    assert (coverage[1].needs, coverage[1].covered, coverage[1].partly) == (1, 0, 0)
    assert coverage[1].uncovered == 1
    # The four allocated needs each hold half of what they ask for.
    assert (coverage[2].needs, coverage[2].partly) == (4, 4)
    assert coverage[4].needs == 0


def test_deliveries_by_week_fill_the_gaps(db_session: Any, world: World) -> None:
    allocate(world.shanghai, world.rome, 10, AllocationStatus.DELIVERED, day=date(2020, 4, 1))
    weeks = statistics.deliveries_by_week(db_session)
    assert weeks[0] == (date(2020, 3, 9), 2)  # Monday of the week of 13 March 2020
    assert weeks[-1] == (date(2020, 3, 30), 1)
    assert [count for _, count in weeks] == [2, 0, 0, 1]


def test_top_organisations_by_estimated_mass(db_session: Any, world: World) -> None:
    donors = statistics.top_organisations(db_session, donors=True)
    assert [d.name for d in donors] == ["Shanghai Municipal Government", "Jack Ma Foundation"]
    # 1.8 million surgical masks of 4 g each.
    assert donors[0].kilograms == pytest.approx(7200)
    assert donors[0].flows == 2


def test_recent_deliveries_newest_first(db_session: Any, world: World) -> None:
    allocate(world.hangzhou, world.los_angeles, 7, AllocationStatus.DELIVERED,
             day=date(2020, 5, 1))
    recent = statistics.recent_deliveries(db_session)
    assert [d.quantity for d in recent][:1] == [7]
    assert all(d.quantity != 800_000 for d in recent)  # in transit is not delivered


def test_headline(db_session: Any, world: World) -> None:
    counts = statistics.headline(db_session)
    assert counts == {"organisations": 4, "countries": 3, "deliveries": 2, "open_needs": 5}


def test_a_receipt_dates_its_delivery(db_session: Any, world: World) -> None:
    shipment = db_session.scalar(select(Shipment))
    db_session.add(Receipt(shipment=shipment, received_on=date(2020, 3, 18)))
    db_session.flush()
    assert statistics.deliveries_by_week(db_session) == [(date(2020, 3, 9), 1),
                                                         (date(2020, 3, 16), 1)]
    assert statistics.recent_deliveries(db_session)[0].day == date(2020, 3, 18)


def test_coverage_of_every_recorded_need(db_session: Any, world: World) -> None:
    for need in db_session.scalars(select(Need)):
        need.status = NeedStatus.CLOSED
    db_session.flush()
    assert all(c.needs == 0 for c in statistics.coverage_by_priority(db_session))
    record = {c.priority: c for c in statistics.coverage_by_priority(db_session, current=False)}
    assert (record[1].needs, record[1].covered, record[1].partly) == (1, 0, 0)
    assert (record[2].needs, record[2].partly) == (4, 4)
