"""Certificates' verification: what counts for the matcher on a planning date, the automatic
check run again over the registry, and a coordinator's decision."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.domain.evidence.states import (
    CertificateFacts,
    EvidencePolicy,
    coordinator_may_set,
    counted_schemes,
)
from aidregistry.models import (
    Certificate,
    CertificateState,
    Donation,
    Organisation,
    Standard,
    User,
)
from aidregistry.models.base import utcnow
from aidregistry.services.audit import record_event
from aidregistry.services.certificates import run_check
from aidregistry.services.errors import NotAllowed, ServiceError

FACT_COLUMNS = (
    Certificate.donation_id,
    Certificate.scheme,
    Certificate.verification,
    Certificate.listed_from,
    Certificate.listed_until,
    Certificate.valid_until,
)


def facts_of(row: Any) -> CertificateFacts:
    """A stored certificate (or a row of :data:`FACT_COLUMNS`) as the domain sees it."""
    return CertificateFacts(
        str(row.scheme), row.verification, row.listed_from, row.listed_until, row.valid_until
    )


def counted_by_donation(
    session: Session,
    on: date,
    *conditions: ColumnElement[bool],
    policy: EvidencePolicy | None = None,
) -> dict[int, frozenset[str]]:
    """For each donation meeting ``conditions`` (on Donation and its Organisation), the
    certificate schemes that stand on ``on`` — what the standards' requirements are checked
    against. Read as rows, by a join: no object per certificate."""
    query = (
        select(*FACT_COLUMNS)
        .join(Donation, Certificate.donation_id == Donation.id)
        .join(Organisation, Donation.organisation_id == Organisation.id)
        .where(*conditions)
    )
    facts: dict[int, list[CertificateFacts]] = defaultdict(list)
    for row in session.execute(query):
        facts[row.donation_id].append(facts_of(row))
    chosen = policy or EvidencePolicy()
    return {donation: counted_schemes(found, on, chosen) for donation, found in facts.items()}


# A donation's certificates beside its own columns, one row per certificate (an outer join):
# one query reads a page's candidate donations and what they are certified for.
CERTIFICATE_COLUMNS = (
    Certificate.scheme.label("certificate_scheme"),
    Certificate.verification.label("certificate_state"),
    Certificate.listed_from.label("certificate_listed_from"),
    Certificate.listed_until.label("certificate_listed_until"),
    Certificate.valid_until.label("certificate_valid_until"),
)


def with_counted_schemes(
    rows: Iterable[Any], on: date, policy: EvidencePolicy | None = None
) -> list[tuple[Any, frozenset[str]]]:
    """Rows of a query that outer-joins :data:`CERTIFICATE_COLUMNS` to donations, one per
    donation, each with the schemes its certificates stand for on ``on``."""
    groups: dict[int, tuple[Any, list[CertificateFacts]]] = {}
    for row in rows:
        _, facts = groups.setdefault(row.id, (row, []))
        if row.certificate_scheme is not None:
            facts.append(CertificateFacts(
                str(row.certificate_scheme), row.certificate_state,
                row.certificate_listed_from, row.certificate_listed_until,
                row.certificate_valid_until))  # fmt: skip
    chosen = policy or EvidencePolicy()
    return [(row, counted_schemes(facts, on, chosen)) for row, facts in groups.values()]


def counted_schemes_of(donation: Donation, on: date, policy: EvidencePolicy | None = None) -> (
    frozenset[str]
):
    """The schemes one loaded donation's certificates stand for on ``on``."""
    return counted_schemes(
        [facts_of(c) for c in donation.certificates], on, policy or EvidencePolicy()
    )


def recheck(session: Session, scheme: Scheme | None = None, batch: int = 500) -> int:
    """Run the automatic check again on every valid certificate (of one scheme): after a
    list is loaded, and as dates pass. Returns how many were checked."""
    query = (
        select(Certificate)
        .where(Certificate.verification != CertificateState.INVALID)
        .options(selectinload(Certificate.holder), selectinload(Certificate.donation))
        .order_by(Certificate.id)
        .execution_options(yield_per=batch)
    )
    if scheme is not None:
        query = query.where(Certificate.scheme == scheme)
    standards = {s.code: s for s in session.scalars(select(Standard))}
    now, count = utcnow(), 0
    for certificate in session.scalars(query):
        code = certificate.donation.standard_code
        run_check(session, certificate, standards.get(code) if code else None, now)
        count += 1
    session.flush()
    return count


def decide(
    session: Session, actor: User, certificate: Certificate, state: CertificateState, note: str
) -> None:
    """A coordinator's finding on a certificate: verified, doubtful or counterfeit, with a
    note saying on what evidence (audited, with the state before)."""
    if not actor.is_coordinator:
        raise NotAllowed("Only coordinators verify certificates.")
    if not note.strip():
        raise ServiceError("Say what the finding rests on.", field="note")
    if not coordinator_may_set(certificate.verification, state):
        raise ServiceError(
            "A certificate declared with an invalid number cannot be verified; the donor "
            "corrects it first.",
            field="state",
        )
    before = {"verification": certificate.verification.value}
    certificate.verification, certificate.decision_note = state, note.strip()
    certificate.decided_by_id, certificate.decided_at = actor.id, utcnow()
    session.flush()
    record_event(
        session,
        actor,
        "certificate.decide",
        certificate,
        before=before,
        after={"verification": state.value, "note": note.strip()},
    )
