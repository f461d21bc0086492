"""Offers and needs as numpy arrays, with their compatibility classes and places.

Every later stage (network, checker, explanations, suggestions) works on this one flat view.
Records that share a standard and certificate set share an *offer class*; records that share
accepted standards and a jurisdiction share a *need class*; records at identical coordinates
share a *place*. The whole speed of the matcher comes from how few of each there are.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from aidregistry.domain.certification import (
    Equivalence,
    RouteKey,
    Standard,
    compatibility,
    need_route_keys,
    offer_route_keys,
)
from aidregistry.domain.matching.costs import (
    day_number,
    expiry_day,
    mode_mask,
    start_day,
)
from aidregistry.domain.matching.model import Need, Offer, Policy

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
H = TypeVar("H", bound=Hashable)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Prepared:
    """A flat, array-based view of one matching instance."""

    policy: Policy
    o_place: IntArray
    o_start: IntArray
    o_expiry: IntArray
    o_modes: IntArray
    o_supply: IntArray
    o_class: IntArray
    n_place: IntArray
    n_deadline: IntArray
    n_demand: IntArray
    n_class: IntArray
    n_weight: IntArray
    n_priority: IntArray
    place_lat: FloatArray
    place_lon: FloatArray
    offer_classes: tuple[tuple[str, frozenset[str]], ...]
    need_classes: tuple[tuple[frozenset[str], str], ...]
    o_class_keys: BoolArray  # (offer classes, route keys)
    n_class_keys: BoolArray  # (need classes, route keys)
    keys: tuple[RouteKey, ...]

    @property
    def n_offers(self) -> int:
        """Number of offers."""
        return int(self.o_supply.size)

    @property
    def n_needs(self) -> int:
        """Number of needs."""
        return int(self.n_demand.size)

    def subset(self, offers: IntArray, needs: IntArray) -> Prepared:
        """The same instance restricted to some offers and needs (in the given order)."""
        return replace(
            self,
            o_place=self.o_place[offers],
            o_start=self.o_start[offers],
            o_expiry=self.o_expiry[offers],
            o_modes=self.o_modes[offers],
            o_supply=self.o_supply[offers],
            o_class=self.o_class[offers],
            n_place=self.n_place[needs],
            n_deadline=self.n_deadline[needs],
            n_demand=self.n_demand[needs],
            n_class=self.n_class[needs],
            n_weight=self.n_weight[needs],
            n_priority=self.n_priority[needs],
        )


def sum_by(index: IntArray, values: IntArray, size: int) -> IntArray:
    """Exact sums of ``values`` per ``index`` (``np.bincount`` sums in float64, which rounds
    quantities beyond 2**53)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


def _index(firsts: Sequence[H], seconds: Sequence[K]) -> tuple[IntArray, list[tuple[H, K]]]:
    """Dense ids of the (first, second) pairs, in order of first appearance.

    Looked up through one dict per first value, so that no tuple is made per record: at 100,000
    records the tuples alone set off enough garbage collections to double the time.
    """
    ids: dict[H, dict[K, int]] = {}
    pairs: list[tuple[H, K]] = []

    def dense(first: H, second: K) -> int:
        inner = ids.setdefault(first, {})
        found = inner.get(second)
        if found is None:
            found = inner[second] = len(pairs)
            pairs.append((first, second))
        return found

    out = np.fromiter(map(dense, firsts, seconds), np.int64, len(firsts))
    return out, pairs


def _places(offers: Sequence[Offer], needs: Sequence[Need]) -> tuple[IntArray, FloatArray]:
    """Place ids of all records (offers first) and the coordinates of each place."""
    lat = np.asarray([o.lat for o in offers] + [n.lat for n in needs], np.float64)
    lon = np.asarray([o.lon for o in offers] + [n.lon for n in needs], np.float64)
    # As complex numbers the pairs sort by latitude, then longitude, in one fast 1-D unique.
    points, inverse = np.unique(lat + 1j * lon, return_inverse=True)
    coords = np.stack([points.real, points.imag], axis=1)
    return inverse.reshape(-1).astype(np.int64), coords


def prepare(
    offers: Sequence[Offer],
    needs: Sequence[Need],
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
    policy: Policy,
) -> Prepared:
    """Build the array view of an instance."""
    run = policy.run_date
    o_class, o_cls = _index([o.standard for o in offers], [o.certificates for o in offers])
    n_class, n_cls = _index([n.accepted_standards for n in needs], [n.jurisdiction for n in needs])
    o_keys = [offer_route_keys(s, c, run, standards, equivalences) for s, c in o_cls]
    n_keys = [need_route_keys(a, j, run, equivalences) for a, j in n_cls]
    keys = sorted(set().union(*o_keys, *n_keys), key=repr)
    key_id = {k: i for i, k in enumerate(keys)}
    o_mat = np.zeros((len(o_keys), len(keys)), dtype=bool)
    n_mat = np.zeros((len(n_keys), len(keys)), dtype=bool)
    for row, ks in enumerate(o_keys):
        o_mat[row, [key_id[k] for k in ks]] = True
    for row, ks in enumerate(n_keys):
        n_mat[row, [key_id[k] for k in ks]] = True
    place, coords = _places(offers, needs)
    n_o = len(offers)

    def ints(values: Sequence[int] | list[int]) -> IntArray:
        return np.asarray(values, dtype=np.int64).reshape(-1)

    return Prepared(
        policy=policy,
        o_place=place[:n_o],
        o_start=ints([start_day(o, run) for o in offers]),
        o_expiry=ints([expiry_day(o, run) for o in offers]),
        o_modes=ints([mode_mask(o.modes) for o in offers]),
        o_supply=ints([o.quantity for o in offers]),
        o_class=o_class,
        n_place=place[n_o:],
        n_deadline=ints([day_number(n.needed_by, run) for n in needs]),
        n_demand=ints([n.quantity for n in needs]),
        n_class=n_class,
        n_weight=ints([policy.weight(n.priority) for n in needs]),
        n_priority=ints([n.priority for n in needs]),
        place_lat=np.ascontiguousarray(coords[:, 0]) if coords.size else np.zeros(0),
        place_lon=np.ascontiguousarray(coords[:, 1]) if coords.size else np.zeros(0),
        offer_classes=tuple(o_cls),
        need_classes=tuple(n_cls),
        o_class_keys=o_mat,
        n_class_keys=n_mat,
        keys=tuple(keys),
    )


def class_compatibility(
    prepared: Prepared,
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
) -> BoolArray:
    """(offer class × need class) compatibility decided by the certification rule itself.

    Deliberately independent of the route keys, so the checker does not trust the reduction.
    """
    run = prepared.policy.run_date
    out = np.zeros((len(prepared.offer_classes), len(prepared.need_classes)), dtype=bool)
    for a, (std, certs) in enumerate(prepared.offer_classes):
        for b, (accepted, juris) in enumerate(prepared.need_classes):
            decision = compatibility(std, certs, accepted, juris, run, standards, equivalences)
            out[a, b] = decision is not None
    return out
