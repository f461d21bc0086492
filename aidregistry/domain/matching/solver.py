"""The two-phase exact solve on the reduced network, with its certificate.

Phase 1 maximises priority-weighted coverage: a min-cost flow in which each unmet unit of need
j costs weight(j) and transport is free. Coverable demand forms a polymatroid (research §2.1),
so every weighted-coverage optimum covers, for every prefix of weight levels (heaviest first),
the most that prefix can get; hence all optima leave the *same* quantity uncovered on each
weight level (of each independent component). Phase 2 therefore fixes those quantities — one
source node per level that supplies exactly its uncovered quantity — and minimises transport.
Those quantities need no min-cost flow: the covered quantity of a level is the difference of
the maximum flows into the needs of two successive prefixes of levels, and phase 1's duals are
the residual potentials of the phase 2 flow under phase 1's costs (:mod:`.components`; huge
components that use column generation still solve phase 1 as a min-cost flow). Both phases
are pure network flows with integer data, so the optimum is integral and exactly lexicographic,
with no big-M (which would overflow int64 at realistic sizes).

The flows run on the exact reduced network of :mod:`.network`, split into independent
components (:mod:`.components`). Each phase's node potentials, recovered from the residual
graph, are dual prices whose feasibility on every compatible offer × need pair, together with
a dual objective equal to the primal one, prove optimality; :mod:`.certificate` checks that
without trusting the reduced network.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard
from aidregistry.domain.matching.allocations import build_allocations, totals_of
from aidregistry.domain.matching.components import ComponentSolution, solve_all, split
from aidregistry.domain.matching.decompose import decompose
from aidregistry.domain.matching.explain import uncovered_needs
from aidregistry.domain.matching.model import (
    Certificate,
    MatchResult,
    Need,
    Offer,
    PhaseDuals,
    Policy,
)
from aidregistry.domain.matching.network import build_network
from aidregistry.domain.matching.prepare import Prepared, prepare

IntArray = npt.NDArray[np.int64]


def _certificate(
    prep: Prepared,
    solutions: list[ComponentSolution],
    offer_group: IntArray,
    need_group: IntArray,
) -> Certificate:
    """Assemble the global certificate from the components' duals.

    Group 0 holds records without any feasible pair: its offers are worth nothing (α = 0),
    its needs are priced at their weight in phase 1 and at 0 in phase 2.
    """
    a1 = np.zeros(prep.n_offers, np.int64)
    a2 = np.zeros(prep.n_offers, np.int64)
    b1 = np.where(need_group == 0, prep.n_weight, 0).astype(np.int64)
    b2 = np.zeros(prep.n_needs, np.int64)
    levels: dict[tuple[int, int], int] = {}
    gamma: dict[tuple[int, int], int] = {}
    lone = need_group == 0
    for w in np.unique(prep.n_weight[lone]).tolist():
        levels[(0, w)] = int(prep.n_demand[lone & (prep.n_weight == w)].sum())
        gamma[(0, w)] = 0
    for s in solutions:
        offers = np.flatnonzero(offer_group == s.group)
        needs = np.flatnonzero(need_group == s.group)
        a1[offers], a2[offers], b1[needs], b2[needs] = s.alpha1, s.alpha2, s.beta1, s.beta2
        for w, u, g in zip(s.weights.tolist(), s.uncovered.tolist(), s.gamma.tolist(), strict=True):
            levels[(s.group, w)] = u
            gamma[(s.group, w)] = g
    return Certificate(
        phase1=PhaseDuals(tuple(a1.tolist()), tuple(b1.tolist())),
        phase2=PhaseDuals(tuple(a2.tolist()), tuple(b2.tolist()), gamma),
        uncovered_by_level=levels,
        offer_group=tuple(offer_group.tolist()),
        need_group=tuple(need_group.tolist()),
    )


def solve(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    policy: Policy,
    workers: int = 2,
) -> MatchResult:
    """Lexicographically optimal allocation: weighted coverage first, then transport cost.

    ``workers`` processes solve independent components in parallel on big instances.
    """
    clock = time.perf_counter()
    prep = prepare(offers, needs, standards, equivalences, policy)
    net = build_network(prep)
    components, offer_group, need_group = split(prep, net)
    built = time.perf_counter()
    solutions = solve_all(components, workers)
    solved = time.perf_counter()
    flow = np.zeros(net.tail.size, dtype=np.int64)
    for comp, sol in zip(components, solutions, strict=True):
        flow[comp.arcs] = sol.flow
    o_idx, n_idx, qty = decompose(net.tail, net.head, flow, prep.n_offers, net.need_base)
    allocations = build_allocations(
        offers, needs, standards, equivalences, policy, (o_idx, n_idx, qty)
    )
    result = MatchResult(
        allocations=tuple(allocations),
        totals=totals_of(needs, policy, allocations),
        uncovered=tuple(uncovered_needs(prep, net, n_idx, qty, needs)),
        certificate=_certificate(prep, solutions, offer_group, need_group),
        stats={
            "nodes": float(net.n_nodes),
            "arcs": float(net.tail.size),
            "transport_arcs": float(net.transport_arcs),
            "components": float(len(components)),
            "build_s": built - clock,
            "solve_s": solved - built,
            "total_s": time.perf_counter() - clock,
        },
    )
    return result
