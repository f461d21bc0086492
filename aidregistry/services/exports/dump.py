"""A full JSON dump of the public registry, and loading it into an empty registry.

The dump holds every public field of verified organisations and their donations (with
their certificates and verification states), needs and allocations (not contacts, not
users). Loading keeps ids and timestamps, so dumping the loaded registry again gives the
same document. A version 1 dump (certificates as six text fields) loads too: its texts
become certificate records, those not valid kept as declared, not valid.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from aidregistry.models import (
    Allocation,
    Certificate,
    Donation,
    Manufacturer,
    Need,
    Organisation,
    OrganisationIdentifier,
    VerificationState,
    need_standard,
)
from aidregistry.services.certificates import declared_records, entries_from_fields
from aidregistry.services.errors import ServiceError
from aidregistry.services.exports.datasets import deliveries_query, records
from aidregistry.services.manufacturers import resolve_manufacturer

FORMAT = "aidregistry-dump"
VERSION = 2
READABLE_VERSIONS = (1, 2)
ORG_FIELDS = ("id", "name", "name_local", "kind", "role", "country", "region", "city", "lat",
              "lon", "location_precision", "website", "external_ref", "created_at", "updated_at")
RECORD_FIELDS = ("id", "organisation_id", "item_code", "quantity", "allocated", "pack_size",
                 "pack_label", "place", "place_country", "place_region", "lat", "lon",
                 "expires_on", "notes", "status", "external_ref", "source", "confidence",
                 "created_at", "updated_at")
DONATION_FIELDS = (*RECORD_FIELDS, "standard_code", "manufacturer", "lot", "available_from",
                   "modes", "status_reason", "withdrawn_at")
CERTIFICATE_FIELDS = ("scheme", "number", "declared_text", "notified_body", "declared_body",
                      "issuer", "tested_standard", "valid_from", "valid_until", "verification",
                      "problem", "listed_from", "listed_until")
V1_CERTIFICATE_FIELDS = ("cert_nmpa", "cert_fda_eua", "cert_fda_510k", "cert_ce",
                         "cert_ce_notified_body", "cert_niosh")
NEED_FIELDS = (*RECORD_FIELDS, "priority", "needed_by", "closed_at", "reconfirmed_at")
ALLOCATION_FIELDS = ("id", "donation_id", "need_id", "quantity", "status", "proposed_by",
                     "decided_at", "mode", "km", "external_ref", "created_at", "updated_at")
DATE_FIELDS = frozenset({"expires_on", "available_from", "needed_by", "valid_from",
                         "valid_until", "listed_from", "listed_until"})
TIME_FIELDS = frozenset({"created_at", "updated_at", "withdrawn_at", "closed_at",
                         "reconfirmed_at", "decided_at"})
TABLES = {"organisations": Organisation, "donations": Donation, "needs": Need,
          "allocations": Allocation}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return getattr(value, "value", value)


def _fields(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(record, name)) for name in names}


def _organisation(org: Organisation) -> dict[str, Any]:
    return {**_fields(org, ORG_FIELDS),
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in org.identifiers]}


def _donation(donation: Donation) -> dict[str, Any]:
    return {**_fields(donation, DONATION_FIELDS),
            "certificates": [_fields(c, CERTIFICATE_FIELDS) for c in donation.certificates]}


def _need(need: Need) -> dict[str, Any]:
    return {**_fields(need, NEED_FIELDS),
            "accepted_standards": sorted(s.code for s in need.accepted_standards)}


def _sections(session: Session) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    orgs = (select(Organisation).where(Organisation.state == VerificationState.VERIFIED)
            .order_by(Organisation.id))
    from aidregistry.services.exports.datasets import DATASETS

    yield "organisations", (_organisation(o) for o in records(session, orgs))
    yield "donations", (_donation(d) for d in records(session, DATASETS["donations"].query()))
    yield "needs", (_need(n) for n in records(session, DATASETS["needs"].query()))
    from aidregistry.models.enums import HOLDING_STATUSES

    held = tuple(HOLDING_STATUSES)
    yield "allocations", (_fields(a, ALLOCATION_FIELDS)
                          for a in records(session, deliveries_query(held)))


def dump_chunks(session: Session) -> Iterator[str]:
    """The dump as JSON text, record by record."""
    yield f'{{"format": "{FORMAT}", "version": {VERSION}'
    for name, items in _sections(session):
        yield f',\n"{name}": ['
        for n, item in enumerate(items):
            yield ("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False, sort_keys=True)
        yield "\n]"
    yield "}\n"


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    typed = dict(row)
    for key, value in row.items():
        if value is None:
            continue
        if key in DATE_FIELDS:
            typed[key] = date.fromisoformat(value)
        elif key in TIME_FIELDS:
            typed[key] = datetime.fromisoformat(value)
    return typed


def _insert_all(session: Session, document: dict[str, Any]) -> dict[str, int]:
    orgs = [_typed({k: v for k, v in o.items() if k != "identifiers"})
            for o in document["organisations"]]
    for org in orgs:
        org["state"] = VerificationState.VERIFIED.value
    if orgs:
        session.execute(insert(Organisation), orgs)
    identifiers = [{"organisation_id": o["id"], **i} for o in document["organisations"]
                   for i in o["identifiers"]]
    if identifiers:
        session.execute(insert(OrganisationIdentifier), identifiers)
    _insert_donations(session, document)
    for key, model in (("needs", Need), ("allocations", Allocation)):
        rows = [_typed({k: v for k, v in r.items() if k != "accepted_standards"})
                for r in document[key]]
        if rows:
            session.execute(insert(model), rows)
    links = [{"need_id": n["id"], "standard_code": code} for n in document["needs"]
             for code in n["accepted_standards"]]
    if links:
        session.execute(insert(need_standard), links)
    return {key: len(document[key]) for key in TABLES}


def _insert_donations(session: Session, document: dict[str, Any]) -> None:
    """Donations with their makers (matched from the text, as typed) and certificates."""
    donations, certificates = [], []
    for row in document["donations"]:
        values = _typed({k: v for k, v in row.items()
                         if k != "certificates" and k not in V1_CERTIFICATE_FIELDS})
        maker = resolve_manufacturer(session, values.get("manufacturer"))
        if maker is not None and maker.id is None:
            session.add(maker)
            session.flush()
        values["manufacturer_id"] = maker.id if maker is not None else None
        donations.append(values)
        found = row.get("certificates")
        if found is None:  # version 1: six text fields
            found = [_fields(c, CERTIFICATE_FIELDS) for c in declared_records(
                session, entries_from_fields(row), row.get("standard_code"))]
        certificates += [{**_typed(c), "donation_id": values["id"], "holder_id":
                          values["manufacturer_id"], "created_at": values["created_at"],
                          "updated_at": values["updated_at"]} for c in found]
    if donations:
        session.execute(insert(Donation), donations)
    if certificates:
        session.execute(insert(Certificate), certificates)


def _reset_sequences(session: Session) -> None:
    """PostgreSQL: ids inserted explicitly do not move the sequences on; move them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (*TABLES.values(), OrganisationIdentifier, Certificate, Manufacturer):
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                             f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def load_dump(session: Session, raw: str) -> dict[str, int]:
    """Load a dump into an empty registry (the caller commits); counts per table."""
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise ServiceError(f"The file is not JSON: {exc}.") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ServiceError("The file is not an AidRegistry dump.")
    if document.get("version") not in READABLE_VERSIONS:
        raise ServiceError(f"Dump version {document.get('version')} is not supported.")
    if session.scalar(select(func.count()).select_from(Organisation)):
        raise ServiceError("The registry is not empty; a dump loads only into an empty one.")
    counts = _insert_all(session, document)
    session.flush()
    _reset_sequences(session)
    return counts


