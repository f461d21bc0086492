"""Min-cost flow with optimal node potentials, and residual potentials for other costs.

Up to :data:`SIMPLEX_MAX_ARCS` arcs the flows and their potentials come from LEMON's network
simplex (through pylmcf), faster than OR-Tools' cost scaling on these networks once phase 2
has no need nodes (the biggest component at 100k × 100k, 4.0M arcs: 36–41 s against 56–63 s
CPU; at 10k × 10k 1.0 s against 2.1 s before that change). Above it — sizes not measured,
where column generation also starts — cost scaling is kept, and the potentials are recovered
from its flows. :func:`potentials` recovers optimal potentials for a *given* optimal flow
(also phase 1's duals from phase 2's flow): shortest distances from a virtual source
(0 to every node) in the residual graph, by a frontier-based Bellman–Ford vectorised with
numpy. At an optimum the residual graph has no negative cycle, so this terminates, and the
distances ``d`` satisfy ``d[v] <= d[u] + cost`` on every residual arc — the dual feasibility
the certificate needs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pylmcf
from ortools.graph.python import min_cost_flow

IntArray = npt.NDArray[np.int64]
SIMPLEX_MAX_ARCS = 20_000_000
# Real potentials sum at most (nodes) costs, below 2**59 for every problem built here (see
# contract.PRICE_LIMIT); a node hung off one of LEMON's artificial arcs is priced near 2**62.
RAW_POTENTIAL_LIMIT = 1 << 61


class FlowError(RuntimeError):
    """The flow solver did not report an optimum (a bug: every instance is feasible)."""


def solve_flow(
    n_nodes: int, tail: IntArray, head: IntArray, cap: IntArray, cost: IntArray, supply: IntArray
) -> tuple[IntArray, IntArray]:
    """Optimal integral flows and node potentials (reduced cost = cost + pot[tail] - pot[head]).

    The potentials are optimal duals for the returned flows: every arc with flow below its
    capacity has a reduced cost >= 0, every arc with positive flow one <= 0.
    """
    if tail.size > SIMPLEX_MAX_ARCS:
        flow = cost_scaling_flow(n_nodes, tail, head, cap, cost, supply)
        return flow, potentials(n_nodes, tail, head, cost, flow, cap)
    return network_simplex_flow(n_nodes, tail, head, cap, cost, supply)


def network_simplex_flow(
    n_nodes: int, tail: IntArray, head: IntArray, cap: IntArray, cost: IntArray, supply: IntArray
) -> tuple[IntArray, IntArray]:
    """Flows and potentials by LEMON's network simplex."""
    order = np.argsort(tail * n_nodes + head, kind="stable")  # the solver wants (tail, head) order
    graph = pylmcf.Graph(
        n_nodes, np.ascontiguousarray(tail[order]), np.ascontiguousarray(head[order])
    )
    graph.set_node_supply(np.ascontiguousarray(supply, dtype=np.int64))
    graph.set_edge_capacities(np.ascontiguousarray(cap[order], dtype=np.int64))
    graph.set_edge_costs(np.ascontiguousarray(cost[order], dtype=np.int64))
    try:
        graph.solve()
    except RuntimeError as exc:
        raise FlowError(f"min-cost flow did not reach an optimum: {exc}") from exc
    flow = np.empty(tail.size, dtype=np.int64)
    flow[order] = graph.result()
    # The potentials of the simplex's last spanning tree are optimal as they are; only a tree
    # that still hangs a node off an (empty) artificial arc gives it a price near 2**62, and
    # then pylmcf's canonical potentials (a Dijkstra over the residual graph) are taken.
    pot = np.asarray(graph.raw_potentials(), dtype=np.int64)
    if pot.size and int(np.abs(pot).max()) >= RAW_POTENTIAL_LIMIT:
        pot = np.asarray(graph.potentials(), dtype=np.int64)
    return flow, pot


def cost_scaling_flow(
    n_nodes: int, tail: IntArray, head: IntArray, cap: IntArray, cost: IntArray, supply: IntArray
) -> IntArray:
    """Flows by OR-Tools' cost-scaling push-relabel (no potentials)."""
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        tail.astype(np.int32), head.astype(np.int32), cap, cost
    )
    nodes = np.flatnonzero(supply).astype(np.int32)
    if nodes.size:
        solver.set_nodes_supplies(nodes, supply[nodes])
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise FlowError(f"min-cost flow ended with status {status}")
    return np.asarray(solver.flows(arcs), dtype=np.int64)


def _csr(tail: IntArray, n_nodes: int) -> tuple[IntArray, IntArray]:
    """Arc order sorted by tail and the row pointer of each node."""
    order = np.argsort(tail, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n_nodes), out=indptr[1:])
    return order, indptr


def _gather(frontier: IntArray, indptr: IntArray) -> IntArray:
    """Positions (in CSR order) of every arc leaving a frontier node."""
    starts, counts = indptr[frontier], indptr[frontier + 1] - indptr[frontier]
    total = int(counts.sum())
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total, dtype=np.int64)


def potentials(
    n_nodes: int, tail: IntArray, head: IntArray, cost: IntArray, flow: IntArray, cap: IntArray
) -> IntArray:
    """Shortest residual distances from a virtual source; optimal potentials of the flow."""
    fwd, rev = flow < cap, flow > 0
    r_tail = np.concatenate([tail[fwd], head[rev]])
    r_head = np.concatenate([head[fwd], tail[rev]])
    r_cost = np.concatenate([cost[fwd], -cost[rev]])
    order, indptr = _csr(r_tail, n_nodes)
    r_tail, r_head, r_cost = r_tail[order], r_head[order], r_cost[order]
    dist = np.zeros(n_nodes, dtype=np.int64)
    mark = np.zeros(n_nodes, dtype=bool)
    mark[r_tail[r_cost < 0]] = True
    frontier = np.flatnonzero(mark)
    for _ in range(n_nodes + 1):
        if frontier.size == 0:
            return dist
        idx = _gather(frontier, indptr)
        cand = np.repeat(dist[frontier], indptr[frontier + 1] - indptr[frontier]) + r_cost[idx]
        heads = r_head[idx]
        better = cand < dist[heads]
        heads, cand = heads[better], cand[better]
        np.minimum.at(dist, heads, cand)
        mark[:] = False
        mark[heads] = True
        frontier = np.flatnonzero(mark)
    raise FlowError("negative cycle in the residual graph: the flow is not optimal")
