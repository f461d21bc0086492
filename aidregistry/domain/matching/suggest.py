"""Top-k suggestions: the best offers for a need and the best needs for an offer.

Index once, query many times. Per route key (see :mod:`aidregistry.domain.certification`)
the distinct *places* of the indexed records go into a ``scipy.spatial.cKDTree`` of 3-D unit
vectors (chord length is monotone in great-circle distance, so Euclidean k-NN is exact). A
query visits the nearest places, scores every record there with the matcher's own rule
(feasible pairs only: in time, before expiry, by a usable mode), and widens the search until
no unvisited place can beat the k-th score: an unvisited place is at least as far as the
farthest visited one, so its cost is at least the cheapest mode weight times that distance.
Results are therefore exact top-k, not approximate.

Scores: the unit cost; with duals from the last solve, the *reduced* cost — ``cost + α`` for
an offer (its opportunity cost) and ``cost − β`` for a need (its marginal value), which is
what the optimiser itself would look at (research/matching.md §6).
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
)
from aidregistry.domain.matching.model import Certificate, Mode, Need, Offer, Policy
from aidregistry.domain.matching.prepare import prepare

IntArray = npt.NDArray[np.int64]
FIRST_PLACES = 8


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
    """Records of one route key on one side, grouped by place, with a k-d tree of places."""

    tree: cKDTree
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    indptr: IntArray
    members: IntArray  # record indices, grouped by place

    @classmethod
    def build(
        cls,
        place: IntArray,
        records: IntArray,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
    ) -> _Side:
        """Group ``records`` (with their place ids) by place."""
        order = np.argsort(place[records], kind="stable")
        members = records[order]
        places, counts = np.unique(place[members], return_counts=True)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(
            cKDTree(unit_vectors(lat[places], lon[places])),
            lat[places],
            lon[places],
            indptr,
            members,
        )

    def near(self, point: npt.NDArray[np.float64], k: int) -> tuple[IntArray, float, bool]:
        """Members of the k nearest places, the farthest chord, and whether all were seen."""
        n = self.indptr.size - 1
        k = min(k, n)
        dist, idx = self.tree.query(point, k=k)
        idx, dist = np.atleast_1d(idx), np.atleast_1d(dist)
        parts = [self.members[self.indptr[p] : self.indptr[p + 1]] for p in idx.tolist()]
        return np.concatenate(parts), float(dist.max()), k == n


@dataclass(frozen=True)
class _Scored:
    """Feasible candidates of one search step."""

    index: IntArray
    score: IntArray
    cost: IntArray
    km: IntArray
    mode: IntArray
    days: IntArray


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
        prep = prepare(offers, needs, standards, equivalences, policy)
        self._prep, self._offers, self._needs = prep, list(offers), list(needs)
        self._standards, self._equivalences, self._policy = standards, equivalences, policy
        lat, lon = prep.place_lat, prep.place_lon
        self._offer_side: dict[RouteKey, _Side] = {}
        self._need_side: dict[RouteKey, _Side] = {}
        for k, key in enumerate(prep.keys):
            o = np.flatnonzero(prep.o_class_keys[prep.o_class, k] & (prep.o_supply > 0))
            n = np.flatnonzero(prep.n_class_keys[prep.n_class, k] & (prep.n_demand > 0))
            if o.size:
                self._offer_side[key] = _Side.build(prep.o_place, o, lat, lon)
            if n.size:
                self._need_side[key] = _Side.build(prep.n_place, n, lat, lon)
        zeros_o, zeros_n = np.zeros(prep.n_offers, np.int64), np.zeros(prep.n_needs, np.int64)
        self._alpha = zeros_o if certificate is None else np.asarray(certificate.phase2.offer)
        self._beta = zeros_n if certificate is None else np.asarray(certificate.phase2.need)
        self._w_min = min(m.cost_weight for m in policy.modes.values())
        self._offer_ids = (tuple(o.id for o in offers), _ranks([o.id for o in offers]))
        self._need_ids = (tuple(n.id for n in needs), _ranks([n.id for n in needs]))

    def best_offers(self, need: Need, k: int = 5) -> list[Suggestion]:
        """The k feasible offers with the lowest (reduced) unit cost for ``need``."""
        p, run = self._prep, self._policy.run_date
        keys = need_route_keys(need.accepted_standards, need.jurisdiction, run, self._equivalences)
        deadline = np.asarray(day_number(need.needed_by, run), np.int64)
        lat, lon = p.place_lat[p.o_place], p.place_lon[p.o_place]
        floor = int(self._alpha.min()) if self._alpha.size else 0

        def evaluate(m: IntArray) -> _Scored:
            km = rounded_km(lat[m], lon[m], need.lat, need.lon)
            cost, mode, days = best_routes(
                km, p.o_start[m], p.o_expiry[m], p.o_modes[m], deadline, self._policy
            )
            return _Scored(m, cost + self._alpha[m], cost, km, mode, days)

        sides = [self._offer_side[key] for key in keys if key in self._offer_side]
        point = unit_vectors([need.lat], [need.lon])[0]
        return self._rank(sides, point, evaluate, floor, k, self._offer_ids)

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
        floor = -int(self._beta.max()) if self._beta.size else 0

        def evaluate(m: IntArray) -> _Scored:
            km = rounded_km(offer.lat, offer.lon, lat[m], lon[m])
            cost, mode, days = best_routes(km, start, expiry, modes, p.n_deadline[m], self._policy)
            return _Scored(m, cost - self._beta[m], cost, km, mode, days)

        sides = [self._need_side[key] for key in keys if key in self._need_side]
        point = unit_vectors([offer.lat], [offer.lon])[0]
        return self._rank(sides, point, evaluate, floor, k, self._need_ids)

    def _rank(
        self,
        sides: list[_Side],
        point: npt.NDArray[np.float64],
        evaluate: _Evaluate,
        floor: int,
        k: int,
        ids: tuple[Sequence[str], IntArray],
    ) -> list[Suggestion]:
        """Exact top-k over several sides (route keys), merged by record."""
        best: dict[int, Suggestion] = {}
        for side in sides:
            for s in self._search(side, point, evaluate, floor, k, ids):
                i = int(s[0])
                if i not in best or s[1].score < best[i].score:
                    best[i] = s[1]
        return sorted(best.values(), key=lambda s: (s.score, s.id))[:k]

    def _search(
        self,
        side: _Side,
        point: npt.NDArray[np.float64],
        evaluate: _Evaluate,
        floor: int,
        k: int,
        ids: tuple[Sequence[str], IntArray],
    ) -> list[tuple[int, Suggestion]]:
        """Widen the place search until no unvisited place can enter the top k."""
        names, ranks = ids
        places = FIRST_PLACES
        while True:
            members, chord, seen_all = side.near(point, places)
            s = evaluate(members)
            ok = s.cost >= 0
            # Ties are broken by id, as in the final ranking, so truncation keeps the same ones.
            order = np.lexsort((ranks[s.index[ok]], s.score[ok]))[:k]
            top = [
                (
                    int(s.index[ok][i]),
                    Suggestion(
                        names[int(s.index[ok][i])],
                        int(s.score[ok][i]),
                        int(s.cost[ok][i]),
                        int(s.km[ok][i]),
                        MODE_ORDER[int(s.mode[ok][i])],
                        int(s.days[ok][i]),
                    ),
                )
                for i in order.tolist()
            ]
            bound = self._w_min * int(np.rint(chord_to_km(chord))) + floor
            if seen_all or (len(top) == k and top[-1][1].score < bound):
                return top
            places *= 4


_Evaluate = Callable[[IntArray], _Scored]


def _ranks(ids: Sequence[str]) -> IntArray:
    """Position of each id in sorted order, for tie-breaking by id inside numpy."""
    order = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    rank = np.empty(len(ids), np.int64)
    rank[order] = np.arange(len(ids))
    return rank
