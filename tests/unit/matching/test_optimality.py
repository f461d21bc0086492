"""Optimality of the solver against brute force and against the full unreduced graph."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidregistry.domain.certification import compatibility
from aidregistry.domain.matching import (
    MatchResult,
    Mode,
    Need,
    Offer,
    Policy,
    check_certificate,
    components,
    families,
    flow,
    solve,
)
from aidregistry.domain.matching import contract as contract_module
from aidregistry.domain.matching.contract import contract, coverage_price
from aidregistry.domain.matching.costs import pair_route
from aidregistry.domain.matching.decompose import decompose
from aidregistry.domain.matching.explain import reachable_needs
from aidregistry.domain.matching.network import build_network
from aidregistry.domain.matching.prepare import prepare
from tests.unit.matching.matching_instances import (
    EQUIVALENCES,
    STANDARDS,
    brute_force,
    feasible_pairs,
    full_graph_optimum,
    random_instance,
)


def assert_feasible_and_certified(offers, needs, policy, result) -> None:
    by_offer = {o.id: o for o in offers}
    by_need = {n.id: n for n in needs}
    for a in result.allocations:
        o, n = by_offer[a.offer_id], by_need[a.need_id]
        assert (
            compatibility(
                o.standard,
                o.certificates,
                n.accepted_standards,
                n.jurisdiction,
                policy.run_date,
                STANDARDS,
                EQUIVALENCES,
            )
            is not None
        )
        route = pair_route(o, n, policy)
        assert route is not None
        assert (route.unit_cost, route.mode, route.km) == (a.unit_cost, a.mode, a.km)
    report = check_certificate(
        offers, needs, STANDARDS, EQUIVALENCES, policy, result.allocations, result.certificate
    )
    assert report.ok, report.problems


def solved_before_and_after(
    monkeypatch: pytest.MonkeyPatch, seed: int, size: int, module: object, name: str, value: int
) -> tuple[list[Offer], list[Need], Policy, MatchResult, MatchResult]:
    """A random instance solved as it is, then with ``module.name`` set to ``value``."""
    offers, needs, policy = random_instance(random.Random(seed), size, size, 40, True)
    before = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    monkeypatch.setattr(module, name, value)
    after = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    return offers, needs, policy, before, after


@settings(deadline=None, max_examples=400)
@given(
    seed=st.integers(0, 2**32),
    n_offers=st.integers(0, 3),
    n_needs=st.integers(0, 3),
    shared=st.booleans(),
)
def test_matches_brute_force_on_small_instances(
    seed: int, n_offers: int, n_needs: int, shared: bool
) -> None:
    offers, needs, policy = random_instance(random.Random(seed), n_offers, n_needs, 3, shared)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    expected = brute_force(offers, needs, policy)
    assert (result.totals.weighted_coverage, result.totals.transport_cost) == expected
    assert_feasible_and_certified(offers, needs, policy, result)


@settings(deadline=None, max_examples=60)
@given(seed=st.integers(0, 2**32), shared=st.booleans())
def test_reduced_network_reaches_exactly_the_feasible_pairs(seed: int, shared: bool) -> None:
    offers, needs, policy = random_instance(random.Random(seed), 8, 8, 3, shared)
    prep = prepare(offers, needs, STANDARDS, EQUIVALENCES, policy)
    net = build_network(prep)
    pairs = feasible_pairs(offers, needs, policy)
    for i, o in enumerate(offers):
        if o.quantity == 0:
            continue
        reach = reachable_needs(net, np.array([i], dtype=np.int64))
        expected = [(i, j) in pairs and needs[j].quantity > 0 for j in range(len(needs))]
        assert reach.tolist() == expected
    live = np.flatnonzero([o.quantity > 0 for o in offers]).astype(np.int64)
    assert net.need_reached.tolist() == reachable_needs(net, live).tolist()


@pytest.mark.parametrize(
    ("seed", "size", "shared"),
    [(1, 150, True), (2, 200, True), (3, 120, False), (4, 250, True), (5, 100, False)],
)
def test_matches_the_full_graph_reference_on_medium_instances(
    seed: int, size: int, shared: bool
) -> None:
    offers, needs, policy = random_instance(random.Random(seed), size, size, 40, shared)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    expected = full_graph_optimum(offers, needs, policy)
    assert (result.totals.weighted_coverage, result.totals.transport_cost) == expected
    assert_feasible_and_certified(offers, needs, policy, result)


def test_parallel_families_give_the_same_certified_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    offers, needs, policy = random_instance(random.Random(7), 300, 300, 40, True, mixed=False)
    one = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    monkeypatch.setattr(families, "PARALLEL_MIN_RECORDS", 0)  # worker processes even when small
    two = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=2)
    assert two.stats["families"] >= 2
    assert one.totals == two.totals
    assert one.certificate.uncovered_by_level == two.certificate.uncovered_by_level
    assert_feasible_and_certified(offers, needs, policy, two)


def test_families_split_along_substitutions() -> None:
    """Records meet only within a family; substitutable standards share one, others do not."""
    offers, needs, policy = random_instance(random.Random(8), 120, 120, 20, True, mixed=False)
    prep = prepare(offers, needs, STANDARDS, EQUIVALENCES, policy)
    found = families.split_families(prep)
    family_of_offer = {int(i): f for f, fam in enumerate(found) for i in fam.offers}
    family_of_need = {int(j): f for f, fam in enumerate(found) for j in fam.needs}
    for i, j in feasible_pairs(offers, needs, policy):
        if offers[i].quantity and needs[j].quantity:
            assert family_of_offer[i] == family_of_need[j]
    items = {f: {offers[int(i)].item for i in fam.offers} for f, fam in enumerate(found)}
    masks = [f for f, kinds in items.items() if "MASK_SURG" in kinds]
    assert len(found) == 3
    assert [items[f] for f in masks] == [{"MASK_SURG"}]


@pytest.mark.parametrize("seed", [21, 22])
def test_column_generation_reaches_the_same_certified_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Force phase 2's column generation on a medium instance, from a one-arc seed."""
    monkeypatch.setattr(components, "COLGEN_MIN_ARCS", 0)
    monkeypatch.setattr(components, "SEED_PER_NODE", 1)
    offers, needs, policy = random_instance(random.Random(seed), 200, 200, 40, True)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    expected = full_graph_optimum(offers, needs, policy)
    assert (result.totals.weighted_coverage, result.totals.transport_cost) == expected
    assert_feasible_and_certified(offers, needs, policy, result)


@pytest.mark.parametrize("seed", [41, 42])
def test_cost_scaling_path_reaches_the_same_certified_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flows of huge components come from cost scaling, their potentials from the residual graph."""
    offers, needs, policy, simplex, scaling = solved_before_and_after(
        monkeypatch, seed, 200, flow, "SIMPLEX_MAX_ARCS", -1
    )
    expected = full_graph_optimum(offers, needs, policy)
    assert (scaling.totals.weighted_coverage, scaling.totals.transport_cost) == expected
    assert simplex.totals == scaling.totals
    assert_feasible_and_certified(offers, needs, policy, scaling)


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_max_flow_coverage_matches_the_min_cost_phase_one(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phase 1 by prefix maximum flows fixes the same per-level coverage as its min-cost flow."""
    offers, needs, policy = random_instance(random.Random(seed), 150, 150, 30, True)
    fast = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    monkeypatch.setattr(components, "COLGEN_MIN_ARCS", -1)  # the min-cost phase 1 path
    slow = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    assert fast.totals == slow.totals
    assert fast.certificate.uncovered_by_level == slow.certificate.uncovered_by_level
    assert_feasible_and_certified(offers, needs, policy, fast)
    assert check_certificate(
        offers, needs, STANDARDS, EQUIVALENCES, policy, fast.allocations, fast.certificate
    ).ok


@pytest.mark.parametrize("seed", [51, 52, 53])
def test_one_lexicographic_solve_matches_the_two_phases(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The single min-cost flow with coverage priced above any transport saving fixes the same
    per-level coverage and the same transport as prefix maximum flows followed by phase 2."""
    # Prices "too big" (a limit of 0) take every component through the two phases.
    offers, needs, policy, joint, apart = solved_before_and_after(
        monkeypatch, seed, 150, contract_module, "PRICE_LIMIT", 0
    )
    # Equal optima may still move goods over different kilometres (unit_km is not optimised).
    assert joint.totals.weighted_coverage == apart.totals.weighted_coverage
    assert joint.totals.transport_cost == apart.totals.transport_cost
    assert joint.certificate.uncovered_by_level == apart.certificate.uncovered_by_level
    assert_feasible_and_certified(offers, needs, policy, joint)
    assert_feasible_and_certified(offers, needs, policy, apart)


def _simple_cycle_costs(n: int, arcs: list[tuple[int, int, int]]) -> list[int]:
    """Costs of every simple cycle of a residual graph in which each arc may be walked forward
    (its cost) or backward (minus its cost)."""
    steps: dict[int, list[tuple[int, int]]] = {v: [] for v in range(n)}
    for u, v, c in arcs:
        steps[u].append((v, c))
        steps[v].append((u, -c))
    found: list[int] = []

    def walk(start: int, at: int, seen: set[int], cost: int) -> None:
        for nxt, c in steps[at]:
            if nxt == start:
                found.append(cost + c)
            elif nxt > start and nxt not in seen:
                walk(start, nxt, seen | {nxt}, cost + c)

    for start in range(n):
        walk(start, start, {start}, 0)
    return found


@settings(deadline=None, max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 50)),
        min_size=1,
        max_size=9,
    )
)
def test_coverage_price_exceeds_the_cost_of_every_simple_cycle(
    arcs: list[tuple[int, int, int]],
) -> None:
    arcs = [(u, v, c) for u, v, c in arcs if u != v]
    if not arcs:
        return
    tail, head, cost = (np.array(col, dtype=np.int64) for col in zip(*arcs, strict=True))
    assert max(_simple_cycle_costs(6, arcs), default=0) < coverage_price(tail, head, cost)


def test_prefix_coverage_on_levels_with_shared_offers() -> None:
    """Heavier levels keep their maximum coverage when a lighter level competes for offers."""
    offers, needs, policy = random_instance(random.Random(41), 60, 120, 10, True)
    prep = prepare(offers, needs, STANDARDS, EQUIVALENCES, policy)
    comps, _, _ = components.split(prep, build_network(prep))
    for c in comps:
        weights = np.unique(c.weight)[::-1].copy()
        level = np.searchsorted(-weights, -c.weight).astype(np.int64)
        unc = components._prefix_coverage(contract(c), level, weights.size)
        demand = np.bincount(level, weights=c.demand, minlength=weights.size)
        assert (unc >= 0).all()
        assert (unc <= demand).all()
        assert int(demand.sum() - unc.sum()) <= int(c.supply.sum())


def test_destination_nodes_no_transport_reaches_hand_their_needs_on() -> None:
    """Every need hangs off a destination node that goods can reach, or off a chain's first."""
    offers, needs, policy = random_instance(random.Random(7), 200, 200, 40, True)
    net = build_network(prepare(offers, needs, STANDARDS, EQUIVALENCES, policy))
    transport = slice(net.transport_start, net.transport_start + net.transport_arcs)
    into_need = net.head >= net.need_base
    d_base = int(net.tail[into_need].min())
    reached = np.zeros(net.n_nodes, dtype=bool)
    reached[net.head[transport]] = True
    has_in = np.zeros(net.n_nodes, dtype=bool)
    has_in[net.head[~into_need]] = True
    hosts = net.tail[into_need]
    assert (reached[hosts] | ~has_in[hosts]).all()
    touched = np.zeros(net.n_nodes, dtype=bool)
    touched[net.tail] = touched[net.head] = True
    skipped = np.flatnonzero(~touched[d_base : net.need_base])
    assert skipped.size > 0  # the instance exercises the hand-over


def test_contracted_phase_two_comes_back_as_a_flow_on_the_records() -> None:
    """Offers grouped into one node, or none, get their own flows back; every node balances."""
    offers, needs, policy = random_instance(random.Random(9), 250, 250, 30, True)
    prep = prepare(offers, needs, STANDARDS, EQUIVALENCES, policy)
    comps, _, _ = components.split(prep, build_network(prep))
    grouped = 0
    for c in comps:
        weights = np.unique(c.weight)[::-1].copy()
        level = np.searchsorted(-weights, -c.weight).astype(np.int64)
        k = contract(c)
        unc = components._prefix_coverage(k, level, weights.size)
        flow2, _ = components._phase2(k, level, unc, None)
        n, offers_ = c.nodes.size, np.arange(c.n_offers)
        needs_ = np.arange(c.need_start, n)
        tail = np.concatenate([c.tail, offers_, n + 1 + level])
        head = np.concatenate([c.head, np.full(c.n_offers, n), needs_])
        net_out = np.zeros(n + 1 + weights.size, dtype=np.int64)
        np.add.at(net_out, tail, flow2)
        np.subtract.at(net_out, head, flow2)
        assert (flow2 >= 0).all()
        assert (net_out[: c.n_offers] == c.supply).all()
        assert (net_out[c.n_offers : c.need_start] == 0).all()
        assert (net_out[c.need_start : n] == -c.demand).all()
        assert (net_out[n + 1 :] == unc).all()
        grouped += c.n_offers - k.kept
    assert grouped > 0  # some offers did share a node or lose theirs


@pytest.mark.parametrize("seed", [61, 62])
def test_decomposition_pairs_add_up_to_the_flow_and_are_feasible(seed: int) -> None:
    """The (offer, need, quantity) rows take out of each offer and bring into each need what
    the network's flow does, and every row is a feasible pair."""
    offers, needs, policy = random_instance(random.Random(seed), 200, 200, 30, True)
    prep = prepare(offers, needs, STANDARDS, EQUIVALENCES, policy)
    net = build_network(prep)
    comps, _, _ = components.split(prep, net)
    flow_ = np.zeros(net.tail.size, dtype=np.int64)
    for c in comps:
        flow_[c.arcs] = components.solve_component(c).flow
    o_idx, n_idx, qty = decompose(net, flow_)
    out_of = np.bincount(
        net.tail[net.tail < net.n_offers], flow_[net.tail < net.n_offers], prep.n_offers
    )
    into = net.head >= net.need_base
    into_need = np.bincount(net.head[into] - net.need_base, flow_[into], prep.n_needs)
    assert (qty > 0).all()
    assert np.bincount(o_idx, qty, prep.n_offers).tolist() == out_of.tolist()
    assert np.bincount(n_idx, qty, prep.n_needs).tolist() == into_need.tolist()
    pairs = set(zip(o_idx.tolist(), n_idx.tolist(), strict=True))
    assert pairs <= feasible_pairs(offers, needs, policy).keys()
    assert qty.size > 20  # the instance moves goods along many pairs


def test_allocations_come_sorted_by_need_id_then_offer_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids sort as text ("o10" before "o2"), whatever order the families finish in."""
    offers, needs, policy = random_instance(random.Random(7), 300, 300, 40, True, mixed=False)
    monkeypatch.setattr(families, "PARALLEL_MIN_RECORDS", 0)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=2)
    keys = [(a.need_id, a.offer_id) for a in result.allocations]
    assert len(keys) > 50
    assert keys == sorted(keys)


@pytest.mark.parametrize("seed", [101, 102])
def test_canonical_potentials_certify_the_same_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The simplex tree's own potentials and pylmcf's canonical ones both prove the optimum."""
    # A limit of 0 makes every problem take the canonical potentials.
    offers, needs, policy, tree, canonical = solved_before_and_after(
        monkeypatch, seed, 150, flow, "RAW_POTENTIAL_LIMIT", 0
    )
    assert tree.totals == canonical.totals
    assert tree.certificate != canonical.certificate  # other prices, the same proof
    assert_feasible_and_certified(offers, needs, policy, tree)
    assert_feasible_and_certified(offers, needs, policy, canonical)


def test_quantities_beyond_float_precision_are_allocated_exactly() -> None:
    """Sums per level, per record and per pair stay exact above 2**53 (float64 would round)."""
    run = date(2020, 5, 1)
    big = 2**53 + 1
    offers = [
        Offer("o1", "RESP_FFP2", big, "EN149-FFP2", frozenset({"CE"}), 45.46, 9.19, run,
              frozenset({Mode.ROAD}))
    ]  # fmt: skip
    needs = [
        Need("n1", "RESP_FFP2", big + 2, frozenset({"EN149-FFP2"}), "ES", 1, date(2020, 6, 1),
             40.42, -3.70)
    ]  # fmt: skip
    policy = Policy(run_date=run)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    assert [a.quantity for a in result.allocations] == [big]
    assert result.totals.covered_by_priority[1] == big
    assert [u.quantity for u in result.uncovered] == [2]
    assert_feasible_and_certified(offers, needs, policy, result)


def test_allocations_follow_python_order_of_ids_with_control_characters() -> None:
    """Ids that differ only by a trailing NUL, which numpy's text arrays drop, keep their order."""
    run = date(2020, 5, 1)
    offer = Offer("o", "RESP_FFP2", 10, "EN149-FFP2", frozenset({"CE"}), 45.46, 9.19, run,
                  frozenset({Mode.ROAD}))  # fmt: skip
    needs = [
        Need(name, "RESP_FFP2", 4, frozenset({"EN149-FFP2"}), "IT", 1, date(2020, 6, 1), 45.0, 9.0)
        for name in ("n\x00", "n")
    ]
    result = solve([offer], needs, STANDARDS, EQUIVALENCES, Policy(run_date=run), workers=1)
    assert [a.need_id for a in result.allocations] == ["n", "n\x00"]
