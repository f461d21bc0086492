"""Split the reduced network into independent components and solve each lexicographically.

Items are independent except through substitutions, so the network falls apart into
components (at most one per family of mutually substitutable standards, see :mod:`.families`).
Each component is solved on its own — smaller flow problems are disproportionately faster and
need less memory (the twelve small families of the 10k benchmark: 0.35 s one by one, 0.88 s as
one simplex). Coverage optima of disjoint components add up, so fixing the uncovered
quantity per (component, weight level) in phase 2 is as exact as fixing it per level; the
certificate therefore carries a group label per record, and the checker verifies that no
feasible pair crosses groups. Group 0 holds every record that has no feasible pair at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import max_flow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from aidregistry.domain.matching.contract import Contraction, Problem, contract
from aidregistry.domain.matching.flow import FlowError, potentials, solve_flow
from aidregistry.domain.matching.network import Network
from aidregistry.domain.matching.prepare import Prepared, sum_by

IntArray = npt.NDArray[np.int64]
COLGEN_MIN_ARCS = 20_000_000  # below this, one solve of the whole component is faster (measured)
SEED_PER_NODE = 4


@dataclass(frozen=True)
class Component:
    """One component's flow data in local node ids (offers, ladders, needs ascending)."""

    group: int
    nodes: IntArray  # global ids, ascending
    arcs: IntArray  # global arc positions
    tail: IntArray
    head: IntArray
    cost: IntArray
    n_offers: int
    need_start: int  # first local id of a need
    supply: IntArray  # offers
    demand: IntArray  # needs
    weight: IntArray  # needs
    transport: npt.NDArray[np.bool_]  # which of the arcs are transport arcs


@dataclass(frozen=True)
class ComponentSolution:
    """Flows on the component's arcs, its per-level uncovered quantities and its duals."""

    group: int
    flow: IntArray
    weights: IntArray
    uncovered: IntArray
    alpha1: IntArray
    beta1: IntArray
    alpha2: IntArray
    beta2: IntArray
    gamma: IntArray


def split(prep: Prepared, net: Network) -> tuple[list[Component], IntArray, IntArray]:
    """Components of the network, biggest first, with each offer's and need's group."""
    graph = coo_matrix(
        (np.ones(net.tail.size, np.int8), (net.tail, net.head)), shape=(net.n_nodes,) * 2
    )
    _, label = connected_components(graph, directed=False)
    has_arc = np.zeros(net.n_nodes, dtype=bool)
    has_arc[net.tail] = has_arc[net.head] = True
    live, group_of = np.unique(label[has_arc], return_inverse=True)
    group = np.zeros(net.n_nodes, dtype=np.int64)
    group[has_arc] = group_of.reshape(-1) + 1
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(1, live.size + 2))
    arc_group = group[net.tail]
    arc_order = np.argsort(arc_group, kind="stable")
    arc_bounds = np.searchsorted(arc_group[arc_order], np.arange(1, live.size + 2))
    comps = [
        _component(
            prep,
            net,
            g + 1,
            order[bounds[g] : bounds[g + 1]],
            np.sort(arc_order[arc_bounds[g] : arc_bounds[g + 1]]),
        )
        for g in range(live.size)
    ]
    comps.sort(key=lambda c: -c.arcs.size)
    need_group = group[net.need_base : net.need_base + net.n_needs]
    return comps, group[: net.n_offers], need_group


def _component(prep: Prepared, net: Network, g: int, nodes: IntArray, arcs: IntArray) -> Component:
    nodes = np.sort(nodes)
    local = np.full(net.n_nodes, -1, dtype=np.int64)
    local[nodes] = np.arange(nodes.size)
    offers = nodes[nodes < net.n_offers]
    needs = nodes[nodes >= net.need_base] - net.need_base
    return Component(
        group=g,
        nodes=nodes,
        arcs=arcs,
        tail=local[net.tail[arcs]],
        head=local[net.head[arcs]],
        cost=net.cost[arcs],
        n_offers=offers.size,
        need_start=nodes.size - needs.size,
        supply=prep.o_supply[offers],
        demand=prep.n_demand[needs],
        weight=prep.n_weight[needs],
        transport=(arcs >= net.transport_start) & (arcs < net.transport_start + net.transport_arcs),
    )


def _phase1(c: Component, balance: int) -> tuple[IntArray, IntArray, int]:
    """Phase 1 as a min-cost flow: an unmet unit of need j costs weight(j), transport is free.

    A slack node X takes unused supply and sends unmet demand; returns the flows on the
    component's arcs, offer → X and X → need (in that order), the potentials (X at 0) and
    where the X → need arcs start.
    """
    n, x = c.nodes.size, c.nodes.size
    offers = np.arange(c.n_offers, dtype=np.int64)
    needs = np.arange(c.need_start, n, dtype=np.int64)
    tail = np.concatenate([c.tail, offers, np.full(needs.size, x, np.int64)])
    head = np.concatenate([c.head, np.full(offers.size, x, np.int64), needs])
    costs = np.concatenate([np.zeros(c.tail.size + offers.size, np.int64), c.weight])
    supply = np.zeros(n + 1, dtype=np.int64)
    supply[offers], supply[needs], supply[x] = c.supply, -c.demand, balance
    # Capacities never bind (flows are bounded by supplies), which keeps the duals clean.
    cap = np.full(tail.size, int(np.abs(supply).sum()) + 1, dtype=np.int64)
    active = np.ones(tail.size, dtype=bool)
    flow, pot = _column_generation((tail, head, cap, costs), supply, active)
    return flow, pot - pot[x], c.tail.size + c.n_offers


def _phase2(
    k: Contraction, level: IntArray, uncovered: IntArray, carried: IntArray | None
) -> tuple[IntArray, IntArray]:
    """Phase 2: least transport with the uncovered quantity of every weight level fixed.

    Solved on the contracted network of :mod:`.contract` (no offer or need nodes; a sink per
    level takes exactly what the level covers, a slack node X the unused supply) and returned
    on the records: flows on the component's arcs, offer → X and level source S_L → need (the
    unmet quantity), and potentials of the component's nodes, X and the S_L (X at 0).

    Big components (see :data:`COLGEN_MIN_ARCS`) are solved by column generation over the
    transport arcs, starting from phase 1's flow ``carried``, which keeps the first subset
    feasible at the fixed coverage.
    """
    p = k.phase2(level, sum_by(level, k.c.demand, uncovered.size) - uncovered)
    active = ~p.transport
    if carried is None or p.transport.sum() <= COLGEN_MIN_ARCS:
        active |= p.transport
    else:
        active |= _seed(p.tail, p.head, p.cost, p.transport)
        active[: k.rest.size] |= carried[k.rest] > 0
    flow, pot = _column_generation((p.tail, p.head, p.cap, p.cost), p.supply, active)
    return k.expand(level, flow, pot)


def _both_phases(
    k: Contraction, p: Problem, level: IntArray, n_levels: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Solve the one lexicographic problem of :meth:`Contraction.lexicographic`: its flows and
    potentials are a phase 2 optimum for the uncovered quantities it finds (the same problem
    without the arcs X → T_L, whose flows are those quantities), returned on the records."""
    flow, pot = solve_flow(p.supply.size, p.tail, p.head, p.cap, p.cost, p.supply)
    unc = flow[flow.size - n_levels :]
    flow2, pot2 = k.expand(level, flow[: flow.size - n_levels], pot)
    return flow2, pot2, unc


def _column_generation(
    arcs: tuple[IntArray, IntArray, IntArray, IntArray],
    supply: IntArray,
    active: npt.NDArray[np.bool_],
) -> tuple[IntArray, IntArray]:
    """Solve on the active arcs, add negatively priced ones, until none is left."""
    tail, head, cap, costs = arcs
    while True:
        sel = np.flatnonzero(active)
        flow = np.zeros(tail.size, dtype=np.int64)
        flow[sel], pot = solve_flow(supply.size, tail[sel], head[sel], cap[sel], costs[sel], supply)
        out = np.flatnonzero(~active)
        reduced = costs[out] + pot[tail[out]] - pot[head[out]]
        negative = out[reduced < 0]
        if negative.size == 0:
            return flow, pot
        budget = max(sel.size // 2, 10_000)
        if negative.size > budget:
            order = np.argpartition(reduced[reduced < 0], budget)[:budget]
            negative = negative[order]
        active[negative] = True


def _seed(
    tail: IntArray, head: IntArray, cost: IntArray, transport: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """The few cheapest transport arcs out of every tail and into every head."""
    arcs = np.flatnonzero(transport)
    keep = np.zeros(tail.size, dtype=bool)
    for end in (tail, head):
        order = arcs[np.lexsort((cost[arcs], end[arcs]))]
        ends = end[order]
        first = np.searchsorted(ends, ends, side="left")
        rank = np.arange(order.size) - first
        keep[order[rank < SEED_PER_NODE]] = True
    return keep


def _prefix_coverage(k: Contraction, level: IntArray, n_levels: int) -> IntArray:
    """Uncovered quantity per weight level, by one max flow per prefix of levels.

    By the polymatroid property (see :mod:`.solver`), every weighted-coverage optimum covers
    on the heaviest ``L`` levels exactly the maximum flow into their needs, for every ``L``;
    so the covered quantity of level ``L`` is the difference of two successive maximum flows.
    Maximum flows are far cheaper than the min-cost flow of phase 1. They run on the
    contracted network of :mod:`.contract`: the arc into need j goes straight to the sink,
    with capacity demand(j) when j's level is in the prefix, 0 otherwise. The whole set of
    levels is solved first; a prefix whose bounds from it meet (everything covered, say)
    needs no solve.
    """
    c = k.c
    src, snk = k.x, k.x + 1
    tail, head, cap, sink_tail, need_of_arc = k.max_flow_arcs()
    solver = max_flow.SimpleMaxFlow()
    solver.add_arcs_with_capacity(tail.astype(np.int32), head.astype(np.int32), cap)
    sink_arcs = solver.add_arcs_with_capacity(
        sink_tail.astype(np.int32),
        np.full(need_of_arc.size, snk, np.int32),
        np.zeros(need_of_arc.size, np.int64),
    )
    level_of_arc = level[need_of_arc]

    def max_flow_into(levels: int) -> int:
        on = level_of_arc < levels
        solver.set_arcs_capacity(sink_arcs, np.where(on, c.demand[need_of_arc], 0))
        if solver.solve(src, snk) != solver.OPTIMAL:
            raise FlowError("maximum flow did not reach an optimum")
        return int(solver.optimal_flow())

    demand = sum_by(level, c.demand, n_levels)
    prefix = np.zeros(n_levels + 1, dtype=np.int64)
    prefix[-1] = max_flow_into(n_levels)
    for lv in range(1, n_levels):
        # Dropping the later levels loses at most their demand; a prefix gets at most its own.
        low = prefix[-1] - int(demand[lv:].sum())
        high = min(int(demand[:lv].sum()), int(prefix[-1]))
        prefix[lv] = low if low == high else max_flow_into(lv)
    return demand - np.diff(prefix)


def _phase1_duals(c: Component, flow: IntArray) -> IntArray:
    """Phase 1 potentials certified on ``flow``, a phase 2 optimum read as a phase 1 flow.

    Phase 2's arcs are phase 1's arcs (its level sources stand in for the slack node X), and
    its flow has the optimal uncovered quantity on every level, so it is a phase 1 optimum;
    the residual shortest distances of phase 1's costs are then its optimal potentials (a
    negative cycle would mean it is not optimal, and :func:`potentials` raises).
    """
    n = x = c.nodes.size
    offers = np.arange(c.n_offers, dtype=np.int64)
    needs = np.arange(c.need_start, n, dtype=np.int64)
    tail = np.concatenate([c.tail, offers, np.full(needs.size, x, np.int64)])
    head = np.concatenate([c.head, np.full(offers.size, x, np.int64), needs])
    cost = np.concatenate([np.zeros(c.tail.size + offers.size, np.int64), c.weight])
    bound = int(c.supply.sum()) + int(c.demand.sum()) + 1
    cap = np.full(tail.size, bound, dtype=np.int64)
    pot = potentials(n + 1, tail, head, cost, flow, cap)
    shifted: IntArray = pot - pot[x]
    return shifted


def solve_component(c: Component) -> ComponentSolution:
    """Weighted coverage first, then transport at that coverage, with both phases' duals.

    Both phases are one min-cost flow (:meth:`Contraction.lexicographic`); where its prices
    would not fit in int64, the per-level coverage comes from prefix maximum flows and phase 2
    is solved apart. Phase 1's duals come from phase 2's flow. Components big enough for column
    generation, which starts phase 2 from phase 1's flow, solve phase 1 as a min-cost flow.
    """
    weights = np.unique(c.weight)[::-1].copy()
    level = np.searchsorted(-weights, -c.weight).astype(np.int64)
    k = contract(c)  # one contraction serves both phases
    if c.transport.sum() > COLGEN_MIN_ARCS:
        flow1, pot1, first_unmet = _phase1(c, int(c.demand.sum() - c.supply.sum()))
        unmet = flow1[first_unmet:]
        unc = sum_by(level, unmet, weights.size)
        flow2, pot2 = _phase2(k, level, unc, flow1[: c.tail.size])
        return _solution(c, weights, unc, pot1, flow2, pot2)
    joint = k.lexicographic(level, weights)
    if joint is None:
        unc = _prefix_coverage(k, level, weights.size)
        flow2, pot2 = _phase2(k, level, unc, None)
    else:
        flow2, pot2, unc = _both_phases(k, joint, level, weights.size)
    return _solution(c, weights, unc, _phase1_duals(c, flow2), flow2, pot2)


def _solution(
    c: Component,
    weights: IntArray,
    unc: IntArray,
    pot1: IntArray,
    flow2: IntArray,
    pot2: IntArray,
) -> ComponentSolution:
    n = c.nodes.size
    return ComponentSolution(
        group=c.group,
        flow=flow2[: c.tail.size],
        weights=weights,
        uncovered=unc,
        alpha1=pot1[: c.n_offers],
        beta1=pot1[c.need_start : n],
        alpha2=pot2[: c.n_offers],
        beta2=pot2[c.need_start : n],
        gamma=pot2[n + 1 :],
    )
