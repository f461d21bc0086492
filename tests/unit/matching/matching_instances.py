"""Random matching instances and two independent reference solvers for the tests.

``brute_force`` enumerates every integral allocation of a tiny instance; ``full_graph_optimum``
solves the two phases with OR-Tools on the complete, unreduced offer × need graph. Both use
only the model's pure rules (compatibility and pair_route), never the reduced network.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
from ortools.graph.python import min_cost_flow

from aidregistry.domain.certification import Equivalence, Standard, compatibility
from aidregistry.domain.matching import Mode, Need, Offer, Policy
from aidregistry.domain.matching.costs import pair_route

STANDARDS = {
    "NIOSH-N95": Standard("NIOSH-N95", "RESP_N95", frozenset({"NIOSH"})),
    "GB2626-KN95": Standard("GB2626-KN95", "RESP_KN95", frozenset({"NMPA"})),
    "EN149-FFP2": Standard("EN149-FFP2", "RESP_FFP2", frozenset({"CE"})),
    "EN149-FFP3": Standard("EN149-FFP3", "RESP_FFP3", frozenset({"CE"})),
    "EN14683-IIR": Standard("EN14683-IIR", "MASK_SURG", frozenset()),
}
EQUIVALENCES = (
    Equivalence(
        "NIOSH-N95",
        "GB2626-KN95",
        "US",
        date(2020, 4, 3),
        date(2020, 10, 15),
        frozenset({"FDA_EUA"}),
        "KN95 under the FDA EUA of 3 April 2020",
    ),
    Equivalence(
        "NIOSH-N95",
        "EN149-FFP2",
        "US",
        date(2020, 3, 28),
        None,
        frozenset(),
        "FFP2 under the FDA EUA of 28 March 2020",
    ),
    Equivalence(
        "EN149-FFP2",
        "GB2626-KN95",
        "*",
        date(2020, 3, 13),
        None,
        frozenset({"CE"}),
        "KN95 accepted by market surveillance (EU 2020/403)",
    ),
    Equivalence(
        "EN149-FFP2",
        "NIOSH-N95",
        "IT",
        date(2020, 3, 13),
        None,
        frozenset(),
        "N95 accepted in Italy",
    ),
)
CITIES = (
    (31.23, 121.47),
    (30.59, 114.31),
    (22.54, 114.06),  # Shanghai, Wuhan, Shenzhen
    (40.71, -74.01),
    (41.88, -87.63),
    (45.46, 9.19),
    (40.42, -3.70),  # NY, Chicago, Milan, Madrid
)
CERTS = ("NMPA", "FDA_EUA", "FDA_510K", "CE", "NIOSH")
JURISDICTIONS = ("US", "IT", "ES")
UNMIXED = (
    ("NIOSH-N95", "GB2626-KN95", "EN149-FFP2"),
    ("EN149-FFP3",),
    ("EN14683-IIR",),
)
RUN_DATES = (date(2020, 3, 20), date(2020, 5, 1), date(2020, 11, 2))


def _place(rng: random.Random, shared: bool) -> tuple[float, float]:
    if shared:
        return rng.choice(CITIES)
    return round(rng.uniform(-60, 70), 3), round(rng.uniform(-180, 180), 3)


def random_instance(
    rng: random.Random,
    n_offers: int,
    n_needs: int,
    max_qty: int,
    shared: bool = True,
    mixed: bool = True,
) -> tuple[list[Offer], list[Need], Policy]:
    """A random instance mixing standards, certificates, modes, dates and places.

    With ``mixed`` a need may accept standards of different items; without it a need accepts
    standards of one of :data:`UNMIXED` only, so the instance falls into several families.
    """
    run = rng.choice(RUN_DATES)
    policy = Policy(run_date=run)
    offers = []
    for i in range(n_offers):
        lat, lon = _place(rng, shared)
        std = rng.choice(list(STANDARDS))
        certs = frozenset(c for c in CERTS if rng.random() < 0.5) | (
            STANDARDS[std].required_certificates if rng.random() < 0.85 else frozenset()
        )
        modes = frozenset(m for m in Mode if rng.random() < 0.5) or frozenset({Mode.SEA})
        avail = run + timedelta(days=rng.randint(-5, 20))
        expires = None if rng.random() < 0.6 else run + timedelta(days=rng.randint(0, 60))
        offers.append(
            Offer(
                f"o{i}",
                STANDARDS[std].item,
                rng.randint(0, max_qty),
                std,
                certs,
                lat,
                lon,
                avail,
                modes,
                expires,
            )
        )
    needs = []
    for j in range(n_needs):
        lat, lon = _place(rng, shared)
        pool = list(STANDARDS) if mixed else list(rng.choice(UNMIXED))
        accepted = frozenset(rng.sample(pool, rng.randint(1, min(2, len(pool)))))
        needs.append(
            Need(
                f"n{j}",
                "ITEM",
                rng.randint(1, max_qty),
                accepted,
                rng.choice(JURISDICTIONS),
                rng.randint(1, 4),
                run + timedelta(days=rng.randint(-2, 45)),
                lat,
                lon,
            )
        )
    return offers, needs, policy


def feasible_pairs(
    offers: Sequence[Offer], needs: Sequence[Need], policy: Policy
) -> dict[tuple[int, int], int]:
    """Unit cost of every compatible, feasible pair, by (offer index, need index)."""
    out = {}
    for i, o in enumerate(offers):
        for j, n in enumerate(needs):
            if (
                compatibility(
                    o.standard,
                    o.certificates,
                    n.accepted_standards,
                    n.jurisdiction,
                    policy.run_date,
                    STANDARDS,
                    EQUIVALENCES,
                )
                is None
            ):
                continue
            route = pair_route(o, n, policy)
            if route is not None:
                out[(i, j)] = route.unit_cost
    return out


def brute_force(offers: Sequence[Offer], needs: Sequence[Need], policy: Policy) -> tuple[int, int]:
    """(max weighted coverage, min transport cost at that coverage) by enumeration."""
    pairs = sorted(feasible_pairs(offers, needs, policy).items())
    weights = [policy.weight(n.priority) for n in needs]
    best = (0, 0)
    supply = [o.quantity for o in offers]
    demand = [n.quantity for n in needs]

    def walk(k: int, cover: int, cost: int) -> None:
        nonlocal best
        if k == len(pairs):
            if (-cover, cost) < (-best[0], best[1]):
                best = (cover, cost)
            return
        (i, j), unit = pairs[k]
        for q in range(min(supply[i], demand[j]) + 1):
            supply[i] -= q
            demand[j] -= q
            walk(k + 1, cover + q * weights[j], cost + q * unit)
            supply[i] += q
            demand[j] += q

    walk(0, 0, 0)
    return best


def full_graph_optimum(
    offers: Sequence[Offer], needs: Sequence[Need], policy: Policy
) -> tuple[int, int]:
    """Two-phase exact optimum on the complete feasible offer × need graph (OR-Tools)."""
    pairs = feasible_pairs(offers, needs, policy)
    n_o, n_n = len(offers), len(needs)
    weights = [policy.weight(n.priority) for n in needs]
    levels = sorted(set(weights), reverse=True)
    x = n_o + n_n
    big = sum(o.quantity for o in offers) + sum(n.quantity for n in needs) + 1

    def run(
        unmet_tail: list[int], unmet_cost: list[int], pair_cost: bool, extra: list[int]
    ) -> tuple[int, list[int]]:
        solver = min_cost_flow.SimpleMinCostFlow()
        tails = [i for i, _ in pairs] + list(range(n_o)) + unmet_tail
        heads = [n_o + j for _, j in pairs] + [x] * n_o + [n_o + j for j in range(n_n)]
        costs = [c if pair_cost else 0 for c in pairs.values()] + [0] * n_o + unmet_cost
        arcs = solver.add_arcs_with_capacity_and_unit_cost(
            np.array(tails, np.int32),
            np.array(heads, np.int32),
            np.full(len(tails), big, np.int64),
            np.array(costs, np.int64),
        )
        supplies = [o.quantity for o in offers] + [-n.quantity for n in needs] + extra
        solver.set_nodes_supplies(
            np.arange(len(supplies), dtype=np.int32), np.array(supplies, np.int64)
        )
        assert solver.solve() == solver.OPTIMAL
        flows = solver.flows(arcs)
        return solver.optimal_cost(), [int(f) for f in flows[len(pairs) + n_o :]]

    total_s, total_d = sum(o.quantity for o in offers), sum(n.quantity for n in needs)
    _, unmet = run([x] * n_n, weights, False, [total_d - total_s])
    unc = [sum(u for u, w in zip(unmet, weights, strict=True) if w == lv) for lv in levels]
    covered = total_d - sum(unc)
    cost, _ = run(
        [x + 1 + levels.index(w) for w in weights], [0] * n_n, True, [covered - total_s, *unc]
    )
    coverage = sum(w * (n.quantity - u) for w, n, u in zip(weights, needs, unmet, strict=True))
    return coverage, cost
