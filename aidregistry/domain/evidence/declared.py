"""One certificate as a donor declares it, checked as a whole: every problem of every part
at once (a clear message per field), or the certificate in canonical form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from aidregistry.domain.evidence.listings import ListingEntry, check_notified_body
from aidregistry.domain.evidence.numbers import (
    Scheme,
    clean,
    is_placeholder,
    parse_notified_body,
    parse_number,
)
from aidregistry.domain.evidence.problems import EvidenceError, Problem


@dataclass(frozen=True, slots=True)
class Declared:
    """What was typed for one certificate (empty strings for what was left blank)."""

    scheme: Scheme
    number: str = ""
    notified_body: str = ""
    issuer: str = ""
    tested_standard: str = ""
    valid_from: date | None = None
    valid_until: date | None = None

    @property
    def is_blank(self) -> bool:
        """Nothing typed at all: no certificate of this scheme."""
        return not any(
            (self.number.strip(), self.notified_body.strip(), self.issuer.strip(),
             self.tested_standard.strip(), self.valid_from, self.valid_until)
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Checked:
    """A valid certificate in canonical form; ``issuer`` as typed, or as the number tells."""

    scheme: Scheme
    number: str
    issuer: str | None
    notified_body: str | None = None
    tested_standard: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None


def _number(declared: Declared, problems: list[EvidenceError]) -> str | None:
    if not declared.number.strip():
        if declared.scheme is Scheme.CE and declared.notified_body.strip():
            problems.append(EvidenceError(Problem.BODY_WITHOUT_CE))
        elif declared.scheme is Scheme.TEST_REPORT:
            problems.append(EvidenceError(Problem.REPORT_FORMAT))
        else:
            problems.append(EvidenceError(parse_error_for_blank(declared.scheme)))
        return None
    try:
        return parse_number(declared.scheme, declared.number).number
    except EvidenceError as exc:
        problems.append(exc)
        return None


def parse_error_for_blank(scheme: Scheme) -> Problem:
    """The format message of a scheme (what to type where nothing was)."""
    return {
        Scheme.NMPA: Problem.NMPA_FORMAT,
        Scheme.NIOSH: Problem.NIOSH_FORMAT,
        Scheme.FDA_510K: Problem.K510_FORMAT,
        Scheme.FDA_EUA: Problem.EUA_FORMAT,
        Scheme.CE: Problem.CE_FORMAT,
        Scheme.TEST_REPORT: Problem.REPORT_FORMAT,
    }[scheme]


def _body(
    declared: Declared,
    scope: str | None,
    bodies: Iterable[ListingEntry],
    problems: list[EvidenceError],
) -> str | None:
    if declared.scheme is not Scheme.CE:
        return None
    if not declared.notified_body.strip():
        if declared.number.strip() and not is_placeholder(declared.number):
            problems.append(EvidenceError(Problem.CE_WITHOUT_BODY, "notified_body"))
        return None
    try:
        body = parse_notified_body(declared.notified_body)
        check_notified_body(body, scope, bodies)
    except EvidenceError as exc:
        problems.append(exc)
        return None
    return body


def _report(declared: Declared, problems: list[EvidenceError]) -> None:
    if declared.scheme is not Scheme.TEST_REPORT:
        return
    if not declared.tested_standard.strip():
        problems.append(EvidenceError(Problem.REPORT_STANDARD, "tested_standard"))
    if not declared.issuer.strip() or is_placeholder(declared.issuer):
        problems.append(EvidenceError(Problem.REPORT_LAB, "issuer"))


def problems_of(
    declared: Declared, scope: str | None = None, bodies: Iterable[ListingEntry] = ()
) -> tuple[Checked | None, list[EvidenceError]]:
    """The certificate checked: canonical form and no problem, or None and every problem.

    ``scope`` is what a CE notified body must be designated for on these goods (from the
    goods' standard), ``bodies`` the notified-body entries that say so.
    """
    problems: list[EvidenceError] = []
    number = _number(declared, problems)
    body = _body(declared, scope, bodies, problems)
    _report(declared, problems)
    if declared.valid_from and declared.valid_until and declared.valid_until < declared.valid_from:
        problems.append(EvidenceError(Problem.VALIDITY_ORDER, "valid_until"))
    if problems or number is None:
        return None, problems
    issuer = clean(declared.issuer) or parse_number(declared.scheme, number).issuer
    return Checked(
        declared.scheme,
        number,
        issuer or None,
        body,
        clean(declared.tested_standard) or None,
        declared.valid_from,
        declared.valid_until,
    ), []
