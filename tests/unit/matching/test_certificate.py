"""The certificate checker accepts the solver's proof and rejects tampered ones."""

from __future__ import annotations

import dataclasses
import random

import pytest

from aidregistry.domain.certification import compatibility
from aidregistry.domain.matching import Allocation, MatchResult, check_certificate, solve
from aidregistry.domain.matching.costs import pair_route
from tests.unit.matching.matching_instances import EQUIVALENCES, STANDARDS, random_instance


@pytest.fixture(scope="module")
def solved():
    offers, needs, policy = random_instance(random.Random(11), 120, 120, 30, True)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    assert len(result.allocations) > 5
    return offers, needs, policy, result


def check(solved, allocations=None, certificate=None):
    offers, needs, policy, result = solved
    return check_certificate(
        offers,
        needs,
        STANDARDS,
        EQUIVALENCES,
        policy,
        result.allocations if allocations is None else allocations,
        result.certificate if certificate is None else certificate,
    )


def test_accepts_the_solvers_certificate(solved) -> None:
    report = check(solved)
    assert report.ok, report.problems
    assert report.gap == 0.0
    assert report.phase1_bound == report.weighted_uncovered


def test_rejects_a_dropped_allocation(solved) -> None:
    result: MatchResult = solved[3]
    report = check(solved, allocations=result.allocations[1:])
    assert not report.ok


def test_rejects_a_changed_quantity(solved) -> None:
    result: MatchResult = solved[3]
    first = result.allocations[0]
    smaller = dataclasses.replace(first, quantity=first.quantity - 1)
    allocations = (smaller, *result.allocations[1:]) if smaller.quantity else result.allocations[1:]
    assert not check(solved, allocations=allocations).ok


def test_rejects_a_wrong_unit_cost(solved) -> None:
    result: MatchResult = solved[3]
    first = result.allocations[0]
    cheaper = dataclasses.replace(first, unit_cost=first.unit_cost - 1)
    assert not check(solved, allocations=(cheaper, *result.allocations[1:])).ok


def _swapped(solved, a, b):
    """a.offer → b.need and b.offer → a.need for one unit each, if both pairs are allowed."""
    offers, needs, policy, _ = solved
    by_offer, by_need = {o.id: o for o in offers}, {n.id: n for n in needs}
    out = []
    for offer_id, need_id in ((a.offer_id, b.need_id), (b.offer_id, a.need_id)):
        o, n = by_offer[offer_id], by_need[need_id]
        route = pair_route(o, n, policy)
        ok = compatibility(
            o.standard,
            o.certificates,
            n.accepted_standards,
            n.jurisdiction,
            policy.run_date,
            STANDARDS,
            EQUIVALENCES,
        )
        if route is None or ok is None:
            return None
        out.append(
            Allocation(
                offer_id,
                need_id,
                1,
                route.mode,
                route.km,
                route.unit_cost,
                route.transit_days,
                ok.note or None,
            )
        )
    return out


def test_rejects_suboptimal_swaps_and_accepts_equally_cheap_ones(solved) -> None:
    """Exchange one unit between two allocations: still feasible, optimal only if as cheap."""
    result: MatchResult = solved[3]
    rejected = 0
    for a in result.allocations:
        for b in result.allocations:
            if a.offer_id == b.offer_id or a.need_id == b.need_id:
                continue
            swap = _swapped(solved, a, b)
            if swap is None:
                continue
            rest = [dataclasses.replace(x, quantity=x.quantity - 1) for x in (a, b)]
            others = [x for x in result.allocations if x not in (a, b)]
            tampered = others + [x for x in rest if x.quantity] + swap
            delta = sum(x.unit_cost for x in swap) - a.unit_cost - b.unit_cost
            report = check(solved, allocations=tampered)
            assert report.ok == (delta == 0)
            rejected += delta > 0
            if rejected >= 3:
                return
    assert rejected > 0


def test_rejects_a_tampered_phase2_price(solved) -> None:
    result: MatchResult = solved[3]
    c = result.certificate
    need = list(c.phase2.need)
    need[0] += 1
    tampered = dataclasses.replace(c, phase2=dataclasses.replace(c.phase2, need=tuple(need)))
    assert not check(solved, certificate=tampered).ok


def test_rejects_a_tampered_phase1_price(solved) -> None:
    result: MatchResult = solved[3]
    c = result.certificate
    offer = list(c.phase1.offer)
    offer[0] += 1
    tampered = dataclasses.replace(c, phase1=dataclasses.replace(c.phase1, offer=tuple(offer)))
    report = check(solved, certificate=tampered)
    assert not report.ok or solved[0][0].quantity == 0


def test_rejects_merged_groups(solved) -> None:
    result: MatchResult = solved[3]
    c = result.certificate
    tampered = dataclasses.replace(c, need_group=tuple(0 for _ in c.need_group))
    assert not check(solved, certificate=tampered).ok
