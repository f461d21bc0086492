"""Sign-up, sign-in and password changes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidregistry.domain.names import refused_characters
from aidregistry.models import (
    LocationPrecision,
    Organisation,
    OrganisationIdentifier,
    OrgKind,
    OrgRole,
    User,
    UserRole,
    VerificationState,
)
from aidregistry.models.api_token import RevokeReason
from aidregistry.models.base import utcnow
from aidregistry.services.account_links import end_reset_links
from aidregistry.services.api_tokens import revoke_all
from aidregistry.services.audit import record_event, snapshot
from aidregistry.services.errors import NotAllowed, ServiceError
from aidregistry.services.passwords import Hasher, password_problem

ORG_FIELDS = ("name", "name_local", "kind", "role", "country", "region", "city", "state")


@dataclass(frozen=True)
class OrganisationInput:
    """What a person tells about their organisation when signing up."""

    name: str
    name_local: str | None
    kind: OrgKind
    role: OrgRole
    country: str
    region: str | None
    city: str
    lat: float | None
    lon: float | None
    identifier_scheme: str | None
    identifier_value: str | None
    contact_phone: str | None = None
    website: str | None = None
    location_precision: LocationPrecision = LocationPrecision.CITY


@dataclass(frozen=True)
class PersonInput:
    """The person signing up."""

    name: str
    email: str
    password: str


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def register(
    session: Session,
    hasher: Hasher,
    org: OrganisationInput,
    person: PersonInput,
    *,
    password_hash: str | None = None,
) -> User:
    """Create a pending organisation and its first member.

    ``password_hash`` comes from a confirmed sign-up link, whose password was checked and
    hashed when the form was sent (services/signup.py).
    """
    problem = (
        None
        if password_hash
        else password_problem(person.password, email=person.email, name=person.name)
    )
    if problem:
        raise ServiceError(problem, field="password")
    _refuse_hidden_characters(org, person)
    if find_user(session, person.email) is not None:
        raise ServiceError(
            "An account with this e-mail address exists; sign in instead.", field="email"
        )
    organisation = _new_organisation(session, org, person)
    user = User(
        email=normalise_email(person.email),
        name=person.name.strip(),
        password_hash=password_hash or hasher.hash(person.password),
        organisation=organisation,
        role=UserRole.MEMBER,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        user,
        "organisation.register",
        organisation,
        after=snapshot(organisation, ORG_FIELDS),
    )
    return user


def _refuse_hidden_characters(org: OrganisationInput, person: PersonInput) -> None:
    """Names show what they are: no controls, direction overrides or invisible characters."""
    for field, value in (
        ("org_name", org.name), ("org_name_local", org.name_local or ""), ("name", person.name)
    ):
        if refused_characters(value):
            raise ServiceError(
                "Names may not hold control, direction or invisible characters.", field=field
            )


def _new_organisation(
    session: Session, org: OrganisationInput, person: PersonInput
) -> Organisation:
    organisation = Organisation(
        name=org.name.strip(),
        name_local=(org.name_local or "").strip() or None,
        kind=org.kind,
        role=org.role,
        country=org.country.upper(),
        region=org.region,
        city=org.city.strip(),
        lat=org.lat,
        lon=org.lon,
        location_precision=org.location_precision,
        state=VerificationState.PENDING,
        contact_name=person.name.strip(),
        contact_email=normalise_email(person.email),
        contact_phone=org.contact_phone,
        website=org.website,
    )
    if org.identifier_scheme and org.identifier_value:
        scheme, value = org.identifier_scheme.strip().upper(), org.identifier_value.strip()
        taken = session.scalar(select(OrganisationIdentifier).filter_by(scheme=scheme, value=value))
        if taken is not None:
            raise ServiceError(
                "An organisation with this identifier is already registered.",
                field="identifier_value",
            )
        organisation.identifiers.append(OrganisationIdentifier(scheme=scheme, value=value))
    session.add(organisation)
    return organisation


def authenticate(session: Session, hasher: Hasher, email: str, password: str) -> User | None:
    """The user these credentials belong to, or None — one answer for every failure."""
    user = find_user(session, email)
    valid = hasher.verify(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        return None
    if hasher.needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def confirm_password(hasher: Hasher, user: User, password: str, field: str = "password") -> None:
    """Refuse unless ``password`` is ``user``'s: sensitive changes ask for it again."""
    if not hasher.verify(user.password_hash, password or ""):
        raise ServiceError("The password is not correct.", field=field)


def change_password(session: Session, hasher: Hasher, user: User, current: str, new: str) -> None:
    """Replace the password; every existing session and API token of the user ends."""
    if not hasher.verify(user.password_hash, current):
        raise ServiceError("The current password is not correct.", field="current_password")
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise ServiceError(problem, field="new_password")
    user.password_hash = hasher.hash(new)
    end_sessions(user)
    end_reset_links(session, user)
    revoke_all(session, [user], RevokeReason.PASSWORD)
    record_event(session, user, "user.password_change", user)


def reset_password(session: Session, hasher: Hasher, user: User, new: str) -> None:
    """Set a password through a reset link; every session and API token, and the link, end."""
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise ServiceError(problem, field="password")
    user.password_hash = hasher.hash(new)
    end_sessions(user)
    end_reset_links(session, user)
    revoke_all(session, [user], RevokeReason.PASSWORD)
    record_event(session, user, "user.password_reset", user)


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """A coordinator deactivates (or reactivates) an account; deactivating ends its sessions
    and revokes its API tokens. Nobody deactivates themselves (no locked-out registry)."""
    if not actor.is_coordinator:
        raise NotAllowed("Only coordinators deactivate accounts.")
    if user.id == actor.id:
        raise ServiceError("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    if not active:
        end_sessions(user)
        revoke_all(session, [user], RevokeReason.DEACTIVATED)
    session.flush()
    record_event(session, actor, "user.reactivate" if active else "user.deactivate", user,
                 before={"active": not active}, after={"active": active})


def end_sessions(user: User) -> None:
    """Make every cookie issued so far for ``user`` stop working."""
    user.session_version += 1


def load_user_by_token(session: Session, token: str) -> User | None:
    """The user of a login token ``"<id>.<session version>"`` if it is still current."""
    user_id, _, version = token.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def create_coordinator(
    session: Session, hasher: Hasher, *, email: str, name: str, password: str
) -> User:
    """Create a coordinator in the coordination organisation (made on first use)."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ServiceError(problem, field="password")
    if find_user(session, email) is not None:
        raise ServiceError("An account with this e-mail address exists.", field="email")
    org = session.scalar(select(Organisation).filter_by(external_ref="aidregistry:coordination"))
    if org is None:
        org = Organisation(
            name="AidRegistry coordination",
            kind=OrgKind.COORDINATION,
            role=OrgRole.COORDINATOR,
            country="XX",
            city="Coordination",
            state=VerificationState.VERIFIED,
            external_ref="aidregistry:coordination",
        )
        session.add(org)
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hasher.hash(password),
        organisation=org,
        role=UserRole.COORDINATOR,
    )
    session.add(user)
    session.flush()
    record_event(session, None, "user.create_coordinator", user, after={"email": user.email})
    return user
