"""Why each allocation was proposed and why each need is (partly) left uncovered.

Reasons for an uncovered quantity, checked in this order:

* ``no_compatible_goods`` — no offer with quantity left has a compatible standard and
  certificates;
* ``none_in_time`` — compatible offers exist but none can arrive by the need's deadline (and
  before its own expiry) by any of its modes;
* ``taken_by_higher_priority`` — feasible offers exist, but all their quantity went to needs
  of higher or equal weight. At a lexicographic optimum this is the only other possibility:
  a feasible offer with quantity to spare, or one serving a lighter need, could be moved to
  this need and raise the weighted coverage.

Feasibility is read from the reduced network: a need is reachable from an offer exactly when
some pair is feasible (see :mod:`.network`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from aidregistry.domain.matching.model import Allocation, Need, Reason, Uncovered
from aidregistry.domain.matching.network import Network
from aidregistry.domain.matching.prepare import Prepared, sum_by

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def reachable_needs(net: Network, sources: IntArray) -> BoolArray:
    """Which needs some source offer node reaches in the network's transport DAG."""
    order = np.argsort(net.tail, kind="stable")
    heads = net.head[order]
    indptr = np.zeros(net.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(net.tail, minlength=net.n_nodes), out=indptr[1:])
    seen = np.zeros(net.n_nodes, dtype=bool)
    seen[sources] = True
    frontier = sources
    while frontier.size:
        starts, counts = indptr[frontier], indptr[frontier + 1] - indptr[frontier]
        idx = np.repeat(starts - np.cumsum(counts) + counts, counts)
        nxt = heads[idx + np.arange(idx.size)]
        nxt = np.unique(nxt[~seen[nxt]])
        seen[nxt] = True
        frontier = nxt
    return seen[net.need_base : net.need_base + net.n_needs]


def uncovered_needs(
    prep: Prepared, reached: BoolArray, n_idx: IntArray, qty: IntArray, needs: Sequence[Need]
) -> list[Uncovered]:
    """An :class:`Uncovered` for every need not fully covered, heaviest priority first.

    ``reached`` tells, per need, whether some offer with quantity reaches it in the network.
    """
    covered = sum_by(n_idx, qty, prep.n_needs)
    short = np.flatnonzero(prep.n_demand > covered)
    if short.size == 0:
        return []
    live = prep.o_supply > 0
    present = prep.o_class_keys[np.unique(prep.o_class[live])].any(axis=0)
    has_key = (prep.n_class_keys[prep.n_class[short]] & present).any(axis=1)
    compatible = [bool(v) for v in np.atleast_1d(has_key)]
    reach: list[bool] = reached[short].tolist()
    out = []
    for j, comp, feasible in zip(short.tolist(), compatible, reach, strict=True):
        reason = (
            Reason.NO_COMPATIBLE_GOODS
            if not comp
            else Reason.NONE_IN_TIME
            if not feasible
            else Reason.TAKEN_BY_HIGHER_PRIORITY
        )
        need = needs[j]
        out.append(Uncovered(need.id, need.priority, int(prep.n_demand[j] - covered[j]), reason))
    out.sort(key=lambda u: (u.priority, u.need_id))
    return out


def explain_allocation(allocation: Allocation, need: Need) -> dict[str, Any]:
    """A plain-data explanation of one proposed allocation, for people and JSON."""
    return {
        "offer_id": allocation.offer_id,
        "need_id": allocation.need_id,
        "quantity": allocation.quantity,
        "priority": need.priority,
        "km": allocation.km,
        "mode": str(allocation.mode),
        "transit_days": allocation.transit_days,
        "unit_cost": allocation.unit_cost,
        "substitution": allocation.substitution,
    }
