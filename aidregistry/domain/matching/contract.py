"""A component's flow problems without offer and need nodes, and the way back to the records.

The network simplex's time grows with the number of nodes far more than with arcs, and most
nodes of a component are records. Neither phase needs them:

* Offers that enter exactly the same ladder nodes (their *group*) are interchangeable: one
  node with the group's supply stands for them. A group that enters a single ladder node needs
  no node at all: its supply sits on that node, which gets an arc to the slack node X of
  capacity the group's supply, so that only the group's own goods can stay unused there.
* Each need has one arc into it (from its destination node); in phase 2 that arc goes into a
  sink T_L for the need's weight level, with capacity the need's demand, and T_L takes exactly
  what its level covers — or, in the one lexicographic problem, the level's whole demand, the
  rest coming from X over a priced arc. In the maximum flows of phase 1 it goes into the sink.

:meth:`Contraction.expand` turns a contracted phase 2 solution back into flows and potentials
on the records: a group's flows are dealt out to its offers (any split is optimal, they are
interchangeable); an offer of a node-less group takes its ladder node's potential, or X's when
the whole group stayed unused; a need whose arc is saturated takes its destination node's
potential, any other need its level's. Every record arc then keeps a reduced cost ≥ 0, and 0
where it carries flow, which is what the certificate checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from aidregistry.domain.matching.flow import FlowError
from aidregistry.domain.matching.prepare import sum_by

if TYPE_CHECKING:
    from aidregistry.domain.matching.components import Component

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# LEMON's artificial arcs cost 2**62 and its potentials sum costs along tree paths: the costs of
# one problem times (2 × its nodes) must stay below this for the int64 arithmetic to be exact.
PRICE_LIMIT = 1 << 60


@dataclass(frozen=True)
class Problem:
    """A contracted min-cost flow problem; ``transport`` marks the component's transport arcs."""

    tail: IntArray
    head: IntArray
    cap: IntArray
    cost: IntArray
    supply: IntArray
    transport: BoolArray


@dataclass(frozen=True)
class Contraction:
    """How a component's offers and needs map onto the contracted nodes.

    Node ids: kept offer groups ``0 … kept - 1``, then the component's ladder nodes in order,
    then X, then one sink per weight level.
    """

    c: Component
    group: IntArray  # per offer: its group
    sets: IntArray  # per group: the ladder nodes it enters (component ids), padded with -1
    supply: IntArray  # per group
    node: IntArray  # per group: its node, or its single ladder node's node
    single: BoolArray  # per group: no node of its own
    offer_arcs: IntArray  # component arc positions of offer → ladder arcs, by (offer, head)
    rest: IntArray  # component arc positions of every other arc
    into_need: BoolArray  # over ``rest``: the arc enters a need

    @property
    def kept(self) -> int:
        """Offer groups with a node of their own."""
        return int((~self.single).sum())

    @property
    def x(self) -> int:
        """The slack node X."""
        return self.kept + self.c.need_start - self.c.n_offers

    def ladder(self, v: IntArray) -> IntArray:
        """Contracted ids of component ladder nodes ``v``."""
        out: IntArray = v + (self.kept - self.c.n_offers)
        return out

    def phase2(self, level: IntArray, covered: IntArray) -> Problem:
        """Least transport with each level's covered quantity fixed (sinks after X)."""
        c, x = self.c, self.x
        need = self._need_of_rest()
        tail, head = self._rest_arcs()
        head[self.into_need] = x + 1 + level[need]
        g_tail, g_head = self._group_arcs()
        kept = np.flatnonzero(~self.single)
        lone = np.flatnonzero(self.single)
        tail = np.concatenate([tail, g_tail, self.node[kept], self.node[lone]])
        head = np.concatenate([head, g_head, np.full(kept.size + lone.size, x, np.int64)])
        supply = np.zeros(x + 1 + covered.size, dtype=np.int64)
        np.add.at(supply, self.node, self.supply)
        supply[x], supply[x + 1 :] = covered.sum() - c.supply.sum(), -covered
        big = int(np.abs(supply).sum()) + 1
        cap = np.full(tail.size, big, dtype=np.int64)
        cap[: self.rest.size][self.into_need] = c.demand[need]
        cap[tail.size - lone.size :] = self.supply[lone]
        cost = np.zeros(tail.size, dtype=np.int64)
        cost[: self.rest.size] = c.cost[self.rest]
        transport = np.zeros(tail.size, dtype=bool)
        transport[: self.rest.size] = c.transport[self.rest]
        return Problem(tail, head, cap, cost, supply, transport)

    def lexicographic(self, level: IntArray, weights: IntArray) -> Problem | None:
        """Both phases as one problem, or None where its prices would not fit in int64.

        The phase 2 problem with every level's sink T_L taking the level's whole demand, plus an
        arc X → T_L per level that carries what the level leaves uncovered, at a price of
        M · weight(L) per unit. M exceeds the transport cost of every simple cycle of the
        residual graph (:func:`coverage_price`), so a cycle that leaves one more weighted unit
        uncovered can never pay for itself: the optimum first covers the most weighted demand
        and, among those flows, moves the goods at the least transport cost — exactly the
        lexicographic optimum, without the prefix maximum flows. The arcs X → T_L come last.
        """
        demand = sum_by(level, self.c.demand, weights.size)
        p = self.phase2(level, demand)
        unit = coverage_price(p.tail, p.head, p.cost)
        if unit * int(weights.max(initial=1)) >= PRICE_LIMIT // (2 * p.supply.size + 2):
            return None
        price = unit * weights.astype(np.int64)
        sinks = np.arange(weights.size, dtype=np.int64) + self.x + 1
        return Problem(
            tail=np.concatenate([p.tail, np.full(weights.size, self.x, np.int64)]),
            head=np.concatenate([p.head, sinks]),
            cap=np.concatenate([p.cap, demand]),
            cost=np.concatenate([p.cost, price]),
            supply=p.supply,
            transport=np.concatenate([p.transport, np.zeros(weights.size, dtype=bool)]),
        )

    def max_flow_arcs(self) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
        """Arcs (tail, head, capacity) from a source, X's id, through the network, the source
        arcs carrying the groups' supplies; then, per need, the tail of its arc into the sink
        (X's id + 1) and the need."""
        keep = ~self.into_need
        rest_tail, rest_head = self._rest_arcs()
        g_tail, g_head = self._group_arcs()
        big = int(self.c.supply.sum()) + 1
        tail = np.concatenate([rest_tail[keep], g_tail, np.full(self.node.size, self.x, np.int64)])
        head = np.concatenate([rest_head[keep], g_head, self.node])
        cap = np.concatenate([np.full(tail.size - self.node.size, big, np.int64), self.supply])
        return tail, head, cap, rest_tail[self.into_need], self._need_of_rest()

    def expand(self, level: IntArray, flow: IntArray, pot: IntArray) -> tuple[IntArray, IntArray]:
        """Phase 2's solution on the records: flows on the component's arcs, offer → X and level
        source → need (the unmet quantity); potentials of the component's nodes, X and the level
        sources, with X at 0."""
        c, x = self.c, self.x
        out = np.zeros(c.tail.size + c.n_offers, dtype=np.int64)
        out[self.rest] = flow[: self.rest.size]
        self._deal(flow[self.rest.size :], out)
        need_arcs = self.rest[self.into_need]
        need = c.head[need_arcs] - c.need_start
        got = np.zeros(c.demand.size, dtype=np.int64)
        np.add.at(got, need, out[need_arcs])
        out_flow = np.concatenate([out, c.demand - got])
        out_pot = np.zeros(c.nodes.size + 1 + pot.size - x - 1, dtype=np.int64)
        out_pot[: c.n_offers] = self._offer_potentials(flow, pot)[self.group]
        ladders = np.arange(c.n_offers, c.need_start, dtype=np.int64)
        out_pot[ladders] = pot[self.ladder(ladders)]
        need_pot = pot[x + 1 + level]
        full = got[need] == c.demand[need]
        need_pot[need[full]] = pot[self.ladder(c.tail[need_arcs[full]])]
        out_pot[c.need_start : c.nodes.size] = need_pot
        out_pot[c.nodes.size :] = pot[x:]
        shifted: IntArray = out_pot - pot[x]
        return out_flow, shifted

    def _need_of_rest(self) -> IntArray:
        return self.c.head[self.rest[self.into_need]] - self.c.need_start

    def _rest_arcs(self) -> tuple[IntArray, IntArray]:
        """Tails and heads of the non-offer arcs (those into needs still to be pointed on)."""
        return self.ladder(self.c.tail[self.rest]), self.ladder(self.c.head[self.rest])

    def _entries(self) -> tuple[IntArray, IntArray]:
        """(group, ladder node) of every group's entries, by group."""
        g, col = np.nonzero(self.sets >= 0)
        return g.astype(np.int64), self.sets[g, col]

    def _group_arcs(self) -> tuple[IntArray, IntArray]:
        g, v = self._entries()
        mine = ~self.single[g]
        return self.node[g[mine]], self.ladder(v[mine])

    def _offer_potentials(self, flow: IntArray, pot: IntArray) -> IntArray:
        """Per group: its node's potential, or for a node-less group its ladder node's — X's
        when the whole group stayed unused."""
        out: IntArray = pot[self.node]
        lone = np.flatnonzero(self.single)
        unused = flow[flow.size - lone.size :]
        out[lone[unused == self.supply[lone]]] = pot[self.x]
        return out

    def _group_flows(self, group_flow: IntArray) -> tuple[IntArray, IntArray]:
        """Every group's arcs in group order — its entries, then X (node -1) — and their flows,
        from the contracted flows after the rest arcs (kept entries, kept → X, lone → X)."""
        g, v = self._entries()
        kept = np.flatnonzero(~self.single)
        lone = np.flatnonzero(self.single)
        mine = ~self.single[g]
        n_entry = int(mine.sum())
        entry = np.zeros(g.size, dtype=np.int64)
        entry[mine] = group_flow[:n_entry]
        to_x = np.zeros(self.supply.size, dtype=np.int64)
        to_x[kept] = group_flow[n_entry : n_entry + kept.size]
        to_x[lone] = group_flow[n_entry + kept.size :]
        entry[~mine] = self.supply[g[~mine]] - to_x[g[~mine]]
        order = np.argsort(np.concatenate([g, np.arange(self.supply.size)]), kind="stable")
        node = np.concatenate([v, np.full(self.supply.size, -1, np.int64)])[order]
        return node, np.concatenate([entry, to_x])[order]

    def _deal(self, group_flow: IntArray, out: IntArray) -> None:
        """Deal each group's flows out to its offers, in order (into ``out``): both sides of a
        group add up to its supply, so cutting the two running sums at each other's ends gives
        the pieces (offer, arc, quantity)."""
        c = self.c
        arc_node, arc_flow = self._group_flows(group_flow)
        offers = np.argsort(self.group, kind="stable")
        arc_end = np.cumsum(arc_flow)
        offer_end = np.cumsum(c.supply[offers])
        cuts = np.union1d(arc_end, offer_end)
        starts = np.concatenate([[0], cuts[:-1]])
        piece = cuts - starts
        starts, piece = starts[piece > 0], piece[piece > 0]
        node = arc_node[np.searchsorted(arc_end, starts, side="right")]
        o = offers[np.searchsorted(offer_end, starts, side="right")]
        to_slack = node < 0
        np.add.at(out, c.tail.size + o[to_slack], piece[to_slack])
        keys = c.tail[self.offer_arcs] * c.nodes.size + c.head[self.offer_arcs]
        pos = self.offer_arcs[np.searchsorted(keys, o[~to_slack] * c.nodes.size + node[~to_slack])]
        np.add.at(out, pos, piece[~to_slack])


def coverage_price(tail: IntArray, head: IntArray, cost: IntArray) -> int:
    """A price per weighted uncovered unit above the transport cost of any simple residual cycle.

    A simple cycle enters and leaves each node at most once, so its forward arcs have distinct
    tails and distinct heads, and its backward arcs cost ≤ 0: its cost is at most the dearest
    arc's cost times the number of distinct tails of priced arcs — and of distinct heads.
    """
    priced = cost > 0
    if not priced.any():
        return 1
    tails = int(np.count_nonzero(np.bincount(tail[priced])))
    heads = int(np.count_nonzero(np.bincount(head[priced])))
    return min(tails, heads) * int(cost.max()) + 1


def contract(c: Component) -> Contraction:
    """Group the component's offers by the ladder nodes they enter (see the module docstring)."""
    is_offer = c.tail < c.n_offers
    arcs = np.flatnonzero(is_offer)
    arcs = arcs[np.lexsort((c.head[arcs], c.tail[arcs]))]
    degree = np.bincount(c.tail[arcs], minlength=c.n_offers)
    width = max(int(degree.max()) if degree.size else 0, 1)
    column = np.arange(arcs.size) - np.repeat(np.cumsum(degree) - degree, degree)
    table = np.full((c.n_offers, width), -1, dtype=np.int64)
    table[c.tail[arcs], column] = c.head[arcs]
    sets, group = np.unique(table, axis=0, return_inverse=True)
    group = group.reshape(-1).astype(np.int64)
    supply = np.zeros(sets.shape[0], dtype=np.int64)
    np.add.at(supply, group, c.supply)
    single = (sets >= 0).sum(axis=1) == 1
    kept = int((~single).sum())
    node = np.empty(sets.shape[0], dtype=np.int64)
    node[~single] = np.arange(kept)
    node[single] = sets[single, 0] + (kept - c.n_offers)
    rest = np.flatnonzero(~is_offer)
    into_need = c.head[rest] >= c.need_start
    if np.unique(c.head[rest[into_need]]).size != int(into_need.sum()):
        raise FlowError("a need has more than one arc into it")  # the network gives one each
    return Contraction(
        c=c,
        group=group,
        sets=sets,
        supply=supply,
        node=node,
        single=single,
        offer_arcs=arcs,
        rest=rest,
        into_need=into_need,
    )
