"""Turn ladder flows back into offer → need allocations.

Goods travel offer → origin ladder → one transport arc → destination ladder → need, and inside
a ladder only forward, towards higher node ids (see :mod:`.network`: each chain is a run of
consecutive ids in day order). So the flow splits in two halves joined at the transport arcs.

In each half, list the arcs that bring goods in (offer → origin node; transport arc into a
destination node) and those that take them out (transport arc; destination node → need), each
sorted by the node where that happens, and number the units of both lists in that order. Unit k
out is paired with unit k in. That pairing is feasible: up to any node, as much has come in as
has gone out, plus what the ladder arc to the next node carries on; at the end of a chain the
two are equal. So the k-th unit out of a node came in at that node or an earlier one of the
same chain — a unit that a path really carried there. Both lists are cut at every end of a
piece of either, as running sums.

The two halves are then joined on each transport arc the same way: its units from offers and
its units to needs, numbered in arc order, paired one to one. Any split of an optimal flow into
paths is optimal: every path is a feasible pair, and all the paths of an optimal flow cost
exactly their pair's cheapest unit cost (otherwise re-routing a unit would save).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aidregistry.domain.matching.network import Network
from aidregistry.domain.matching.prepare import sum_by

IntArray = npt.NDArray[np.int64]


def _pair_units(
    in_key: IntArray, in_flow: IntArray, out_key: IntArray, out_flow: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Pair the units of two lists of flows, each sorted by ``key`` (ins before outs of a key
    need no care: the running sums meet at the end of every chain).

    Returns, per piece: index into the ins, index into the outs, quantity.
    """
    in_order = np.argsort(in_key, kind="stable")
    out_order = np.argsort(out_key, kind="stable")
    in_end = np.cumsum(in_flow[in_order])
    out_end = np.cumsum(out_flow[out_order])
    cuts = np.union1d(in_end, out_end)
    starts = np.concatenate([[0], cuts[:-1]])
    qty = cuts - starts
    live = qty > 0
    starts, qty = starts[live], qty[live]
    src = in_order[np.searchsorted(in_end, starts, side="right")]
    dst = out_order[np.searchsorted(out_end, starts, side="right")]
    return src, dst, qty


def decompose(net: Network, flow: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """(offer index, need index, quantity) of the flow, one row per distinct pair."""
    carried = flow > 0
    transport = np.zeros(net.tail.size, dtype=bool)
    transport[net.transport_start : net.transport_start + net.transport_arcs] = True
    entry = np.flatnonzero(carried & (net.tail < net.n_offers))
    moved = np.flatnonzero(carried & transport)
    taken = np.flatnonzero(carried & (net.head >= net.need_base))
    # Offers into origin ladders, paired with the transport arcs that leave them.
    e_src, e_dst, e_qty = _pair_units(net.head[entry], flow[entry], net.tail[moved], flow[moved])
    # Transport arcs into destination ladders, paired with the needs they serve.
    d_src, d_dst, d_qty = _pair_units(net.head[moved], flow[moved], net.tail[taken], flow[taken])
    # Both halves per transport arc (a piece's arc is ``moved[e_dst]`` or ``moved[d_src]``).
    j_src, j_dst, qty = _pair_units(e_dst, e_qty, d_src, d_qty)
    offer = net.tail[entry[e_src[j_src]]]
    need = net.head[taken[d_dst[j_dst]]] - net.need_base
    if qty.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    pair, inverse = np.unique(offer * net.n_needs + need, return_inverse=True)
    total = sum_by(inverse.reshape(-1), qty, pair.size)
    return pair // net.n_needs, pair % net.n_needs, total
