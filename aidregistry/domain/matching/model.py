"""Values the matcher reads and writes: offers, needs, the policy and the result.

All of them are frozen dataclasses so that a solve can never change its inputs. Quantities are
whole base units; dates are day-granular, which is what makes the time ladders of the solver
(see :mod:`aidregistry.domain.matching.network`) small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Mode(StrEnum):
    """A transport mode."""

    AIR = "air"
    SEA = "sea"
    ROAD = "road"
    RAIL = "rail"


class Reason(StrEnum):
    """Why (part of) a need stays uncovered."""

    NO_COMPATIBLE_GOODS = "no_compatible_goods"
    NONE_IN_TIME = "none_in_time"
    TAKEN_BY_HIGHER_PRIORITY = "taken_by_higher_priority"


@dataclass(frozen=True, slots=True)
class Offer:
    """A donated lot with its remaining quantity in base units."""

    id: str
    item: str
    quantity: int
    standard: str
    certificates: frozenset[str]
    lat: float
    lon: float
    available_from: date
    modes: frozenset[Mode]
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class Need:
    """A recipient's need with its remaining quantity; priority 1 is the most urgent."""

    id: str
    item: str
    quantity: int
    accepted_standards: frozenset[str]
    jurisdiction: str
    priority: int
    needed_by: date
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class ModePolicy:
    """Handling time, speed and the cost per unit per km of one transport mode."""

    handling_days: int
    speed_km_per_day: int
    cost_weight: int


def default_modes() -> dict[Mode, ModePolicy]:
    """The default mode table: air, sea, rail and road."""
    return {
        Mode.AIR: ModePolicy(2, 10_000, 10),
        Mode.SEA: ModePolicy(7, 700, 3),
        Mode.RAIL: ModePolicy(3, 1_000, 5),
        Mode.ROAD: ModePolicy(1, 600, 8),
    }


def default_weights() -> dict[int, int]:
    """The default priority weights: 8, 4, 2, 1 for priorities 1 to 4."""
    return {1: 8, 2: 4, 3: 2, 4: 1}


@dataclass(frozen=True)
class Policy:
    """The rules of one matching run."""

    run_date: date
    priority_weights: dict[int, int] = field(default_factory=default_weights)
    modes: dict[Mode, ModePolicy] = field(default_factory=default_modes)

    def weight(self, priority: int) -> int:
        """The weight of one covered unit of a need of ``priority``."""
        return self.priority_weights[priority]


@dataclass(frozen=True, slots=True)
class Allocation:
    """Units of one offer proposed for one need, with how they travel."""

    offer_id: str
    need_id: str
    quantity: int
    mode: Mode
    km: int
    unit_cost: int
    transit_days: int
    substitution: str | None = None


@dataclass(frozen=True, slots=True)
class Uncovered:
    """The part of a need left uncovered, and why."""

    need_id: str
    priority: int
    quantity: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class Totals:
    """The two objectives and some context figures of an allocation."""

    weighted_coverage: int
    transport_cost: int
    unit_km: int
    covered_by_priority: dict[int, int]
    demand_by_priority: dict[int, int]


@dataclass(frozen=True, slots=True)
class PhaseDuals:
    """Dual prices of one phase, aligned with the input order of offers and needs.

    ``offer`` (α ≥ 0) is the value of one more unit of an offer, ``need`` (β) the value of one
    more unit of a need; ``level`` (γ, phase 2 only) maps (group, weight) to its price.
    """

    offer: tuple[int, ...]
    need: tuple[int, ...]
    level: dict[tuple[int, int], int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Certificate:
    """Proof of lexicographic optimality.

    Records are labelled with independent groups (no feasible pair crosses two groups).
    Phase 1 duals bound the weighted uncovered quantity from below; phase 2 duals bound the
    transport cost from below among allocations that leave ``uncovered_by_level[(group,
    weight)]`` uncovered. Check with :func:`aidregistry.domain.matching.check_certificate`.
    """

    phase1: PhaseDuals
    phase2: PhaseDuals
    uncovered_by_level: dict[tuple[int, int], int]
    offer_group: tuple[int, ...]
    need_group: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """What :func:`aidregistry.domain.matching.solve` returns."""

    allocations: tuple[Allocation, ...]
    totals: Totals
    uncovered: tuple[Uncovered, ...]
    certificate: Certificate
    stats: dict[str, float] = field(default_factory=dict)
