"""A certificate's verification state, who moves it, and whether it counts for matching.

::

    invalid                       declared, not valid: kept as the donor wrote it, counts never
    declared ──(automatic)──▶ listed / not_listed / removed      checked against the lists
        └──────(coordinator)──▶ verified / doubtful / counterfeit  with a note (and evidence)

The automatic check never overrides a coordinator's decision, and never revives an invalid
certificate (the donor corrects it by editing the donation). Whether a certificate counts on
a planning date is decided here, once, for the matcher, the suggestions and the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from aidregistry.domain.evidence.listings import Listing, ListingStatus


class CertificateState(StrEnum):
    """Where a certificate stands."""

    INVALID = "invalid"
    DECLARED = "declared"
    LISTED = "listed"
    NOT_LISTED = "not_listed"
    REMOVED = "removed"
    VERIFIED = "verified"
    DOUBTFUL = "doubtful"
    COUNTERFEIT = "counterfeit"


AUTOMATIC_STATES = frozenset(
    {
        CertificateState.DECLARED,
        CertificateState.LISTED,
        CertificateState.NOT_LISTED,
        CertificateState.REMOVED,
    }
)
COORDINATOR_STATES = frozenset(
    {CertificateState.VERIFIED, CertificateState.DOUBTFUL, CertificateState.COUNTERFEIT}
)
NEVER_COUNTS = frozenset(
    {CertificateState.INVALID, CertificateState.DOUBTFUL, CertificateState.COUNTERFEIT}
)
_FROM_LISTING = {
    ListingStatus.LISTED: CertificateState.LISTED,
    ListingStatus.NOT_LISTED: CertificateState.NOT_LISTED,
    ListingStatus.REMOVED: CertificateState.REMOVED,
}


def automatic_state(current: CertificateState, listing: Listing | None) -> CertificateState:
    """The state after an automatic check (``listing`` None: no list speaks for the scheme).

    Only the automatic states move; a coordinator's decision and an invalid number stay.
    """
    if current not in AUTOMATIC_STATES:
        return current
    return CertificateState.DECLARED if listing is None else _FROM_LISTING[listing.status]


def coordinator_may_set(current: CertificateState, new: CertificateState) -> bool:
    """A coordinator decides on any valid certificate (and may change their mind)."""
    return new in COORDINATOR_STATES and current is not CertificateState.INVALID


@dataclass(frozen=True, slots=True)
class EvidencePolicy:
    """Which certificates count for matching.

    ``accept_unlisted``: a valid certificate that no list confirms on the planning date
    (declared, or not on the lists held) still counts. Invalid, doubtful and counterfeit
    certificates, those removed from their list or past their validity by that date never
    count, whatever the policy.
    """

    accept_unlisted: bool = True


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """What the matcher reads of one stored certificate."""

    scheme: str
    state: CertificateState
    listed_from: date | None = None
    listed_until: date | None = None
    valid_until: date | None = None


def counts_for_matching(facts: CertificateFacts, on: date, policy: EvidencePolicy) -> bool:
    """Whether the certificate stands for its scheme on planning date ``on``."""
    if facts.state in NEVER_COUNTS:
        return False
    if facts.valid_until is not None and facts.valid_until < on:
        return False
    if facts.listed_until is not None and facts.listed_until <= on:
        return False  # removed from its list (or the list revoked) by then
    if facts.state is CertificateState.VERIFIED:
        return True
    listed_then = facts.state in (CertificateState.LISTED, CertificateState.REMOVED) and (
        facts.listed_from is None or facts.listed_from <= on
    )
    return listed_then or policy.accept_unlisted


def counted_schemes(
    certificates: list[CertificateFacts], on: date, policy: EvidencePolicy
) -> frozenset[str]:
    """The schemes a lot's certificates stand for on ``on`` (what the standards require)."""
    return frozenset(c.scheme for c in certificates if counts_for_matching(c, on, policy))
