"""Top-k suggestions: the best offers for a need and the best needs for an offer.

Index once, query many times. Per route key (see :mod:`aidregistry.domain.certification`)
the distinct *places* of the indexed records go into a ``scipy.spatial.cKDTree`` of 3-D unit
vectors (chord length is monotone in great-circle distance, so Euclidean k-NN is exact). A
query visits the nearest places, scores every record there with the matcher's own rule
(feasible pairs only: in time, before expiry, by a usable mode), and widens the search until
no unvisited place can beat the k-th score: an unvisited place is at least as far as the
farthest visited one, so its cost is at least the cheapest mode weight times that distance.
Results are therefore exact top-k, not approximate.

Records at one place that share what the rule looks at (modes, start and expiry days for
offers; the deadline for needs) form a *group*, evaluated once per query; its members are
pre-sorted by price and id, so only the first k of a feasible group can make the top k.
Hubs with thousands of lots thus cost a few hundred evaluations, not thousands.

Scores: the unit cost; with duals from the last solve, the *reduced* cost — ``cost + α`` for
an offer (its opportunity cost) and ``cost − β`` for a need (its marginal value), which is
what the optimiser itself would look at (research/matching.md §6). Where a priority level was
left partly uncovered, those duals carry the solver's price of coverage, so an offer that the
optimum needs for heavier needs elsewhere ranks after ones that can be spared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from aidregistry.domain.certification import (
    Equivalence,
    RouteKey,
    Standard,
    need_route_keys,
    offer_route_keys,
)
from aidregistry.domain.geo import chord_to_km, rounded_km, unit_vectors
from aidregistry.domain.matching.costs import (
    MODE_ORDER,
    best_routes,
    day_number,
    expiry_day,
    mode_mask,
    start_day,
    transit_days,
)
from aidregistry.domain.matching.model import Certificate, Mode, Need, Offer, Policy
from aidregistry.domain.matching.prepare import prepare

IntArray = npt.NDArray[np.int64]
FIRST_PLACES = 8
ALL_MODES = (1 << len(MODE_ORDER)) - 1


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One ranked candidate."""

    id: str
    score: int
    unit_cost: int
    km: int
    mode: Mode
    transit_days: int


@dataclass(frozen=True)
class _Side:
    """Records of one route key, in groups of identical place and signature, with a tree."""

    tree: cKDTree
    place_groups: IntArray  # group range of each place (indptr)
    group_rep: IntArray  # one record of each group, to evaluate the rule on
    group_members: IntArray  # member range of each group (indptr)
    members: IntArray  # records: by place, signature, then price and id rank

    @classmethod
    def build(
        cls,
        place: IntArray,
        records: IntArray,
        signature: list[IntArray],
        order: tuple[IntArray, IntArray],
        coords: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    ) -> _Side:
        """Group ``records``; ``order`` = (price, id rank) sorts members inside a group."""
        price, rank = order
        columns = [place[records], *(s[records] for s in signature)]
        m = records[np.lexsort([rank[records], price[records], *reversed(columns)])]
        table = np.stack([place[m], *(s[m] for s in signature)], axis=1)
        first = np.concatenate([[0], np.flatnonzero((table[1:] != table[:-1]).any(axis=1)) + 1])
        group_place = place[m[first]]
        places, place_first = np.unique(group_place, return_index=True)
        lat, lon = coords
        return cls(
            cKDTree(unit_vectors(lat[places], lon[places])),
            np.append(place_first, first.size).astype(np.int64),
            m[first],
            np.append(first, m.size).astype(np.int64),
            m,
        )

    def near(
        self, point: npt.NDArray[np.float64], k: int, seen: npt.NDArray[np.bool_]
    ) -> tuple[IntArray, float, bool]:
        """Groups at the k nearest places not yet ``seen`` (marked now), the farthest chord,
        and whether every place has been seen."""
        n = self.place_groups.size - 1
        k = min(k, n)
        dist, idx = self.tree.query(point, k=k)
        idx = np.atleast_1d(idx)
        fresh = idx[~seen[idx]]
        seen[fresh] = True
        return _ranges(self.place_groups, fresh), float(np.max(dist)), k == n

    @property
    def n_places(self) -> int:
        """Number of distinct places."""
        return int(self.place_groups.size - 1)

    def leading(self, groups: IntArray, k: int) -> tuple[IntArray, IntArray]:
        """The first k members of each group, and the position of their group in ``groups``."""
        starts = self.group_members[groups]
        counts = np.minimum(self.group_members[groups + 1] - starts, k)
        owner = np.repeat(np.arange(groups.size), counts)
        offsets = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
        return self.members[starts[owner] + offsets], owner


def _ranges(indptr: IntArray, rows: IntArray) -> IntArray:
    """Concatenated ``range(indptr[r], indptr[r + 1])`` for each row."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.asarray(np.repeat(starts, counts) + offsets, dtype=np.int64)


Rule = Callable[[IntArray], tuple[IntArray, IntArray, IntArray, IntArray]]
NO_BOUND = np.iinfo(np.int64).max


def _cost_floor(policy: Policy, km: int, days_left: int, modes: int) -> int:
    """Least unit cost any pair at ``km`` or farther can have, given the days left.

    A mode whose transit at ``km`` already exceeds ``days_left`` is unusable farther away too
    (transit grows with distance), so only the remaining modes' weights count; none left means
    nothing farther can be feasible.
    """
    weights = [
        policy.modes[mode].cost_weight
        for bit, mode in enumerate(MODE_ORDER)
        if (modes >> bit) & 1
        and mode in policy.modes
        and transit_days(policy.modes[mode], km) <= days_left
    ]
    return min(weights) * km if weights else int(NO_BOUND)


class SuggestionIndex:
    """Offers and needs indexed for top-k queries (see the module docstring)."""

    def __init__(
        self,
        offers: Sequence[Offer],
        needs: Sequence[Need],
        standards: Mapping[str, Standard],
        equivalences: Sequence[Equivalence],
        policy: Policy,
        certificate: Certificate | None = None,
    ) -> None:
        """Index the records; ``certificate`` (phase 2 duals) turns on reduced costs."""
        p = prepare(offers, needs, standards, equivalences, policy)
        self._prep, self._standards, self._equivalences, self._policy = (
            p,
            standards,
            equivalences,
            policy,
        )
        self._offer_ids = tuple(o.id for o in offers)
        self._need_ids = tuple(n.id for n in needs)
        o_rank, n_rank = _ranks(self._offer_ids), _ranks(self._need_ids)
        zeros_o, zeros_n = np.zeros(p.n_offers, np.int64), np.zeros(p.n_needs, np.int64)
        # Price added to the unit cost: the offer's α, or minus the need's β (lower = better).
        self._o_price = zeros_o if certificate is None else np.asarray(certificate.phase2.offer)
        self._n_price = zeros_n if certificate is None else -np.asarray(certificate.phase2.need)
        self._o_rank, self._n_rank = o_rank, n_rank
        coords = (p.place_lat, p.place_lon)
        self._offer_side: dict[RouteKey, _Side] = {}
        self._need_side: dict[RouteKey, _Side] = {}
        for k, key in enumerate(p.keys):
            o = np.flatnonzero(p.o_class_keys[p.o_class, k] & (p.o_supply > 0))
            n = np.flatnonzero(p.n_class_keys[p.n_class, k] & (p.n_demand > 0))
            if o.size:
                self._offer_side[key] = _Side.build(
                    p.o_place,
                    o,
                    [p.o_modes, p.o_start, p.o_expiry],
                    (self._o_price, o_rank),
                    coords,
                )
            if n.size:
                self._need_side[key] = _Side.build(
                    p.n_place, n, [p.n_deadline], (self._n_price, n_rank), coords
                )

    def best_offers(self, need: Need, k: int = 5) -> list[Suggestion]:
        """The k feasible offers with the lowest (reduced) unit cost for ``need``."""
        p, run = self._prep, self._policy.run_date
        keys = need_route_keys(need.accepted_standards, need.jurisdiction, run, self._equivalences)
        deadline = np.asarray(day_number(need.needed_by, run), np.int64)
        lat, lon = p.place_lat[p.o_place], p.place_lon[p.o_place]

        def rule(r: IntArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
            km = rounded_km(lat[r], lon[r], need.lat, need.lon)
            cost, mode, days = best_routes(
                km, p.o_start[r], p.o_expiry[r], p.o_modes[r], deadline, self._policy
            )
            return km, cost, mode, days

        sides = [self._offer_side[key] for key in keys if key in self._offer_side]
        point = unit_vectors([need.lat], [need.lon])[0]
        floor = int(self._o_price.min()) if self._o_price.size else 0
        days_left = int(deadline) - (int(p.o_start.min()) if p.n_offers else 0)

        def bound(km: int) -> int:
            least = _cost_floor(self._policy, km, days_left, ALL_MODES)
            return least if least == NO_BOUND else least + floor

        lists = (self._offer_ids, self._o_rank, self._o_price)
        return self._rank(sides, point, rule, bound, k, lists)

    def best_needs(self, offer: Offer, k: int = 5) -> list[Suggestion]:
        """The k feasible needs with the lowest unit cost (minus need price) for ``offer``."""
        p, run = self._prep, self._policy.run_date
        keys = offer_route_keys(
            offer.standard, offer.certificates, run, self._standards, self._equivalences
        )
        start = np.asarray(start_day(offer, run), np.int64)
        expiry = np.asarray(expiry_day(offer, run), np.int64)
        modes = np.asarray(mode_mask(offer.modes), np.int64)
        lat, lon = p.place_lat[p.n_place], p.place_lon[p.n_place]

        def rule(r: IntArray) -> tuple[IntArray, IntArray, IntArray, IntArray]:
            km = rounded_km(offer.lat, offer.lon, lat[r], lon[r])
            cost, mode, days = best_routes(km, start, expiry, modes, p.n_deadline[r], self._policy)
            return km, cost, mode, days

        sides = [self._need_side[key] for key in keys if key in self._need_side]
        point = unit_vectors([offer.lat], [offer.lon])[0]
        floor = int(self._n_price.min()) if self._n_price.size else 0
        latest = int(p.n_deadline.max()) if p.n_needs else 0
        # Arrival must be by the latest deadline and before expiry.
        days_left = min(latest, int(expiry) - 1) - int(start)

        def bound(km: int) -> int:
            least = _cost_floor(self._policy, km, days_left, int(modes))
            return least if least == NO_BOUND else least + floor

        lists = (self._need_ids, self._n_rank, self._n_price)
        return self._rank(sides, point, rule, bound, k, lists)

    def _rank(
        self,
        sides: list[_Side],
        point: npt.NDArray[np.float64],
        rule: Rule,
        bound: Callable[[int], int],
        k: int,
        lists: tuple[Sequence[str], IntArray, IntArray],
    ) -> list[Suggestion]:
        """Exact top-k over several sides (route keys), merged by record."""
        best: dict[str, Suggestion] = {}
        for side in sides:
            for s in self._search(side, point, rule, bound, k, lists):
                if s.id not in best or s.score < best[s.id].score:
                    best[s.id] = s
        return sorted(best.values(), key=lambda s: (s.score, s.id))[:k]

    def _search(
        self,
        side: _Side,
        point: npt.NDArray[np.float64],
        rule: Rule,
        bound: Callable[[int], int],
        k: int,
        lists: tuple[Sequence[str], IntArray, IntArray],
    ) -> list[Suggestion]:
        """Widen the place search until no unvisited place can enter the top k."""
        names, ranks, price = lists
        places = FIRST_PLACES
        seen = np.zeros(side.n_places, dtype=bool)
        found: list[Suggestion] = []
        while True:
            groups, chord, seen_all = side.near(point, places, seen)
            km, cost, mode, days = rule(side.group_rep[groups])
            ok = np.flatnonzero(cost >= 0)
            members, owner = side.leading(groups[ok], k)
            g = ok[owner]
            score = cost[g] + price[members]
            # Ties are broken by id, as in the final ranking, so truncation keeps the same ones.
            top = np.lexsort((ranks[members], score))[:k].tolist()
            found += [
                Suggestion(
                    names[int(members[i])],
                    int(score[i]),
                    int(cost[g[i]]),
                    int(km[g[i]]),
                    MODE_ORDER[int(mode[g[i]])],
                    int(days[g[i]]),
                )
                for i in top
            ]
            found = sorted(found, key=lambda s: (s.score, s.id))[:k]
            # Unvisited places are at least this far: km rounds monotonically.
            least = bound(int(np.rint(chord_to_km(chord))))
            full = len(found) == k
            if seen_all or least == NO_BOUND or (full and found[-1].score < least):
                return found
            places *= 4


def _ranks(ids: Sequence[str]) -> IntArray:
    """Position of each id in sorted order, for tie-breaking by id inside numpy."""
    order = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    rank = np.empty(len(ids), np.int64)
    rank[order] = np.arange(len(ids))
    return rank
