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

from aidregistry.domain.names import refused_characters
from aidregistry.models import LocationPrecision, OrganisationIdentifier, OrgKind, OrgRole, User
from aidregistry.services.accounts import OrganisationInput, PersonInput, find_user, register
from aidregistry.services.errors import ServiceError
from aidregistry.services.passwords import Hasher, password_problem

NAME_FIELDS = ("org_name", "org_name_local", "name")


@dataclass(frozen=True)
class Signup:
    """A checked sign-up form: what a confirmation link would carry, and whether the
    address already has an account (then its owner is told instead of sent the link)."""

    registration: dict[str, Any]
    known: bool


@dataclass(frozen=True)
class SignupText:
    """The typed parts of a sign-up form that the registry checks beyond their shape."""

    org_name: str
    org_name_local: str
    name: str
    email: str
    password: str
    identifier_scheme: str | None
    identifier_value: str | None


def signup_problems(session: Session, text: SignupText) -> list[ServiceError]:
    """Every problem of a sign-up at once, each naming its field, so that one answer lists
    them all (a form that reports its errors in rounds costs a sign-up attempt per round)."""
    problems = [
        ServiceError("Names may not hold control, direction or invisible characters.", field)
        for field in NAME_FIELDS
        if refused_characters(getattr(text, field) or "")
    ]
    if text.password:
        problem = password_problem(text.password, email=text.email, name=text.name)
        if problem:
            problems.append(ServiceError(problem, field="password"))
    if _identifier_taken(session, text.identifier_scheme, text.identifier_value):
        problems.append(ServiceError(
            "An organisation with this identifier is already registered.",
            field="identifier_value",
        ))
    return problems


def prepare_signup(
    session: Session, hasher: Hasher, org: OrganisationInput, person: PersonInput
) -> Signup:
    """Check a sign-up form; both outcomes hash the password and build the registration."""
    problems = signup_problems(session, SignupText(
        org.name, org.name_local or "", person.name, person.email, person.password,
        org.identifier_scheme, org.identifier_value,
    ))
    if problems:
        raise problems[0]
    registration = {
        "org": {key: _plain(value) for key, value in asdict(org).items()},
        "name": person.name,
        "email": person.email,
        "password_hash": hasher.hash(person.password),  # on both branches: equal work
    }
    return Signup(registration, known=find_user(session, person.email) is not None)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _identifier_taken(session: Session, scheme: str | None, value: str | None) -> bool:
    if not (scheme and value):
        return False
    query = select(OrganisationIdentifier).filter_by(
        scheme=scheme.strip().upper(), value=value.strip()
    )
    return session.scalar(query) is not None


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
