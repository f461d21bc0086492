"""Timing, modes, expiry and the per-pair cost rule, through the solver."""

from __future__ import annotations

from datetime import date, timedelta

from aidregistry.domain.matching import Mode, Need, Offer, Policy, Reason, explain_allocation, solve
from aidregistry.domain.matching.costs import pair_route, transit_days
from aidregistry.domain.matching.model import default_modes
from tests.unit.matching.matching_instances import EQUIVALENCES, STANDARDS

RUN = date(2020, 4, 15)
SHANGHAI = (31.23, 121.47)
NEW_YORK = (40.71, -74.01)


def offer(
    oid: str = "o",
    modes: frozenset[Mode] = frozenset({Mode.SEA}),
    qty: int = 10,
    expires: date | None = None,
    where: tuple[float, float] = SHANGHAI,
) -> Offer:
    return Offer(
        oid, "RESP_N95", qty, "NIOSH-N95", frozenset({"NIOSH"}), *where, RUN, modes, expires
    )


def need(
    nid: str = "n",
    days: int = 10,
    qty: int = 10,
    priority: int = 1,
    where: tuple[float, float] = NEW_YORK,
) -> Need:
    return Need(
        nid,
        "RESP_N95",
        qty,
        frozenset({"NIOSH-N95"}),
        "US",
        priority,
        RUN + timedelta(days=days),
        *where,
    )


def test_transit_days_are_handling_plus_whole_days() -> None:
    modes = default_modes()
    assert transit_days(modes[Mode.AIR], 0) == 2
    assert transit_days(modes[Mode.AIR], 10_000) == 3
    assert transit_days(modes[Mode.AIR], 10_001) == 4
    assert transit_days(modes[Mode.SEA], 700) == 8


def test_sea_only_offer_is_not_given_to_a_need_only_air_can_meet() -> None:
    result = solve([offer()], [need(days=10)], STANDARDS, EQUIVALENCES, Policy(RUN))
    assert result.allocations == ()
    assert [u.reason for u in result.uncovered] == [Reason.NONE_IN_TIME]


def test_air_offer_meets_the_same_need_and_reports_its_mode() -> None:
    result = solve(
        [offer(modes=frozenset({Mode.AIR, Mode.SEA}))],
        [need(days=10)],
        STANDARDS,
        EQUIVALENCES,
        Policy(RUN),
    )
    (alloc,) = result.allocations
    assert alloc.mode is Mode.AIR
    assert alloc.unit_cost == 10 * alloc.km
    assert alloc.transit_days == 4


def test_cheapest_usable_mode_is_chosen_when_time_allows() -> None:
    result = solve(
        [offer(modes=frozenset({Mode.AIR, Mode.SEA}))],
        [need(days=60)],
        STANDARDS,
        EQUIVALENCES,
        Policy(RUN),
    )
    assert result.allocations[0].mode is Mode.SEA


def test_goods_must_arrive_before_they_expire() -> None:
    o = offer(modes=frozenset({Mode.AIR}), expires=RUN + timedelta(days=4))
    assert pair_route(o, need(days=30), Policy(RUN)) is None
    o = offer(modes=frozenset({Mode.AIR}), expires=RUN + timedelta(days=5))
    assert pair_route(o, need(days=30), Policy(RUN)) is not None


def test_arrival_on_the_needed_by_day_is_in_time() -> None:
    o = offer(modes=frozenset({Mode.AIR}))
    assert pair_route(o, need(days=4), Policy(RUN)) is not None
    assert pair_route(o, need(days=3), Policy(RUN)) is None


def test_higher_priority_is_served_first_then_cheaper_transport() -> None:
    near = (39.95, -75.17)  # Philadelphia
    offers = [offer("far", frozenset({Mode.AIR}), qty=5)]
    needs = [need("low", days=30, qty=5, priority=4, where=near), need("high", days=30, qty=5)]
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, Policy(RUN))
    assert [(a.need_id, a.quantity) for a in result.allocations] == [("high", 5)]
    (left,) = result.uncovered
    assert (left.need_id, left.reason) == ("low", Reason.TAKEN_BY_HIGHER_PRIORITY)


def test_no_compatible_goods_reason() -> None:
    n = Need(
        "n", "RESP_FFP3", 3, frozenset({"EN149-FFP3"}), "IT", 1, RUN + timedelta(30), *NEW_YORK
    )
    result = solve([offer()], [n], STANDARDS, EQUIVALENCES, Policy(RUN))
    assert [(u.reason, u.quantity) for u in result.uncovered] == [(Reason.NO_COMPATIBLE_GOODS, 3)]


def test_substitution_note_is_reported() -> None:
    kn95 = Offer(
        "o",
        "RESP_KN95",
        4,
        "GB2626-KN95",
        frozenset({"NMPA", "FDA_EUA"}),
        *SHANGHAI,
        RUN,
        frozenset({Mode.AIR}),
    )
    result = solve([kn95], [need(days=10)], STANDARDS, EQUIVALENCES, Policy(RUN))
    (alloc,) = result.allocations
    assert alloc.substitution is not None
    assert "FDA EUA" in alloc.substitution


def test_explanation_of_an_allocation() -> None:
    n = need(days=10)
    result = solve([offer(modes=frozenset({Mode.AIR}))], [n], STANDARDS, EQUIVALENCES, Policy(RUN))
    text = explain_allocation(result.allocations[0], n)
    assert text == {
        "offer_id": "o",
        "need_id": "n",
        "quantity": 10,
        "priority": 1,
        "km": result.allocations[0].km,
        "mode": "air",
        "transit_days": 4,
        "unit_cost": 10 * result.allocations[0].km,
        "substitution": None,
    }
