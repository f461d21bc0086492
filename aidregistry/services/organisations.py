"""Coordinator decisions on organisations: verify, reject, suspend."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.models import Organisation, User, VerificationState
from aidregistry.models.api_token import RevokeReason
from aidregistry.models.base import utcnow
from aidregistry.services.api_tokens import revoke_all
from aidregistry.services.audit import record_event
from aidregistry.services.errors import NotAllowed, ServiceError

# Which states each decision may start from.
TRANSITIONS: dict[VerificationState, frozenset[VerificationState]] = {
    VerificationState.VERIFIED: frozenset(
        {VerificationState.PENDING, VerificationState.SUSPENDED, VerificationState.REJECTED}
    ),
    VerificationState.REJECTED: frozenset({VerificationState.PENDING}),
    VerificationState.SUSPENDED: frozenset({VerificationState.VERIFIED}),
}


def pending_queue(session: Session) -> list[Organisation]:
    """Organisations waiting for a coordinator, oldest first."""
    query = (
        select(Organisation)
        .where(Organisation.state == VerificationState.PENDING)
        .order_by(Organisation.created_at, Organisation.id)
    )
    return list(session.scalars(query))


def decide(
    session: Session,
    actor: User,
    organisation: Organisation,
    to: VerificationState,
    reason: str | None,
) -> None:
    """Move ``organisation`` to ``to``; rejecting or suspending needs a reason."""
    if not actor.is_coordinator:
        raise NotAllowed("Only coordinators verify organisations.")
    if organisation.state not in TRANSITIONS.get(to, frozenset()):
        raise ServiceError(f"An organisation that is {organisation.state} cannot become {to}.")
    if to is not VerificationState.VERIFIED and not (reason or "").strip():
        raise ServiceError("Give a reason; the organisation will see it.", field="reason")
    before = {"state": organisation.state.value}
    organisation.state = to
    organisation.state_reason = (reason or "").strip() or None
    organisation.state_changed_at = utcnow()
    if to in (VerificationState.SUSPENDED, VerificationState.REJECTED):
        # The organisation no longer stands where its members' tokens were made.
        revoke_all(session, list(organisation.members), RevokeReason.ORGANISATION)
    session.flush()
    record_event(
        session,
        actor,
        f"organisation.{_verb(to)}",
        organisation,
        before=before,
        after={"state": to.value},
        reason=organisation.state_reason,
    )


def _verb(state: VerificationState) -> str:
    return {
        VerificationState.VERIFIED: "verify",
        VerificationState.REJECTED: "reject",
        VerificationState.SUSPENDED: "suspend",
    }[state]
