"""An independent checker of the solver's optimality certificate.

It trusts nothing of the reduced network: compatibility is decided by the certification rule
per (offer class, need class), and feasibility and unit cost by the model's rule on *every*
original offer × need pair. Records with identical place, class, modes and days face exactly
the same pairs, so the dual constraints are checked once per group with the group's tightest
price (smallest offer price, largest need price) — which is the same as checking each record.
Offers without quantity and needs without demand take part in no pair and are skipped.

Phase 1 (weighted uncovered, minimised), duals α ≥ 0 per offer, β per need:
    β_j ≤ weight_j,  β_j ≤ α_i on feasible pairs,  Σ d_j β_j − Σ s_i α_i = Σ weight_j · unmet_j.
Phase 2 (transport, minimised, with unmet_L fixed per (group, weight level) L), duals α ≥ 0,
β, γ:
    β_j ≤ γ_level(j),  β_j − α_i ≤ cost_ij on feasible pairs,
    Σ d_j β_j − Σ s_i α_i − Σ unmet_L γ_L = Σ quantity · unit cost.
By weak LP duality each equality proves the allocation optimal for its phase; by the
polymatroid property (see :mod:`.solver`), the phase 2 feasible set is exactly the set of
weighted-coverage optima, so together they prove lexicographic optimality. The polymatroid
argument is applied per certificate group, which is valid because the checker verifies that
no feasible pair joins two groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import Equivalence, Standard
from aidregistry.domain.geo import rounded_km
from aidregistry.domain.matching.costs import MODE_ORDER, best_routes
from aidregistry.domain.matching.model import Allocation, Certificate, Need, Offer, Policy
from aidregistry.domain.matching.prepare import Prepared, class_compatibility, prepare, sum_by

IntArray = npt.NDArray[np.int64]
CHUNK_CELLS = 1 << 21


@dataclass(frozen=True)
class CheckReport:
    """The verdict of :func:`check_certificate` and the figures behind it."""

    ok: bool
    problems: tuple[str, ...]
    weighted_uncovered: int
    phase1_bound: int
    transport_cost: int
    phase2_bound: int
    group_pairs_checked: int

    @property
    def gap(self) -> float:
        """Proven relative gap of the transport cost (0.0 when optimal)."""
        if self.transport_cost == 0:
            return 0.0
        return (self.transport_cost - self.phase2_bound) / self.transport_cost


@dataclass(frozen=True)
class _Primal:
    """The allocation as arrays plus per-record sums."""

    o_idx: IntArray
    n_idx: IntArray
    qty: IntArray
    cost: IntArray
    covered: IntArray
    used: IntArray


def _dot(a: IntArray, b: IntArray) -> int:
    """Exact integer dot product (Python ints: no overflow)."""
    return sum(x * y for x, y in zip(a.tolist(), b.tolist(), strict=True))


def _primal(
    prep: Prepared,
    offers: Sequence[Offer],
    needs: Sequence[Need],
    compat: npt.NDArray[np.bool_],
    allocations: Sequence[Allocation],
    problems: list[str],
) -> _Primal:
    """Check every allocation's pair, quantity, mode and cost; sum per record."""
    o_pos = {o.id: i for i, o in enumerate(offers)}
    n_pos = {n.id: j for j, n in enumerate(needs)}
    known = [a for a in allocations if a.offer_id in o_pos and a.need_id in n_pos]
    if len(known) < len(allocations):
        problems.append("allocation names an unknown offer or need")
    o_idx = np.asarray([o_pos[a.offer_id] for a in known], np.int64).reshape(-1)
    n_idx = np.asarray([n_pos[a.need_id] for a in known], np.int64).reshape(-1)
    qty = np.asarray([a.quantity for a in known], np.int64).reshape(-1)
    lat, lon = prep.place_lat, prep.place_lon
    op, np_ = prep.o_place[o_idx], prep.n_place[n_idx]
    km = rounded_km(lat[op], lon[op], lat[np_], lon[np_])
    cost, mode, _ = best_routes(
        km,
        prep.o_start[o_idx],
        prep.o_expiry[o_idx],
        prep.o_modes[o_idx],
        prep.n_deadline[n_idx],
        prep.policy,
    )
    if (qty <= 0).any():
        problems.append("allocation with a non-positive quantity")
    if not compat[prep.o_class[o_idx], prep.n_class[n_idx]].all():
        problems.append("allocation between incompatible standards")
    if (cost < 0).any():
        problems.append("allocation that cannot arrive in time or before expiry")
    reported = np.asarray([[a.unit_cost, a.km] for a in known], np.int64).reshape(-1, 2)
    if ((reported[:, 0] != cost) | (reported[:, 1] != km)).any() or any(
        cost[k] >= 0 and a.mode != MODE_ORDER[int(mode[k])] for k, a in enumerate(known)
    ):
        problems.append("allocation whose km, mode or unit cost is not the cheapest usable")
    used = sum_by(o_idx, qty, prep.n_offers)
    covered = sum_by(n_idx, qty, prep.n_needs)
    if (used > prep.o_supply).any():
        problems.append("an offer is allocated more than its quantity")
    if (covered > prep.n_demand).any():
        problems.append("a need is allocated more than its quantity")
    return _Primal(o_idx, n_idx, qty, np.maximum(cost, 0), covered, used)


def _groups(columns: list[IntArray], keep: npt.NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """Group the kept records by identical columns: (first member of each group, group id)."""
    rows = np.flatnonzero(keep)
    if rows.size == 0:
        return rows, rows
    table = np.stack([c[rows] for c in columns], axis=1)
    _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    group = np.full(keep.size, -1, np.int64)
    group[rows] = inverse.reshape(-1)
    return rows[first], group


def _extreme(group: IntArray, values: IntArray, n: int, lowest: bool) -> IntArray:
    """Per group, the smallest (or largest) value of its members."""
    member = group >= 0
    out = np.full(n, np.iinfo(np.int64).max if lowest else np.iinfo(np.int64).min, np.int64)
    (np.minimum if lowest else np.maximum).at(out, group[member], values[member])
    return out


def _pair_violations(
    prep: Prepared,
    compat: npt.NDArray[np.bool_],
    a: tuple[IntArray, IntArray],
    b: tuple[IntArray, IntArray],
    labels: tuple[IntArray, IntArray],
) -> tuple[int, int, int, int]:
    """Count violated phase-1, phase-2 and group constraints over all feasible pairs."""
    o_label, n_label = labels
    o_first, o_group = _groups(
        [prep.o_place, prep.o_class, prep.o_modes, prep.o_start, prep.o_expiry, o_label],
        prep.o_supply > 0,
    )
    n_first, n_group = _groups(
        [prep.n_place, prep.n_class, prep.n_deadline, n_label], prep.n_demand > 0
    )
    a1, a2 = (_extreme(o_group, x, o_first.size, lowest=True) for x in a)
    b1, b2 = (_extreme(n_group, x, n_first.size, lowest=False) for x in b)
    bad1 = bad2 = cross = checked = 0
    lat, lon = prep.place_lat, prep.place_lon
    for oc, nc in zip(*np.nonzero(compat), strict=True):
        og = np.flatnonzero(prep.o_class[o_first] == oc)
        ng = np.flatnonzero(prep.n_class[n_first] == nc)
        if og.size == 0 or ng.size == 0:
            continue
        oi, nj = o_first[og], n_first[ng]
        q = prep.n_place[nj][None, :]
        step = max(1, CHUNK_CELLS // ng.size)
        for lo in range(0, og.size, step):
            rows, oir = og[lo : lo + step], oi[lo : lo + step]
            p = prep.o_place[oir][:, None]
            km = rounded_km(lat[p], lon[p], lat[q], lon[q])
            cost, _, _ = best_routes(
                km,
                prep.o_start[oir][:, None],
                prep.o_expiry[oir][:, None],
                prep.o_modes[oir][:, None],
                prep.n_deadline[nj][None, :],
                prep.policy,
            )
            feasible = cost >= 0
            bad1 += int((feasible & (b1[ng][None, :] > a1[rows][:, None])).sum())
            bad2 += int((feasible & (b2[ng][None, :] - a2[rows][:, None] > cost)).sum())
            cross += int((feasible & (o_label[oir][:, None] != n_label[nj][None, :])).sum())
            checked += int(feasible.sum())
    return bad1, bad2, cross, checked


def check_certificate(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    policy: Policy,
    allocations: Sequence[Allocation],
    certificate: Certificate,
) -> CheckReport:
    """Verify that ``allocations`` is lexicographically optimal using ``certificate``."""
    prep = prepare(offers, needs, standards, equivalences, policy)
    compat = class_compatibility(prep, standards, equivalences)
    problems: list[str] = []
    primal = _primal(prep, offers, needs, compat, allocations, problems)
    c1, c2 = certificate.phase1, certificate.phase2
    if not (len(c1.offer) == len(c2.offer) == prep.n_offers) or not (
        len(c1.need) == len(c2.need) == prep.n_needs
    ):
        problems.append("certificate does not match the instance's size")
        return CheckReport(False, tuple(problems), 0, 0, 0, 0, 0)
    a1, b1, a2, b2 = (
        np.asarray(v, np.int64).reshape(-1) for v in (c1.offer, c1.need, c2.offer, c2.need)
    )
    unmet = prep.n_demand - primal.covered
    weighted_unmet = _dot(prep.n_weight, unmet)
    bound1 = _dot(prep.n_demand, b1) - _dot(prep.o_supply, a1)
    gamma = _level_checks(prep, unmet, certificate, b2, problems)
    if len(certificate.offer_group) != prep.n_offers or len(certificate.need_group) != prep.n_needs:
        problems.append("certificate groups do not match the instance's size")
        return CheckReport(False, tuple(problems), 0, 0, 0, 0, 0)
    bound2 = _dot(prep.n_demand, b2) - _dot(prep.o_supply, a2) - gamma
    transport = _dot(primal.qty, primal.cost)
    if ((a1 < 0) & (prep.o_supply > 0)).any() or ((a2 < 0) & (prep.o_supply > 0)).any():
        problems.append("negative offer price")
    if ((b1 > prep.n_weight) & (prep.n_demand > 0)).any():
        problems.append("phase 1 need price above the need's weight")
    labels = (
        np.asarray(certificate.offer_group, np.int64).reshape(-1),
        np.asarray(certificate.need_group, np.int64).reshape(-1),
    )
    bad1, bad2, cross, checked = _pair_violations(prep, compat, (a1, a2), (b1, b2), labels)
    if cross:
        problems.append(f"{cross} feasible pair groups cross two certificate groups")
    if bad1:
        problems.append(f"phase 1 dual infeasible on {bad1} pair groups")
    if bad2:
        problems.append(f"phase 2 dual infeasible on {bad2} pair groups")
    if bound1 != weighted_unmet:
        problems.append(f"phase 1 bound {bound1} != weighted uncovered {weighted_unmet}")
    if bound2 != transport:
        problems.append(f"phase 2 bound {bound2} != transport cost {transport}")
    return CheckReport(
        not problems, tuple(problems), weighted_unmet, bound1, transport, bound2, checked
    )


def _level_checks(
    prep: Prepared,
    unmet: IntArray,
    certificate: Certificate,
    b2: IntArray,
    problems: list[str],
) -> int:
    """Check unmet quantities per (group, weight level) and β ≤ γ; return Σ unmet · γ."""
    levels, gamma = certificate.uncovered_by_level, certificate.phase2.level
    if len(certificate.need_group) != prep.n_needs:
        return 0
    group = np.asarray(certificate.need_group, np.int64).reshape(-1)
    total = 0
    pairs = np.unique(np.stack([group, prep.n_weight], axis=1), axis=0).tolist()
    for g, w in pairs:
        members = (group == g) & (prep.n_weight == w)
        key = (g, w)
        if int(unmet[members].sum()) != levels.get(key, -1) or key not in gamma:
            problems.append(f"uncovered quantity of group {g}, weight {w} differs")
            continue
        if (b2[members & (prep.n_demand > 0)] > gamma[key]).any():
            problems.append(f"phase 2 need price above its level price (group {g}, weight {w})")
        total += levels[key] * gamma[key]
    return total
