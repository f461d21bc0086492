"""A shipment's route as a chain of legs: where each leg should start, and which may go.

Pure Python: services turn legs into ``Hop`` values and ask here. A leg "meets" the next
when the next starts where it ends: within ``MEET_KM`` when both ends have coordinates
(an airport and its city are one stop), else by the place's name before the first comma
("Liège, Belgium" and "liège" are one stop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aidregistry.domain.places import haversine_km

MEET_KM = 50.0  # Liège airport to Liège is 8 km; Brussels to Liège is 90 km


class Refusal(StrEnum):
    """Why a leg cannot be removed from its shipment."""

    CLOSED = "closed"  # the shipment arrived, was delivered, cancelled or returned
    TRAVELLED = "travelled"  # the leg has an actual departure or arrival date
    ONLY_LEG = "only_leg"  # a shipment under way keeps at least one leg
    GAP = "gap"  # the legs on either side would not meet


@dataclass(frozen=True)
class Stop:
    """One end of a leg: the place as typed and its coordinates when known."""

    name: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Hop:
    """One leg as the route rules see it."""

    origin: Stop
    destination: Stop
    travelled: bool = False


def _name_key(name: str) -> str:
    return name.split(",", 1)[0].strip().casefold()


def meets(end: Stop, start: Stop) -> bool:
    """True when a leg ending at ``end`` and one starting at ``start`` share the stop."""
    if end.lat is not None and end.lon is not None and start.lat is not None and (
            start.lon is not None):
        return haversine_km(end.lat, end.lon, start.lat, start.lon) <= MEET_KM
    return _name_key(end.name) == _name_key(start.name)


def gaps(hops: Sequence[Hop]) -> list[int]:
    """Positions of the legs that do not start where the one before them ends."""
    return [i for i in range(1, len(hops)) if not meets(hops[i - 1].destination, hops[i].origin)]


def removal_refusal(hops: Sequence[Hop], index: int, *, closed: bool,
                    under_way: bool) -> Refusal | None:
    """Why ``hops[index]`` may not be removed, or None when it may.

    ``closed``: the shipment's route is a record now (it arrived, or ended otherwise);
    ``under_way``: the goods left, so the shipment must keep a leg. A middle leg may go
    only when its neighbours meet, so that removing it never opens a gap in the route.
    """
    if closed:
        return Refusal.CLOSED
    if hops[index].travelled:
        return Refusal.TRAVELLED
    if under_way and len(hops) == 1:
        return Refusal.ONLY_LEG
    if 0 < index < len(hops) - 1 and not meets(hops[index - 1].destination,
                                               hops[index + 1].origin):
        return Refusal.GAP
    return None
