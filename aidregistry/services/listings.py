"""Authorisation lists: loading the shipped subset, and reading entries for a lot.

Nothing is fetched at run time: the lists come from ``aidregistry/data/lists/`` (each row
with its source) or from an authority's full file loaded by ``aidregistry lists import``
(:mod:`aidregistry.services.list_import`). A list loaded from such a file is never
overwritten by the shipped subset again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from aidregistry.domain.evidence import listings as dl
from aidregistry.domain.evidence.makers import maker_keys
from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.models import AuthorisationList, ListingEntry

YES = frozenset({"yes", "y", "true", "1", "是"})
NO = frozenset({"no", "n", "false", "0", "否"})


def _rows(name: str) -> Iterator[dict[str, str]]:
    folder = resources.files("aidregistry.data").joinpath("lists")
    yield from csv.DictReader(folder.joinpath(name).read_text(encoding="utf-8").splitlines())


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


def keys_text(keys: Iterable[str]) -> str:
    """Name keys as stored: ``|a|b|``, so that ``LIKE '%|a|%'`` finds one exactly."""
    keys = sorted(set(keys))
    return "|" + "|".join(keys) + "|" if keys else ""


def entry_values(row: dict[str, str]) -> dict[str, Any]:
    """The columns of one entry from a row of the shipped format."""
    designated = row.get("designated", "yes").strip().lower() or "yes"
    return {
        "scheme": Scheme(row["scheme"]) if row.get("scheme") else None,
        "maker": row.get("maker") or None,
        "maker_local": row.get("maker_local") or None,
        "maker_keys": keys_text(maker_keys(row.get("maker"), row.get("maker_local"))),
        "country": row.get("country") or None,
        "number": row.get("number") or None,
        "scope": row.get("scope") or None,
        "designated": designated in YES,
        "listed_from": _date(row.get("listed_from", "")),
        "removed_on": _date(row.get("removed_on", "")),
        "models": row.get("models") or None,
        "note": row.get("note", ""),
        "source_document": row["source_document"],
        "source_date": row["source_date"],
        "source_url": row["source_url"],
        "confidence": row.get("confidence") or "confirmed",
    }


def _list_values(row: dict[str, str]) -> dict[str, Any]:
    return {
        "scheme": Scheme(row["scheme"]) if row["scheme"] else None,
        "match_by": row["match_by"],
        "name": row["name"],
        "authority": row["authority"],
        "in_force_from": _date(row["in_force_from"]),
        "in_force_until": _date(row["in_force_until"]),
        "source_document": row["source_document"],
        "source_date": row["source_date"],
        "source_url": row["source_url"],
        "note": row["note"],
    }


def load_lists(session: Session) -> dict[str, int]:
    """Insert or update the shipped lists and their entries; safe to run again.

    A list loaded from an authority's file (``aidregistry lists import``) keeps its entries.
    """
    counts = {"lists": 0, "entries": 0}
    for row in _rows("lists.csv"):
        found = session.get(AuthorisationList, row["code"])
        if found is None:
            found = AuthorisationList(code=row["code"], complete=False)
            session.add(found)
            counts["lists"] += 1
        for name, value in _list_values(row).items():
            setattr(found, name, value)
        if found.loaded_at is not None:
            continue
        session.flush()
        session.execute(delete(ListingEntry).where(ListingEntry.list_code == found.code))
        for number, entry in enumerate(_rows(row["file"]), start=2):
            session.add(ListingEntry(list_code=found.code, row_number=number,
                                     **entry_values(entry)))  # fmt: skip
            counts["entries"] += 1
    session.flush()
    return counts


def to_domain_list(row: AuthorisationList) -> dl.AuthorisationList:
    """A list as the domain sees it."""
    return dl.AuthorisationList(
        row.code, row.scheme, row.in_force_from, row.in_force_until, row.match_by
    )


def to_domain_entry(row: ListingEntry) -> dl.ListingEntry:
    """An entry as the domain sees it."""
    return dl.ListingEntry(
        row.id,
        row.list_code,
        frozenset(k for k in row.maker_keys.split("|") if k),
        row.number,
        row.scope,
        row.listed_from,
        row.removed_on,
        row.designated,
        row.scheme,
    )


def lists_by_code(session: Session) -> dict[str, dl.AuthorisationList]:
    """Every list that holds entries, by code. A list with none loaded (China's, until its
    official file is imported) speaks for nothing: it would call every lot "not listed"."""
    held = select(ListingEntry.list_code).distinct()
    query = select(AuthorisationList).where(AuthorisationList.code.in_(held))
    return {r.code: to_domain_list(r) for r in session.scalars(query)}


def entries_for(session: Session, lot: dl.Lot) -> list[dl.ListingEntry]:
    """The entries that could name ``lot``: by its number or notified body, or by one of
    its maker's keys (the domain then decides)."""
    conditions = [
        ListingEntry.maker_keys.contains(f"|{key}|", autoescape=True)
        for key in sorted(lot.maker_keys)
    ]
    for number in (lot.number, lot.notified_body):
        if number:
            conditions.append(ListingEntry.number == number)
    if not conditions:
        return []
    rows = session.scalars(select(ListingEntry).where(or_(*conditions)))
    return [to_domain_entry(r) for r in rows]


def notified_body_entries(session: Session, body: str) -> list[dl.ListingEntry]:
    """What the lists say about one notified body (its designations and exclusions)."""
    rows = session.scalars(select(ListingEntry).where(ListingEntry.number == body))
    return [to_domain_entry(r) for r in rows]


def notified_body_name(session: Session, body: str) -> str | None:
    """The name a list gives a notified body, if any list knows it."""
    return session.scalar(
        select(ListingEntry.maker).where(ListingEntry.number == body).limit(1)
    )
