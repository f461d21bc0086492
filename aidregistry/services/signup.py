"""Sign-up in two steps, so the form never tells whether an address has an account.

Step one checks the form and answers the same way for every address: a new address is
sent a confirmation link, a known one a notice to its owner. Step two, the confirmed link,
creates the organisation and the account. Both branches of step one hash the password and
build the registration (and the web layer signs it on both), so they do the same work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.models import LocationPrecision, OrganisationIdentifier, OrgKind, OrgRole, User
from aidregistry.services.accounts import OrganisationInput, PersonInput, find_user, register
from aidregistry.services.errors import ServiceError
from aidregistry.services.passwords import Hasher, password_problem


@dataclass(frozen=True)
class Signup:
    """A checked sign-up form: what a confirmation link would carry, and whether the
    address already has an account (then its owner is told instead of sent the link)."""

    registration: dict[str, Any]
    known: bool


def prepare_signup(
    session: Session, hasher: Hasher, org: OrganisationInput, person: PersonInput
) -> Signup:
    """Check a sign-up form; both outcomes hash the password and build the registration."""
    problem = password_problem(person.password, email=person.email, name=person.name)
    if problem:
        raise ServiceError(problem, field="password")
    _refuse_taken_identifier(session, org)
    registration = {
        "org": {key: _plain(value) for key, value in asdict(org).items()},
        "name": person.name,
        "email": person.email,
        "password_hash": hasher.hash(person.password),  # on both branches: equal work
    }
    return Signup(registration, known=find_user(session, person.email) is not None)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _refuse_taken_identifier(session: Session, org: OrganisationInput) -> None:
    if not (org.identifier_scheme and org.identifier_value):
        return
    scheme, value = org.identifier_scheme.strip().upper(), org.identifier_value.strip()
    if session.scalar(select(OrganisationIdentifier).filter_by(scheme=scheme, value=value)):
        raise ServiceError(
            "An organisation with this identifier is already registered.",
            field="identifier_value",
        )


def complete_signup(session: Session, hasher: Hasher, data: dict[str, Any]) -> User:
    """Create the organisation and account a confirmed link carries (once)."""
    if find_user(session, str(data.get("email", ""))) is not None:
        raise ServiceError("This sign-up is already confirmed; please sign in.")
    fields = dict(data["org"])
    org = OrganisationInput(
        **{
            **fields,
            "kind": OrgKind(fields["kind"]),
            "role": OrgRole(fields["role"]),
            "location_precision": LocationPrecision(fields["location_precision"]),
        }
    )
    person = PersonInput(name=data["name"], email=data["email"], password="")
    return register(session, hasher, org, person, password_hash=data["password_hash"])
