"""The two-phase exact solve on the reduced network, with its certificate.

Phase 1 maximises priority-weighted coverage: a min-cost flow in which each unmet unit of need
j costs weight(j) and transport is free. Coverable demand forms a polymatroid (research §2.1),
so every weighted-coverage optimum covers, for every prefix of weight levels (heaviest first),
the most that prefix can get; hence all optima leave the *same* quantity uncovered on each
weight level. Phase 2 therefore fixes those per-level quantities — one source node per level
that supplies exactly its uncovered quantity — and minimises transport cost. Both phases are
pure network flows with integer data, so the optimum is integral and exactly lexicographic,
with no big-M (which would overflow int64 at realistic sizes).

Each phase's node potentials, recovered from the residual graph, are dual prices whose
feasibility on every compatible offer × need pair and whose objective equal to the primal one
prove optimality; :mod:`.certificate` checks that without trusting the reduced network.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard
from aidregistry.domain.matching.allocations import build_allocations, totals_of
from aidregistry.domain.matching.decompose import decompose
from aidregistry.domain.matching.explain import uncovered_needs
from aidregistry.domain.matching.flow import potentials, solve_flow
from aidregistry.domain.matching.model import (
    Certificate,
    MatchResult,
    Need,
    Offer,
    PhaseDuals,
    Policy,
)
from aidregistry.domain.matching.network import Network, build_network
from aidregistry.domain.matching.prepare import Prepared, prepare

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Phase:
    """One phase's flow problem: the network plus its unmet/unused arcs and supplies."""

    n_nodes: int
    tail: IntArray
    head: IntArray
    cost: IntArray
    supply: IntArray


def _levels(prep: Prepared) -> tuple[IntArray, IntArray]:
    """Distinct weights, heaviest first, and each need's level index."""
    weights = np.unique(prep.n_weight)[::-1].copy()
    level = np.searchsorted(-weights, -prep.n_weight)
    return weights, level.astype(np.int64)


def _phase(net: Network, prep: Prepared, cost: IntArray, src: IntArray, unmet: IntArray,
           extra_supply: IntArray) -> _Phase:
    """Add offer → X (unused supply) and source → need (unmet) arcs to the network."""
    n_o, n_n = prep.n_offers, prep.n_needs
    x = net.n_nodes
    offers = np.arange(n_o, dtype=np.int64)
    needs = np.arange(n_n, dtype=np.int64) + net.need_base
    supply = np.zeros(x + extra_supply.size, dtype=np.int64)
    supply[:n_o] = prep.o_supply
    supply[needs] = -prep.n_demand
    supply[x:] = extra_supply
    return _Phase(
        n_nodes=supply.size,
        tail=np.concatenate([net.tail, offers, src]),
        head=np.concatenate([net.head, np.full(n_o, x, np.int64), needs]),
        cost=np.concatenate([cost, np.zeros(n_o, np.int64), unmet]),
        supply=supply,
    )


def _run(phase: _Phase) -> tuple[IntArray, IntArray]:
    """Solve a phase; return flows and potentials."""
    # Capacities never bind (flows are bounded by supplies), which keeps the duals clean.
    cap = np.full(phase.tail.size, int(np.abs(phase.supply).sum()) + 1, dtype=np.int64)
    flow = solve_flow(phase.n_nodes, phase.tail, phase.head, cap, phase.cost, phase.supply)
    pot = potentials(phase.n_nodes, phase.tail, phase.head, phase.cost, flow, cap)
    return flow, pot


def _duals(pot: IntArray, net: Network, prep: Prepared, weights: Sequence[int] = ()) -> PhaseDuals:
    """Convert potentials into offer/need/level prices relative to the slack node X."""
    x = net.n_nodes
    alpha = pot[: prep.n_offers] - pot[x]
    beta = pot[net.need_base : net.need_base + prep.n_needs] - pot[x]
    gamma = {int(w): int(pot[x + 1 + lv] - pot[x]) for lv, w in enumerate(weights)}
    return PhaseDuals(tuple(alpha.tolist()), tuple(beta.tolist()), gamma)


def solve(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    policy: Policy,
) -> MatchResult:
    """Lexicographically optimal allocation: weighted coverage first, then transport cost."""
    clock = time.perf_counter()
    prep = prepare(offers, needs, standards, equivalences, policy)
    net = build_network(prep)
    built = time.perf_counter()
    weights, level = _levels(prep)
    n_n, x = prep.n_needs, net.n_nodes
    m = net.tail.size
    balance = np.array([prep.n_demand.sum() - prep.o_supply.sum()], dtype=np.int64)
    one = _phase(net, prep, np.zeros(m, np.int64), np.full(n_n, x, np.int64), prep.n_weight,
                 balance)
    flow1, pot1 = _run(one)
    unmet = flow1[m + prep.n_offers :]
    unc = np.bincount(level, weights=unmet, minlength=weights.size).astype(np.int64)
    covered = int(prep.n_demand.sum() - unc.sum())
    extra = np.concatenate([[covered - int(prep.o_supply.sum())], unc]).astype(np.int64)
    two = _phase(net, prep, net.cost, x + 1 + level, np.zeros(n_n, np.int64), extra)
    flow2, pot2 = _run(two)
    solved = time.perf_counter()
    o_idx, n_idx, qty = decompose(net.tail, net.head, flow2[:m], prep.n_offers, net.need_base)
    allocations = build_allocations(
        offers, needs, standards, equivalences, policy, (o_idx, n_idx, qty)
    )
    totals = totals_of(needs, policy, allocations)
    certificate = Certificate(
        phase1=_duals(pot1, net, prep),
        phase2=_duals(pot2, net, prep, weights.tolist()),
        uncovered_by_level={int(w): int(u) for w, u in zip(weights, unc, strict=True)},
    )
    uncovered = uncovered_needs(prep, net, n_idx, qty, needs)
    stats = {
        "nodes": float(two.n_nodes), "arcs": float(two.tail.size),
        "transport_arcs": float(net.transport_arcs), "build_s": built - clock,
        "solve_s": solved - built, "total_s": time.perf_counter() - clock,
    }
    return MatchResult(tuple(allocations), totals, tuple(uncovered), certificate, stats)
