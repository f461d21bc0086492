"""A lot's certificates: checked as declared, kept as records, checked against the lists.

The donation form, the import and the API all give certificates as
:class:`CertificateEntry` (what was typed, and which input each part came from), so that a
refusal names the field it is about, and every certificate is checked by the same rules.
Editing a donation keeps each certificate that is unchanged — and with it a coordinator's
decision on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from aidregistry.domain.evidence import listings as dl
from aidregistry.domain.evidence.declared import Checked, Declared, problems_of
from aidregistry.domain.evidence.numbers import Scheme, parse_notified_body
from aidregistry.domain.evidence.problems import EvidenceError
from aidregistry.domain.evidence.states import automatic_state
from aidregistry.models import Certificate, CertificateState, Donation, Standard
from aidregistry.models.base import utcnow
from aidregistry.services.errors import FieldErrors
from aidregistry.services.listings import (
    entries_for,
    lists_by_code,
    notified_body_entries,
    notified_body_name,
)

# Where each part of each scheme's certificate is typed on the donation form and in an
# import file (one column per part).
FORM_FIELDS: dict[Scheme, dict[str, str]] = {
    Scheme.NMPA: {"number": "cert_nmpa"},
    Scheme.FDA_EUA: {"number": "cert_fda_eua"},
    Scheme.FDA_510K: {"number": "cert_fda_510k"},
    Scheme.CE: {"number": "cert_ce", "notified_body": "cert_ce_notified_body"},
    Scheme.NIOSH: {"number": "cert_niosh"},
    Scheme.TEST_REPORT: {
        "number": "report_number",
        "tested_standard": "report_standard",
        "issuer": "report_lab",
    },
}
FIELD_NAMES = tuple(name for parts in FORM_FIELDS.values() for name in parts.values())


@dataclass(frozen=True)
class CertificateEntry:
    """One certificate as typed, and the input each part came from (for messages)."""

    declared: Declared
    fields: Mapping[str, str]

    def field(self, part: str) -> str:
        """The input a problem with ``part`` is shown on."""
        return self.fields.get(part) or self.fields.get("number") or ""


def entries_from_fields(values: Mapping[str, str | None]) -> tuple[CertificateEntry, ...]:
    """The certificates typed in the form's or an import row's flat fields."""
    entries = []
    for scheme, parts in FORM_FIELDS.items():
        typed = {part: (values.get(name) or "") for part, name in parts.items()}
        declared = Declared(
            scheme,
            number=typed.get("number", ""),
            notified_body=typed.get("notified_body", ""),
            issuer=typed.get("issuer", ""),
            tested_standard=typed.get("tested_standard", ""),
        )
        if not declared.is_blank:
            entries.append(CertificateEntry(declared, parts))
    return tuple(entries)


def form_values(donation: Donation) -> dict[str, str]:
    """A donation's certificates in the form's fields, as they were typed (an invalid one
    too, so that the donor sees it and corrects it)."""
    values: dict[str, str] = {}
    for certificate in donation.certificates:
        parts = FORM_FIELDS[certificate.scheme]
        typed = {
            "number": certificate.declared_text,
            "notified_body": certificate.declared_body or "",
            "tested_standard": certificate.tested_standard or "",
            "issuer": certificate.issuer or "",
        }
        values.update({name: typed[part] for part, name in parts.items()})
    return values


def _bodies(session: Session, declared: Declared) -> list[dl.ListingEntry]:
    if declared.scheme is not Scheme.CE or not declared.notified_body.strip():
        return []
    try:
        return notified_body_entries(session, parse_notified_body(declared.notified_body))
    except EvidenceError:
        return []  # the domain reports the malformed number itself


def check_entries(
    session: Session, entries: Sequence[CertificateEntry], standard: Standard | None
) -> list[tuple[CertificateEntry, Checked]]:
    """Every entry checked, or :class:`FieldErrors` with every problem of every entry."""
    scope = (standard.ce_scope or None) if standard is not None else None
    checked: list[tuple[CertificateEntry, Checked]] = []
    errors: list[tuple[str, str]] = []
    for entry in entries:
        ok, problems = problems_of(entry.declared, scope, _bodies(session, entry.declared))
        errors.extend((entry.field(p.part), p.message) for p in problems)
        if ok is not None:
            checked.append((entry, ok))
    if errors:
        raise FieldErrors(errors)
    return checked


def _identity(scheme: Scheme, number: str | None, body: str | None, tested: str | None) -> tuple[
    Scheme, str | None, str | None, str | None
]:
    return scheme, number, body, tested


def _record(session: Session, entry: CertificateEntry, ok: Checked) -> Certificate:
    issuer = ok.issuer
    if issuer is None and ok.notified_body:
        issuer = notified_body_name(session, ok.notified_body)
    return Certificate(
        scheme=ok.scheme,
        number=ok.number,
        declared_text=entry.declared.number.strip()[:200],
        notified_body=ok.notified_body,
        declared_body=entry.declared.notified_body.strip()[:40] or None,
        issuer=issuer,
        tested_standard=ok.tested_standard,
        verification=CertificateState.DECLARED,
    )


def apply_certificates(
    session: Session, donation: Donation, entries: Sequence[CertificateEntry]
) -> None:
    """Give ``donation`` exactly these certificates (checked), keeping the records of those
    unchanged, then check them against the lists. Refuses with every problem at once."""
    standard = session.get(Standard, donation.standard_code) if donation.standard_code else None
    checked = check_entries(session, entries, standard)
    existing = {
        _identity(c.scheme, c.number, c.notified_body, c.tested_standard): c
        for c in donation.certificates
    }
    kept: list[Certificate] = []
    for entry, ok in checked:
        key = _identity(ok.scheme, ok.number, ok.notified_body, ok.tested_standard)
        record = existing.pop(key, None) or _record(session, entry, ok)
        record.valid_from, record.valid_until = ok.valid_from, ok.valid_until
        record.holder = donation.maker
        if record not in kept:
            kept.append(record)
    donation.certificates = kept
    now = utcnow()
    for record in kept:
        run_check(session, record, standard, now)


def declared_records(
    session: Session, entries: Sequence[CertificateEntry], standard_code: str | None
) -> list[Certificate]:
    """Records of certificates typed before they were checked (an old dump): each valid one
    as declared, each other one kept as declared, not valid — with its text and reason."""
    standard = session.get(Standard, standard_code) if standard_code else None
    scope = (standard.ce_scope or None) if standard is not None else None
    records = []
    for entry in entries:
        ok, problems = problems_of(entry.declared, scope, _bodies(session, entry.declared))
        if ok is not None:
            records.append(_record(session, entry, ok))
            continue
        records.append(Certificate(
            scheme=entry.declared.scheme, number=None,
            declared_text=entry.declared.number.strip()[:200],
            declared_body=entry.declared.notified_body.strip()[:40] or None,
            verification=CertificateState.INVALID, problem=problems[0].problem.value))
    return records


def lot_of(certificate: Certificate, standard: Standard | None) -> dl.Lot:
    """What the lists are asked about one certificate."""
    holder = certificate.holder
    return dl.Lot(
        certificate.scheme,
        certificate.number,
        holder.keys if holder is not None else frozenset(),
        certificate.notified_body,
        (standard.ce_scope or None) if standard is not None else None,
    )


def run_check(
    session: Session, certificate: Certificate, standard: Standard | None, now: datetime
) -> None:
    """The automatic check: the certificate's standing on its lists as of ``now``, and the
    interval its entry covers (which the matcher reads for any planning date)."""
    if certificate.verification is CertificateState.INVALID:
        return
    lot = lot_of(certificate, standard)
    lists = lists_by_code(session)
    speaks = any(lst.scheme is lot.scheme for lst in lists.values())
    found = dl.intervals(lot, lists, entries_for(session, lot))
    listing = dl.status_on(found, now.date()) if (speaks or found) else None
    chosen = (listing.interval if listing else None) or (found[0] if found else None)
    certificate.verification = automatic_state(certificate.verification, listing)
    certificate.listing_entry_id = chosen.entry.id if chosen else None
    certificate.listed_from = chosen.start if chosen else None
    certificate.listed_until = chosen.end if chosen else None
    certificate.checked_at = now
