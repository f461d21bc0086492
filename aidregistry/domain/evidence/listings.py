"""Authorisation lists as dated data: for a planning date, is a lot's maker or number on the
list that applies to its certificate — "listed", "not listed", or "removed on <date>"?

A list (FDA EUA Appendix A, NIOSH approvals, EU notified bodies, China's 2020 exporter
lists) is in force over an interval (the FDA revoked its EUA for respirators made in China on
2021-07-06: every entry ends there). Each entry says since when and until when one maker, one
number or one notified body (for one scope) was on it; an entry without a start date counts
from the list's own start, because its source does not say when it was added.

A list finds a lot by number (a NIOSH approval, a notified body: the maker does not matter,
a copied number is for a coordinator to catch) or by the maker's name keys
(:mod:`aidregistry.domain.evidence.makers`: FDA Appendix A and China's lists name makers).
An entry with ``designated=False`` records that a source says the party is *not* authorised for that
scope (a notified body that is not designated for respiratory protection): it never lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.domain.evidence.problems import EvidenceError, Problem


class ListingStatus(StrEnum):
    """A lot's standing on a list on one date."""

    LISTED = "listed"
    NOT_LISTED = "not_listed"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class AuthorisationList:
    """One list: the certificates of ``scheme`` it speaks for (None: each entry says), when
    it was in force (``until`` is the first day it no longer was), and whether a lot is
    found on it by its ``number`` (NIOSH approvals, notified bodies) or its ``maker``."""

    code: str
    scheme: Scheme | None
    in_force_from: date | None = None
    in_force_until: date | None = None
    match_by: str = "maker"


@dataclass(frozen=True, slots=True)
class ListingEntry:
    """One row of a list. ``removed_on`` is the first day the entry no longer applied."""

    id: int
    list_code: str
    maker_keys: frozenset[str] = frozenset()
    number: str | None = None
    scope: str | None = None
    listed_from: date | None = None
    removed_on: date | None = None
    designated: bool = True
    scheme: Scheme | None = None


@dataclass(frozen=True, slots=True)
class Lot:
    """What a certificate says about a lot: its scheme, number, the maker's name keys and,
    for CE, the notified body and the scope the goods need (e.g. ``PPE-RESP``)."""

    scheme: Scheme
    number: str | None
    maker_keys: frozenset[str]
    notified_body: str | None = None
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class Interval:
    """When a matched entry applied: ``start`` (None: since before its sources speak) up to
    ``end`` exclusive (None: still applies)."""

    entry: ListingEntry
    start: date | None
    end: date | None

    def covers(self, on: date) -> bool:
        """Whether the entry applied on ``on``."""
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


@dataclass(frozen=True, slots=True)
class Listing:
    """The answer for one date; ``removed_on`` is set when the status is REMOVED."""

    status: ListingStatus
    interval: Interval | None = None

    @property
    def removed_on(self) -> date | None:
        """The first day the lot was no longer listed, when it was removed."""
        return self.interval.end if self.status is ListingStatus.REMOVED and self.interval else None


def _key(lot: Lot) -> str | None:
    return lot.notified_body if lot.scheme is Scheme.CE else lot.number


def _matches(entry: ListingEntry, lot: Lot, by_number: bool) -> bool:
    if entry.scope is not None and lot.scope is not None and entry.scope != lot.scope:
        return False
    if by_number:
        return entry.number is not None and entry.number == _key(lot)
    return bool(entry.maker_keys & lot.maker_keys)


def _end(entry: ListingEntry, source: AuthorisationList) -> date | None:
    ends = [d for d in (entry.removed_on, source.in_force_until) if d is not None]
    return min(ends) if ends else None


def intervals(
    lot: Lot, lists: Mapping[str, AuthorisationList], entries: Iterable[ListingEntry]
) -> list[Interval]:
    """When each entry that names this lot applied (entries of lists for its scheme only)."""
    found = []
    for entry in entries:
        source = lists.get(entry.list_code)
        if source is None or (entry.scheme or source.scheme) is not lot.scheme:
            continue
        if not entry.designated:
            continue
        if _matches(entry, lot, source.match_by == "number"):
            start = entry.listed_from or source.in_force_from
            found.append(Interval(entry, start, _end(entry, source)))
    return sorted(found, key=lambda i: (i.start or date.min, i.entry.id))


def status_on(found: Iterable[Interval], on: date) -> Listing:
    """The lot's standing on ``on`` from its matched intervals."""
    found = list(found)
    covering = [i for i in found if i.covers(on)]
    if covering:
        return Listing(ListingStatus.LISTED, covering[0])
    ended = [i for i in found if i.end is not None and i.end <= on]
    if ended:
        return Listing(ListingStatus.REMOVED, max(ended, key=lambda i: i.end or date.min))
    return Listing(ListingStatus.NOT_LISTED)


def listing_status(
    lot: Lot,
    on: date,
    lists: Mapping[str, AuthorisationList],
    entries: Iterable[ListingEntry],
) -> Listing:
    """For planning date ``on``: is the lot listed, not listed, or removed (and when)?"""
    return status_on(intervals(lot, lists, entries), on)


# What a notified body must be designated for, by the scope the goods need (standards.csv).
SCOPE_PROBLEMS = {
    "PPE-RESP": Problem.BODY_NOT_PPE,
    "PPE": Problem.BODY_NOT_PPE,
    "MD": Problem.BODY_NOT_MEDICAL,
    "IVD": Problem.BODY_NOT_IVD,
}


def check_notified_body(
    notified_body: str, scope: str | None, entries: Iterable[ListingEntry]
) -> None:
    """Refuse (:class:`EvidenceError`) a notified body that a source says is *not*
    designated for ``scope`` while none says it is: its number after a CE mark certifies
    nothing of the kind (ECM 1282 on FFP2 masks, 2020). Unknown bodies pass: the lists
    shipped are a subset, and the automatic check then says "not listed"."""
    if scope is None or scope not in SCOPE_PROBLEMS:
        return
    relevant = [e for e in entries if e.number == notified_body and e.scope == scope]
    if relevant and not any(e.designated for e in relevant):
        raise EvidenceError(SCOPE_PROBLEMS[scope], "notified_body")
