"""Allocation records and totals from (offer, need, quantity) triples.

Mode, km and unit cost are recomputed from the model's rule for each pair (vectorised, from the
records' days, modes and places in :class:`~.prepare.Prepared`), so what is reported never
depends on the route the flow happened to take through the network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import mul

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard, compatibility
from aidregistry.domain.geo import rounded_km
from aidregistry.domain.matching.costs import MODE_ORDER, best_routes
from aidregistry.domain.matching.model import Allocation, Need, Offer, Totals
from aidregistry.domain.matching.prepare import Prepared, sum_by

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
    routes: tuple[IntArray, IntArray, IntArray, IntArray],
) -> list[Allocation]:
    """Allocation records of the triples, in their order, with their :func:`pair_routes`;
    raises if a pair is infeasible."""
    o_idx, n_idx, qty = triples
    km, cost, mode, days = routes
    late = np.flatnonzero(cost < 0)
    if late.size:
        i, j = int(o_idx[late[0]]), int(n_idx[late[0]])
        raise InfeasibleAllocationError(f"{offers[i].id} → {needs[j].id}: cannot arrive in time")
    notes = _substitution_notes(offers, needs, standards, equivalences, prep, o_idx, n_idx)
    out = [
        Allocation(offers[i].id, needs[j].id, q, MODE_ORDER[m], k, c, d, note)
        for i, j, q, m, k, c, d, note in zip(
            o_idx.tolist(),
            n_idx.tolist(),
            qty.tolist(),
            mode.tolist(),
            km.tolist(),
            cost.tolist(),
            days.tolist(),
            notes,
            strict=True,
        )
    ]
    return out


def _substitution_notes(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    prep: Prepared,
    o_idx: IntArray,
    n_idx: IntArray,
) -> list[str | None]:
    """Per pair, the substitution's note (None when the standard is accepted as it is),
    decided by the certification rule once per (offer class, need class)."""
    n_classes = len(prep.need_classes)
    classes, inverse = np.unique(
        prep.o_class[o_idx] * n_classes + prep.n_class[n_idx], return_inverse=True
    )
    inverse = inverse.reshape(-1)
    notes: list[str | None] = []
    for at, pair_class in enumerate(classes.tolist()):
        (std, certs), (accepted, juris) = (
            prep.offer_classes[pair_class // n_classes],
            prep.need_classes[pair_class % n_classes],
        )
        decision = compatibility(
            std, certs, accepted, juris, prep.policy.run_date, standards, equivalences
        )
        if decision is None:
            first = int(np.argmax(inverse == at))
            i, j = int(o_idx[first]), int(n_idx[first])
            raise InfeasibleAllocationError(f"{offers[i].id} → {needs[j].id}: incompatible")
        notes.append(None if decision.substitution is None else decision.note)
    return [notes[c] for c in inverse.tolist()]


def totals_of(
    prep: Prepared, n_idx: IntArray, qty: IntArray, unit_cost: IntArray, km: IntArray
) -> Totals:
    """Weighted coverage, transport cost, unit·km and coverage per priority of the pairs."""
    got = sum_by(n_idx, qty, prep.n_needs)
    levels = sorted(prep.policy.priority_weights)  # every need's priority is one of them
    of_level = [prep.n_priority == p for p in levels]
    covered = {p: int(got[mask].sum()) for p, mask in zip(levels, of_level, strict=True)}
    demand = {p: int(prep.n_demand[mask].sum()) for p, mask in zip(levels, of_level, strict=True)}
    return Totals(
        weighted_coverage=sum(prep.policy.weight(p) * q for p, q in covered.items()),
        transport_cost=sum(map(mul, qty.tolist(), unit_cost.tolist())),
        unit_km=sum(map(mul, qty.tolist(), km.tolist())),
        covered_by_priority=covered,
        demand_by_priority=demand,
    )
