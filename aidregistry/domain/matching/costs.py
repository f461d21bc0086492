"""Transit times, usable modes and unit costs of offer → need pairs.

One rule, two shapes: :func:`pair_route` for a single pair (explanations, brute force) and
:func:`best_routes` for arrays of pairs (the certificate checker, suggestions). Both use the
same integer arithmetic so they always agree. Days are counted from the run date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import numpy.typing as npt

from aidregistry.domain.geo import rounded_km
from aidregistry.domain.matching.model import Mode, ModePolicy, Need, Offer, Policy

# A fixed order gives every mode a bit in a mask and breaks exact ties deterministically.
MODE_ORDER: tuple[Mode, ...] = (Mode.AIR, Mode.SEA, Mode.RAIL, Mode.ROAD)
NO_EXPIRY = np.int64(1) << 40  # later than any day the matcher will ever compare with
NO_ROUTE = np.int64(-1)

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Route:
    """The cheapest usable mode of a pair."""

    mode: Mode
    km: int
    unit_cost: int
    transit_days: int


def transit_days(mode: ModePolicy, km: int) -> int:
    """Handling days plus whole travel days at the mode's speed."""
    return mode.handling_days + -(-km // mode.speed_km_per_day)


@cache
def mode_mask(modes: frozenset[Mode]) -> int:
    """Bit mask of ``modes`` in :data:`MODE_ORDER` (remembered: lots share a few sets)."""
    return sum(1 << i for i, m in enumerate(MODE_ORDER) if m in modes)


def day_number(day: date, run_date: date) -> int:
    """Days from the run date to ``day``."""
    return (day - run_date).days


def start_day(offer: Offer, run_date: date) -> int:
    """The first day (from the run date) the offer can leave."""
    return max(day_number(offer.available_from, run_date), 0)


def expiry_day(offer: Offer, run_date: date) -> int:
    """The expiry day from the run date, or :data:`NO_EXPIRY`."""
    if offer.expires_on is None:
        return int(NO_EXPIRY)
    return day_number(offer.expires_on, run_date)


def pair_km(offer: Offer, need: Need) -> int:
    """Rounded great-circle km between an offer and a need."""
    return int(rounded_km([offer.lat], [offer.lon], [need.lat], [need.lon])[0])


def pair_route(offer: Offer, need: Need, policy: Policy, km: int | None = None) -> Route | None:
    """The cheapest mode that delivers by ``needed_by`` and before expiry, or ``None``.

    Compatibility of standards is not checked here; see
    :func:`aidregistry.domain.certification.compatibility`.
    """
    km = pair_km(offer, need) if km is None else km
    start = start_day(offer, policy.run_date)
    deadline = day_number(need.needed_by, policy.run_date)
    expiry = expiry_day(offer, policy.run_date)
    best: tuple[int, int, int] | None = None
    for rank, mode in enumerate(MODE_ORDER):
        if mode not in offer.modes or mode not in policy.modes:
            continue
        days = transit_days(policy.modes[mode], km)
        if start + days <= deadline and start + days < expiry:
            candidate = (policy.modes[mode].cost_weight * km, days, rank)
            best = candidate if best is None or candidate < best else best
    if best is None:
        return None
    return Route(MODE_ORDER[best[2]], km, best[0], best[1])


def best_routes(
    km: IntArray,
    start: IntArray,
    expiry: IntArray,
    modes: IntArray,
    deadline: IntArray,
    policy: Policy,
) -> tuple[IntArray, IntArray, IntArray]:
    """Vectorised :func:`pair_route` over broadcastable arrays.

    Returns (unit cost, mode index in :data:`MODE_ORDER`, transit days); unit cost and mode are
    :data:`NO_ROUTE` where no mode is usable.
    """
    shape = np.broadcast_shapes(km.shape, start.shape, expiry.shape, modes.shape, deadline.shape)
    best_cost = np.full(shape, NO_ROUTE, dtype=np.int64)
    best_days = np.zeros(shape, dtype=np.int64)
    best_mode = np.full(shape, NO_ROUTE, dtype=np.int64)
    for rank, mode in enumerate(MODE_ORDER):
        if mode not in policy.modes:
            continue
        rule = policy.modes[mode]
        days = rule.handling_days + -(-km // rule.speed_km_per_day)
        arrival = start + days
        usable = ((modes >> rank) & 1).astype(bool) & (arrival <= deadline) & (arrival < expiry)
        cost = rule.cost_weight * km
        better = usable & (
            (best_cost < 0) | (cost < best_cost) | ((cost == best_cost) & (days < best_days))
        )
        best_cost = np.where(better, cost, best_cost)
        best_days = np.where(better, days, best_days)
        best_mode = np.where(better, rank, best_mode)
    return best_cost, best_mode, best_days
