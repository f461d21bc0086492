"""Which offered goods may serve which need: standards, certificates and dated substitutions.

A need lists the standards it accepts. An offer is compatible when its own standard is accepted,
or when an :class:`Equivalence` row (requested → offered, per jurisdiction, valid on the run date)
says its standard may stand in for an accepted one — a *substitution*. Either way the offer must
carry every certificate its own standard requires, plus those the equivalence row requires
(e.g. KN95 for N95 in the US only under the FDA EUA, 2020-04-03 … 2020-10-15).

Substitutions are data, not code (research/domain.md §2.3), so nothing here knows about masks.
An unknown offered standard is never compatible: the rule fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

ANY_JURISDICTION = "*"
CERTIFICATE_KINDS = frozenset({"NMPA", "FDA_EUA", "FDA_510K", "CE", "NIOSH"})

# A route key names one way an offer can reach a need: ("=", standard) for a directly accepted
# standard, ("~", row) for equivalence row number `row`. Offer and need are compatible exactly
# when their key sets intersect, which lets the matcher group records by key.
RouteKey = tuple[str, str | int]


@dataclass(frozen=True, slots=True)
class Standard:
    """A product standard (e.g. ``NIOSH-N95``) of one item and the certificates it requires."""

    code: str
    item: str
    required_certificates: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Equivalence:
    """A dated, jurisdiction-bound permission to offer one standard where another is requested."""

    requested: str
    offered: str
    jurisdiction: str
    valid_from: date
    valid_to: date | None = None
    required_certificates: frozenset[str] = frozenset()
    note: str = ""

    def valid_on(self, day: date) -> bool:
        """Whether the row applies on ``day`` (both ends inclusive; no end = open)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies_in(self, jurisdiction: str) -> bool:
        """Whether the row applies to a recipient in ``jurisdiction``."""
        return self.jurisdiction in (ANY_JURISDICTION, jurisdiction)


@dataclass(frozen=True, slots=True)
class Compatibility:
    """A positive compatibility decision; ``substitution`` is the row used, if any."""

    substitution: Equivalence | None = None
    substitution_index: int | None = None

    @property
    def note(self) -> str:
        """The equivalence note, or an empty string for a directly accepted standard."""
        return "" if self.substitution is None else self.substitution.note


def carries_own_certificates(
    standard: str, certificates: frozenset[str], standards: Mapping[str, Standard]
) -> bool:
    """Whether goods of ``standard`` carry every certificate that standard requires."""
    own = standards.get(standard)
    return own is not None and own.required_certificates <= certificates


def compatibility(
    offer_standard: str,
    offer_certificates: frozenset[str],
    accepted_standards: frozenset[str],
    jurisdiction: str,
    on: date,
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
) -> Compatibility | None:
    """Decide whether an offer may serve a need on day ``on``.

    Returns ``None`` when incompatible; otherwise a :class:`Compatibility` that names the
    equivalence row used, or none when the offered standard is accepted as such (preferred).
    """
    if not carries_own_certificates(offer_standard, offer_certificates, standards):
        return None
    if offer_standard in accepted_standards:
        return Compatibility()
    for index, row in enumerate(equivalences):
        if (
            row.offered == offer_standard
            and row.requested in accepted_standards
            and row.applies_in(jurisdiction)
            and row.valid_on(on)
            and row.required_certificates <= offer_certificates
        ):
            return Compatibility(row, index)
    return None


def offer_route_keys(
    standard: str,
    certificates: frozenset[str],
    on: date,
    standards: Mapping[str, Standard],
    equivalences: Sequence[Equivalence],
) -> frozenset[RouteKey]:
    """All route keys an offer of this standard and certificate set provides on day ``on``."""
    if not carries_own_certificates(standard, certificates, standards):
        return frozenset()
    keys: set[RouteKey] = {("=", standard)}
    keys.update(
        ("~", index)
        for index, row in enumerate(equivalences)
        if row.offered == standard
        and row.valid_on(on)
        and row.required_certificates <= certificates
    )
    return frozenset(keys)


def need_route_keys(
    accepted_standards: Iterable[str],
    jurisdiction: str,
    on: date,
    equivalences: Sequence[Equivalence],
) -> frozenset[RouteKey]:
    """All route keys through which a need accepting these standards can be served."""
    accepted = frozenset(accepted_standards)
    keys: set[RouteKey] = {("=", code) for code in accepted}
    keys.update(
        ("~", index)
        for index, row in enumerate(equivalences)
        if row.requested in accepted and row.applies_in(jurisdiction) and row.valid_on(on)
    )
    return frozenset(keys)
