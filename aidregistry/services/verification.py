"""Certificates' verification: what counts for the matcher on a planning date, the automatic
check run again over the registry, and a coordinator's decision."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.domain.evidence.states import (
    CertificateFacts,
    EvidencePolicy,
    coordinator_may_set,
    counted_schemes,
)
from aidregistry.models import Certificate, CertificateState, Donation, Standard, User
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
    donation_ids: Select[Any] | Iterable[int],
    on: date,
    policy: EvidencePolicy | None = None,
) -> dict[int, frozenset[str]]:
    """For each donation, the certificate schemes that stand on ``on`` — what the standards'
    requirements are checked against. ``donation_ids``: a query of ids or the ids."""
    ids = donation_ids if isinstance(donation_ids, Select) else list(donation_ids)
    facts: dict[int, list[CertificateFacts]] = defaultdict(list)
    for row in session.execute(select(*FACT_COLUMNS).where(Certificate.donation_id.in_(ids))):
        facts[row.donation_id].append(facts_of(row))
    chosen = policy or EvidencePolicy()
    return {donation: counted_schemes(found, on, chosen) for donation, found in facts.items()}


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
