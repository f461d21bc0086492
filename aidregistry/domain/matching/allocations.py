"""Allocation records and totals from (offer, need, quantity) triples.

Mode, km and unit cost are recomputed from the model's rule for each pair (vectorised), so
what is reported never depends on the route the flow happened to take through the network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard, compatibility
from aidregistry.domain.geo import rounded_km
from aidregistry.domain.matching.costs import (
    MODE_ORDER,
    best_routes,
    day_number,
    expiry_day,
    mode_mask,
    start_day,
)
from aidregistry.domain.matching.model import Allocation, Need, Offer, Policy, Totals

IntArray = npt.NDArray[np.int64]


class InfeasibleAllocationError(ValueError):
    """An allocation names a pair that the rules do not allow."""


def pair_routes(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    policy: Policy,
    o_idx: IntArray,
    n_idx: IntArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """(km, unit cost, mode index, transit days) of the pairs; cost -1 where infeasible."""
    run = policy.run_date
    sel_o = [offers[i] for i in o_idx.tolist()]
    sel_n = [needs[j] for j in n_idx.tolist()]

    def col(values: list[float] | list[int], dtype: type) -> npt.NDArray[np.generic]:
        return np.asarray(values, dtype=dtype).reshape(-1)

    km = rounded_km(
        col([o.lat for o in sel_o], float),
        col([o.lon for o in sel_o], float),
        col([n.lat for n in sel_n], float),
        col([n.lon for n in sel_n], float),
    )
    cost, mode, days = best_routes(
        km,
        np.asarray([start_day(o, run) for o in sel_o], np.int64).reshape(-1),
        np.asarray([expiry_day(o, run) for o in sel_o], np.int64).reshape(-1),
        np.asarray([mode_mask(o.modes) for o in sel_o], np.int64).reshape(-1),
        np.asarray([day_number(n.needed_by, run) for n in sel_n], np.int64).reshape(-1),
        policy,
    )
    return km, cost, mode, days


def build_allocations(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    policy: Policy,
    triples: tuple[IntArray, IntArray, IntArray],
) -> list[Allocation]:
    """Allocation records, sorted by (need id, offer id); raises if a pair is infeasible."""
    o_idx, n_idx, qty = triples
    km, cost, mode, days = pair_routes(offers, needs, policy, o_idx, n_idx)
    notes: dict[tuple[str, frozenset[str], frozenset[str], str], str | None] = {}
    out = []
    for k, (i, j) in enumerate(zip(o_idx.tolist(), n_idx.tolist(), strict=True)):
        offer, need = offers[i], needs[j]
        key = (offer.standard, offer.certificates, need.accepted_standards, need.jurisdiction)
        if key not in notes:
            decision = compatibility(*key[:2], *key[2:], policy.run_date, standards, equivalences)
            if decision is None:
                raise InfeasibleAllocationError(f"{offer.id} → {need.id}: incompatible")
            notes[key] = None if decision.substitution is None else decision.note
        if cost[k] < 0:
            raise InfeasibleAllocationError(f"{offer.id} → {need.id}: cannot arrive in time")
        out.append(
            Allocation(
                offer.id,
                need.id,
                int(qty[k]),
                MODE_ORDER[int(mode[k])],
                int(km[k]),
                int(cost[k]),
                int(days[k]),
                notes[key],
            )
        )
    out.sort(key=lambda a: (a.need_id, a.offer_id))
    return out


def totals_of(needs: Sequence[Need], policy: Policy, allocations: Sequence[Allocation]) -> Totals:
    """Weighted coverage, transport cost, unit·km and coverage per priority."""
    priority = {n.id: n.priority for n in needs}
    covered = dict.fromkeys(sorted(policy.priority_weights), 0)
    demand = dict.fromkeys(sorted(policy.priority_weights), 0)
    for need in needs:
        demand[need.priority] += need.quantity
    for a in allocations:
        covered[priority[a.need_id]] += a.quantity
    return Totals(
        weighted_coverage=sum(policy.weight(p) * q for p, q in covered.items()),
        transport_cost=sum(a.quantity * a.unit_cost for a in allocations),
        unit_km=sum(a.quantity * a.km for a in allocations),
        covered_by_priority=covered,
        demand_by_priority=demand,
    )
