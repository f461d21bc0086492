"""The two-phase exact solve on the reduced network, with its certificate.

Phase 1 maximises priority-weighted coverage: a min-cost flow in which each unmet unit of need
j costs weight(j) and transport is free. Coverable demand forms a polymatroid (research §2.1),
so every weighted-coverage optimum covers, for every prefix of weight levels (heaviest first),
the most that prefix can get; hence all optima leave the *same* quantity uncovered on each
weight level (of each independent component). Phase 2 therefore fixes those quantities — one
source node per level that supplies exactly its uncovered quantity — and minimises transport.
Both phases are solved as one min-cost flow in which a weighted uncovered unit costs more than
any residual cycle can save on transport (:meth:`.contract.Contraction.lexicographic`; the
price is derived per component and checked against int64), so its optimum is exactly the
lexicographic one and its flows on the uncovered arcs are phase 1's quantities. Where that
price would not fit, the covered quantity of a level is the difference of the maximum flows
into the needs of two successive prefixes of levels, and phase 2 is solved apart; phase 1's
duals are the residual potentials of the phase 2 flow under phase 1's costs
(:mod:`.components`; huge components that use column generation still solve phase 1 as a
min-cost flow). All are pure network flows with integer data, so the optimum is integral and
exactly lexicographic.

The flows run on the exact reduced network of :mod:`.network`, built per family of
substitutable standards (:mod:`.families`) and split into independent components
(:mod:`.components`). Each phase's node potentials, recovered from the residual
graph, are dual prices whose feasibility on every compatible offer × need pair, together with
a dual objective equal to the primal one, prove optimality; :mod:`.certificate` checks that
without trusting the reduced network.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard
from aidregistry.domain.matching.allocations import build_allocations, pair_routes, totals_of
from aidregistry.domain.matching.components import ComponentSolution
from aidregistry.domain.matching.explain import uncovered_needs
from aidregistry.domain.matching.families import (
    Family,
    FamilyResult,
    solve_families,
    split_families,
)
from aidregistry.domain.matching.model import (
    Allocation,
    Certificate,
    MatchResult,
    Need,
    Offer,
    PhaseDuals,
    Policy,
)
from aidregistry.domain.matching.prepare import Prepared, prepare

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


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


@dataclass
class _Assembly:
    """The families' groups and duals in the instance's indices."""

    reached: BoolArray
    offer_group: IntArray
    need_group: IntArray
    solutions: list[ComponentSolution]
    stats: dict[str, float]


def _instance_pairs(fam: Family, res: FamilyResult) -> tuple[IntArray, IntArray, IntArray]:
    """A family's (offer, need, quantity) triples in the instance's indices."""
    return fam.offers[res.o_idx], fam.needs[res.n_idx], res.qty


def _assemble(prep: Prepared, families: list[Family], results: list[FamilyResult]) -> _Assembly:
    """Map every family's groups and duals to the instance (groups numbered on)."""
    offer_group = np.zeros(prep.n_offers, np.int64)
    need_group = np.zeros(prep.n_needs, np.int64)
    reached = np.zeros(prep.n_needs, dtype=bool)
    solutions: list[ComponentSolution] = []
    summed = ("nodes", "arcs", "transport_arcs", "components", "build_s", "flows_s")
    stats = dict.fromkeys(summed, 0.0)
    for fam, res in zip(families, results, strict=True):
        shift = len(solutions)
        offer_group[fam.offers] = np.where(res.offer_group > 0, res.offer_group + shift, 0)
        need_group[fam.needs] = np.where(res.need_group > 0, res.need_group + shift, 0)
        reached[fam.needs] = res.reach
        solutions += [replace(s, group=s.group + shift) for s in res.solutions]
        for key in stats:
            stats[key] += res.stats[key]
    return _Assembly(reached, offer_group, need_group, solutions, stats)


def _joined(parts: list[tuple[IntArray, ...]], k: int) -> IntArray:
    """The ``k``-th array of every part, end to end."""
    return np.concatenate([p[k] for p in parts] + [np.zeros(0, np.int64)])


def _id_rank(records: Sequence[Offer] | Sequence[Need]) -> IntArray:
    """Each record's place in Python's order of the ids (equal ids share one)."""
    ids = [r.id for r in records]
    rank = {v: k for k, v in enumerate(sorted(set(ids)))}
    return np.fromiter(map(rank.__getitem__, ids), np.int64, len(ids))


def solve(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    policy: Policy,
    workers: int = 2,
) -> MatchResult:
    """Lexicographically optimal allocation: weighted coverage first, then transport cost.

    ``workers`` processes build and solve independent families in parallel on big instances.
    """
    clock = time.perf_counter()
    prep = prepare(offers, needs, standards, equivalences, policy)
    families = split_families(prep)
    prepared = time.perf_counter()
    results: dict[int, FamilyResult] = {}
    allocations: list[Allocation] = []
    routes: list[tuple[IntArray, ...]] = []
    ranks: tuple[IntArray, IntArray] | None = None
    for index, result in solve_families(prep, families, workers):
        # The allocations of families that finish early are built while the others run.
        ranks = ranks or (_id_rank(offers), _id_rank(needs))
        pairs = _instance_pairs(families[index], result)
        route = pair_routes(prep, pairs[0], pairs[1])
        routes.append(pairs + route)
        allocations += build_allocations(offers, needs, standards, equivalences, prep, pairs, route)
        results[index] = result
    solved = time.perf_counter()
    done = _assemble(prep, families, [results[i] for i in range(len(families))])
    o_idx, n_idx, qty, km, cost = (_joined(routes, k) for k in range(5))
    offer_rank, need_rank = ranks or (_id_rank(offers), _id_rank(needs))
    order = np.lexsort((offer_rank[o_idx], need_rank[n_idx]))
    return MatchResult(
        allocations=tuple(allocations[k] for k in order.tolist()),
        totals=totals_of(prep, n_idx, qty, cost, km),
        uncovered=tuple(uncovered_needs(prep, done.reached, n_idx, qty, needs)),
        certificate=_certificate(prep, done.solutions, done.offer_group, done.need_group),
        stats=done.stats
        | {
            "families": float(len(families)),
            "prepare_s": prepared - clock,
            "solve_s": solved - prepared,
            "total_s": time.perf_counter() - clock,
        },
    )
