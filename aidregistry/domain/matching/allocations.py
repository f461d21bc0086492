"""Allocation records and totals from (offer, need, quantity) triples.

Mode, km and unit cost are recomputed from the model's rule for each pair (vectorised, from the
records' days, modes and places in :class:`~.prepare.Prepared`), so what is reported never
depends on the route the flow happened to take through the network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard, compatibility
from aidregistry.domain.geo import rounded_km
from aidregistry.domain.matching.costs import MODE_ORDER, best_routes
from aidregistry.domain.matching.model import Allocation, Need, Offer, Policy, Totals
from aidregistry.domain.matching.prepare import Prepared

IntArray = npt.NDArray[np.int64]


class InfeasibleAllocationError(ValueError):
    """An allocation names a pair that the rules do not allow."""


def pair_routes(
    prep: Prepared, o_idx: IntArray, n_idx: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """(km, unit cost, mode index, transit days) of the pairs; cost -1 where infeasible."""
    o_place, n_place = prep.o_place[o_idx], prep.n_place[n_idx]
    km = rounded_km(
        prep.place_lat[o_place],
        prep.place_lon[o_place],
        prep.place_lat[n_place],
        prep.place_lon[n_place],
    )
    cost, mode, days = best_routes(
        km,
        prep.o_start[o_idx],
        prep.o_expiry[o_idx],
        prep.o_modes[o_idx],
        prep.n_deadline[n_idx],
        prep.policy,
    )
    return km, cost, mode, days


def build_allocations(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    prep: Prepared,
    triples: tuple[IntArray, IntArray, IntArray],
) -> list[Allocation]:
    """Allocation records, sorted by (need id, offer id); raises if a pair is infeasible."""
    o_idx, n_idx, qty = triples
    policy = prep.policy
    km, cost, mode, days = pair_routes(prep, o_idx, n_idx)
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
