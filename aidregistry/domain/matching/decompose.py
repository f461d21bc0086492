"""Turn ladder flows back into offer → need allocations.

The transport part of the reduced network is a DAG whose ascending node ids are a topological
order (see :mod:`.network`). Walking the nodes in that order, each node receives *parcels*
(offer, quantity) from its in-arcs and hands them out over its out-arcs in any order. Any
split is valid: every offer → need path of the network is a feasible pair (network docstring),
and any split of an optimal flow into paths is optimal because the paths of an optimal flow
all cost exactly their pair's cheapest unit cost (otherwise re-routing a unit would save).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def decompose(
    tail: IntArray, head: IntArray, flow: IntArray, n_offers: int, need_base: int
) -> tuple[IntArray, IntArray, IntArray]:
    """(offer index, need index, quantity) of the flow, one row per distinct pair."""
    pos = flow > 0
    order = np.argsort(tail[pos], kind="stable")
    tails = tail[pos][order].tolist()
    heads = head[pos][order].tolist()
    flows = flow[pos][order].tolist()
    inbox: defaultdict[int, list[list[int]]] = defaultdict(list)
    pairs: defaultdict[tuple[int, int], int] = defaultdict(int)
    k = 0
    while k < len(tails):
        node = tails[k]
        end = k
        while end < len(tails) and tails[end] == node:
            end += 1
        queue = [[node, sum(flows[k:end])]] if node < n_offers else inbox.pop(node)
        _hand_out(queue, heads[k:end], flows[k:end], need_base, inbox, pairs)
        k = end
    if not pairs:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    keys = np.array(list(pairs.keys()), dtype=np.int64)
    return keys[:, 0], keys[:, 1], np.fromiter(pairs.values(), np.int64, len(pairs))


def _hand_out(
    queue: list[list[int]],
    heads: list[int],
    flows: list[int],
    need_base: int,
    inbox: defaultdict[int, list[list[int]]],
    pairs: defaultdict[tuple[int, int], int],
) -> None:
    """Split a node's parcels over its out-arcs, first come first served."""
    q = 0
    for target, amount in zip(heads, flows, strict=True):
        left = amount
        while left:
            parcel = queue[q]
            take = min(left, parcel[1])
            if target >= need_base:
                pairs[(parcel[0], target - need_base)] += take
            else:
                inbox[target].append([parcel[0], take])
            parcel[1] -= take
            left -= take
            if parcel[1] == 0:
                q += 1
