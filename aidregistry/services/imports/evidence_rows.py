"""A donation row's certificates and maker, carried beside its columns and written with it.

The import inserts rows with Core (no ORM objects live across a batch): a donation's
certificates go as plain dicts, its maker as the record it was matched to; makers new to the
registry are written once per batch, before the donations that name them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from aidregistry.models import Certificate, Donation, Manufacturer

CERTIFICATES_KEY = "_certificates"
MAKER_KEY = "_maker"


@cache
def _certificate_keys() -> tuple[str, ...]:
    skip = {"id", "donation_id", "holder_id", "created_at", "updated_at"}
    return tuple(c.key for c in Certificate.__table__.columns if c.key not in skip)


def evidence_values(record: Donation) -> dict[str, Any]:
    """The row's certificates (as dicts) and its maker (an existing or a new record)."""
    certificates = []
    for certificate in record.certificates:
        state = certificate.__dict__
        certificates.append({key: state.get(key) for key in _certificate_keys()})
    return {CERTIFICATES_KEY: certificates, MAKER_KEY: record.maker}


def _write_makers(session: Session, rows: list[dict[str, Any]]) -> None:
    new = {id(m): m for row in rows if (m := row[MAKER_KEY]) is not None and m.id is None}
    if new:
        session.add_all(new.values())
        session.flush()


def write_donations(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert donation rows, their new makers first and their certificates after."""
    _write_makers(session, rows)
    makers: list[Manufacturer | None] = [row.pop(MAKER_KEY) for row in rows]
    certificates = [row.pop(CERTIFICATES_KEY) for row in rows]
    for row, maker in zip(rows, makers, strict=True):
        row["manufacturer_id"] = maker.id if maker is not None else None
    statement = insert(Donation).returning(Donation.id, sort_by_parameter_order=True)
    ids = list(session.connection().execute(statement, rows).scalars())
    now = rows[0]["created_at"]
    links = [
        {**values, "donation_id": donation_id, "created_at": now, "updated_at": now,
         "holder_id": maker.id if maker is not None else None}
        for donation_id, maker, found in zip(ids, makers, certificates, strict=True)
        for values in found
    ]  # fmt: skip
    if links:
        session.connection().execute(insert(Certificate), links)
