"""Organisations that may be the same body under another record, and names that may not be used.

Coordinators see an organisation's look-alikes (the same name in either script anywhere, or a
similar name in the same country) before they verify it; a person signing up is told when a
verified organisation already has the name they typed. Only verified organisations are named
to a registrant: they are public anyway, pending ones are not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.domain.names import LookAlike, NamedOrganisation, look_alikes, name_key
from aidregistry.models import Organisation, OrgRole, VerificationState


@dataclass(frozen=True)
class Duplicate:
    """A possible duplicate of an organisation, and why it is one."""

    organisation: Organisation
    match: LookAlike


def _named(org_id: int, name: str, name_local: str | None, country: str) -> NamedOrganisation:
    return NamedOrganisation(org_id, (name, name_local or ""), country)


def possible_duplicates(session: Session, organisation: Organisation) -> list[Duplicate]:
    """Other organisations that look like ``organisation`` (same name first)."""
    rows = session.execute(
        select(
            Organisation.id, Organisation.name, Organisation.name_local, Organisation.country
        ).where(Organisation.id != organisation.id, Organisation.role != OrgRole.COORDINATOR)
    ).all()
    subject = NamedOrganisation(
        organisation.id, (organisation.name, organisation.name_local or ""), organisation.country
    )
    matches = look_alikes(subject, (_named(*row) for row in rows))
    found = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(Organisation.id.in_([m.id for m in matches]))
        )
    }
    return [Duplicate(found[match.id], match) for match in matches]


def verified_namesake(session: Session, names: tuple[str, ...]) -> Organisation | None:
    """A verified organisation that has one of ``names`` (in either of its scripts), if any."""
    keys = {name_key(name) for name in names if name} - {""}
    if not keys:
        return None
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_local)
        .where(
            Organisation.state == VerificationState.VERIFIED,
            Organisation.role != OrgRole.COORDINATOR,
        )
        .order_by(Organisation.id)
    ).all()
    for org_id, name, name_local in rows:
        if keys & {name_key(name), name_key(name_local or "")}:
            return session.get(Organisation, org_id)
    return None
