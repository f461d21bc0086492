"""Loading the shipped item catalogue, standards and equivalence table."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.models import CertificationEquivalence, ItemType, Standard

# EU member states on the dates the equivalence rows cover; "EU" rows apply to each.
EU_MEMBERS = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})  # fmt: skip
NOT_STATED_SUFFIX = "-NS"


def read_data(name: str) -> Iterator[dict[str, str]]:
    """Rows of a CSV file shipped in ``aidregistry/data``."""
    text = resources.files("aidregistry.data").joinpath(name).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def load_catalogue(session: Session) -> dict[str, int]:
    """Insert or update items, standards and equivalences; safe to run again."""
    counts = {"items": 0, "standards": 0, "equivalences": 0}
    for row in read_data("items.csv"):
        counts["items"] += _upsert_item(session, row)
    session.flush()
    for row in read_data("standards.csv"):
        counts["standards"] += _upsert_standard(session, row)
    for item in session.scalars(select(ItemType)):
        counts["standards"] += _upsert_standard(session, _not_stated_row(item))
    session.flush()
    for row in read_data("equivalences.csv"):
        counts["equivalences"] += _upsert_equivalence(session, row)
    session.flush()
    return counts


def _not_stated_row(item: ItemType) -> dict[str, str]:
    return {
        "code": item.code + NOT_STATED_SUFFIX,
        "item": item.code,
        "name": "No standard stated",
        "jurisdiction": "*",
        "required_certificates": "",
    }


def _upsert(session: Session, model: type[Any], key: Any, values: dict[str, Any]) -> int:
    record = session.get(model, key)
    if record is None:
        session.add(model(**values))
        return 1
    for name, value in values.items():
        setattr(record, name, value)
    return 0


def _upsert_item(session: Session, row: dict[str, str]) -> int:
    values = {
        "code": row["code"],
        "name_en": row["name_en"],
        "name_zh": row["name_zh"],
        "category": row["category"],
        "base_unit": row["base_unit"],
        "unit_mass_g": _int(row["unit_mass_g"]),
        "hs_code": row["hs_code"] or None,
        "default_pack": _int(row["default_pack"]),
        "sort_order": int(row["sort_order"]),
    }
    return _upsert(session, ItemType, row["code"], values)


def _upsert_standard(session: Session, row: dict[str, str]) -> int:
    values = {
        "code": row["code"],
        "item_code": row["item"],
        "name": row["name"],
        "jurisdiction": row["jurisdiction"],
        "required_certificates": row["required_certificates"],
        "ce_scope": row.get("ce_scope", ""),
    }
    return _upsert(session, Standard, row["code"], values)


def _upsert_equivalence(session: Session, row: dict[str, str]) -> int:
    valid_from = date.fromisoformat(row["valid_from"])
    existing = session.scalar(
        select(CertificationEquivalence).filter_by(
            requested_code=row["requested"],
            offered_code=row["offered"],
            jurisdiction=row["jurisdiction"],
            valid_from=valid_from,
        )
    )
    values = {
        "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
        "required_certificates": row["required_certificates"],
        "note": row["note"],
        "source": row["source"],
    }
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        return 0
    session.add(
        CertificationEquivalence(
            requested_code=row["requested"],
            offered_code=row["offered"],
            jurisdiction=row["jurisdiction"],
            valid_from=valid_from,
            **values,
        )
    )
    return 1


def jurisdiction_covers(jurisdiction: str, country: str) -> bool:
    """True when a standard or equivalence of ``jurisdiction`` applies in ``country``."""
    return jurisdiction in ("*", country) or (jurisdiction == "EU" and country in EU_MEMBERS)


def default_accepted_standards(
    session: Session, item_code: str, country: str, on: date
) -> list[str]:
    """The standards a recipient in ``country`` accepts by default for an item on a date.

    Its own jurisdiction's standards for the item, plus what the equivalence table
    allows in that jurisdiction on that date. "No standard stated" is never a default.
    """
    standards = session.scalars(select(Standard).filter_by(item_code=item_code)).all()
    own = [
        s.code
        for s in standards
        if jurisdiction_covers(s.jurisdiction, country) and not s.code.endswith(NOT_STATED_SUFFIX)
    ]
    if not own:
        # No standard of this jurisdiction exists for the item: accept what is offered.
        return [s.code for s in standards]
    accepted = list(own)
    for row in session.scalars(select(CertificationEquivalence)):
        if (
            row.requested_code in own
            and jurisdiction_covers(row.jurisdiction, country)
            and row.valid_on(on)
            and row.offered_code not in accepted
        ):
            accepted.append(row.offered_code)
    return accepted
