"""Exact, certified matching of offered aid to needs.

``solve`` returns the lexicographically optimal allocation (priority-weighted coverage first,
transport cost second) with a certificate of optimality; ``check_certificate`` verifies such a
certificate on the original offer × need pairs without trusting the solver. See
:mod:`aidregistry.domain.matching.network` for the exact reduction that makes it fast, and
:mod:`aidregistry.domain.matching.solver` for the two phases.
"""

from aidregistry.domain.matching.certificate import CheckReport, check_certificate
from aidregistry.domain.matching.explain import explain_allocation
from aidregistry.domain.matching.model import (
    Allocation,
    Certificate,
    MatchResult,
    Mode,
    ModePolicy,
    Need,
    Offer,
    PhaseDuals,
    Policy,
    Reason,
    Totals,
    Uncovered,
)
from aidregistry.domain.matching.solver import solve
from aidregistry.domain.matching.suggest import Suggestion, SuggestionIndex

__all__ = [
    "Allocation",
    "Certificate",
    "CheckReport",
    "MatchResult",
    "Mode",
    "ModePolicy",
    "Need",
    "Offer",
    "PhaseDuals",
    "Policy",
    "Reason",
    "Suggestion",
    "SuggestionIndex",
    "Totals",
    "Uncovered",
    "check_certificate",
    "explain_allocation",
    "solve",
]
