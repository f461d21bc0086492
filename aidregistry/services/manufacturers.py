"""Manufacturers: naming a lot's maker, and one maker's lots together.

A donor types the maker's name; it is matched to a manufacturer record by the careful keys
of :mod:`aidregistry.domain.evidence.makers` (equal keys only). The text typed is kept on the
donation as written. A name matching two different records is linked to neither — a wrong
link would put one company's lots under another's recall.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from aidregistry.domain.evidence.makers import maker_keys, name_key, split_scripts
from aidregistry.models import Donation, Manufacturer, Organisation, VerificationState

PENDING = "aidregistry.new_manufacturers"


def matching_manufacturers(session: Session, keys: Iterable[str]) -> list[Manufacturer]:
    """The records any of whose names has one of ``keys``."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    query = select(Manufacturer).where(
        or_(Manufacturer.name_key.in_(wanted), Manufacturer.name_local_key.in_(wanted))
    )
    return list(session.scalars(query.order_by(Manufacturer.id)))


def new_manufacturer(text: str, country: str | None = None) -> Manufacturer:
    """A manufacturer record for a name typed in one script or both (not yet added)."""
    latin, han = split_scripts(text)
    name = latin or han
    local = han if latin and han else None
    return Manufacturer(
        name=name[:300],
        name_local=local[:300] if local else None,
        country=country,
        name_key=name_key(name),
        name_local_key=name_key(local) if local else None,
    )


def resolve_manufacturer(session: Session, text: str | None) -> Manufacturer | None:
    """The maker a typed name names: the one record it matches, a new record when it
    matches none, or None when it is blank or matches several."""
    if not text or not text.strip():
        return None
    keys = maker_keys(text)
    if not keys:
        return None
    found = matching_manufacturers(session, keys)
    if len(found) == 1:
        return found[0]
    if found:
        return None
    # Makers created earlier in this session but not yet written (a bulk import's rows)
    # are found here, so that one name gives one record.
    pending: dict[frozenset[str], Manufacturer] = session.info.setdefault(PENDING, {})
    if keys not in pending:
        pending[keys] = new_manufacturer(text.strip())
    return pending[keys]


def lots_of(
    session: Session, manufacturer: Manufacturer, public_only: bool = True
) -> list[Donation]:
    """One maker's lots, newest first (of verified organisations, unless ``public_only`` is
    off for a coordinator)."""
    query = (
        select(Donation)
        .join(Organisation)
        .where(Donation.manufacturer_id == manufacturer.id)
        .options(selectinload(Donation.certificates), selectinload(Donation.item))
        .order_by(Donation.available_from.desc(), Donation.id.desc())
    )
    if public_only:
        query = query.where(Organisation.state == VerificationState.VERIFIED)
    return list(session.scalars(query))
