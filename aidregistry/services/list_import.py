"""Loading an authority's full list (CSV or XLSX, as published) into one authorisation list.

The file's columns are found by their headers (the names authorities use, or ``mapping``
header → field); every row is checked first — dates, numbers in their scheme's form, a
maker or a number on each row — and then all rows replace the list's entries, or none do.
The list is then marked complete (its "not listed" means something) unless the file is a
subset, and every certificate it speaks for is checked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from aidregistry.domain.evidence.makers import maker_keys
from aidregistry.domain.evidence.numbers import Scheme, parse_notified_body, parse_number
from aidregistry.domain.evidence.problems import EvidenceError
from aidregistry.models import AuthorisationList, ListingEntry
from aidregistry.models.base import utcnow
from aidregistry.services.errors import ServiceError
from aidregistry.services.imports.columns import normalise_header
from aidregistry.services.imports.reading import ImportFileError, read_rows
from aidregistry.services.listings import NO, YES, keys_text
from aidregistry.services.verification import recheck

FIELDS: dict[str, tuple[str, ...]] = {
    "maker": ("manufacturer", "manufacturer_name", "approval_holder", "company", "company_name",
              "applicant", "name", "notified_body", "生产企业", "企业名称", "生产企业名称"),
    "maker_local": ("manufacturer_chinese", "chinese_name", "中文名称", "企业中文名称"),
    "country": ("country_code",),
    "scheme": ("certificate", "certification"),
    "number": ("tc_number", "approval_number", "approval_no", "notified_body_number",
               "nb_number", "body_number", "registration_number", "注册证编号", "注册证号"),
    "scope": ("legislation", "designation"),
    "designated": ("designated_for_scope",),
    "listed_from": ("date_added", "added", "approval_date", "date_of_approval",
                    "effective_date"),
    "removed_on": ("date_removed", "removed", "removal_date", "date_rescinded", "rescinded",
                   "revoked", "date_revoked"),
    "models": ("model", "model_s", "respirator_model_s", "产品名称", "型号"),
    "note": ("notes", "remarks", "备注"),
}  # fmt: skip
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class ListImport:
    """What a load found: rows read, entries written, and every problem (row, field, text)."""

    rows: int = 0
    written: int = 0
    checked: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem in any row."""
        return not self.errors


@dataclass(frozen=True)
class Source:
    """The official file: its name, date and address (each entry cites it)."""

    document: str
    date: str
    url: str


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    wanted = {normalise_header(k): v for k, v in mapping.items()}
    found: dict[str, int] = {}
    for position, text in enumerate(header):
        name = normalise_header(text)
        target = wanted.get(name) or next(
            (f for f, aliases in FIELDS.items() if name == f or name in aliases), None
        )
        if target is not None and target not in found:
            found[target] = position
    return found


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    us = US_DATE.match(text)
    if us:
        return date(int(us[3]), int(us[1]), int(us[2]))
    return datetime.fromisoformat(text.replace("/", "-")).date()


def _number(scheme: Scheme | None, text: str) -> str | None:
    if not text.strip():
        return None
    if scheme is Scheme.CE:
        return parse_notified_body(text)
    if scheme in (Scheme.NIOSH, Scheme.FDA_510K, Scheme.NMPA):
        return parse_number(scheme, text).number
    return text.strip()


def _entry(cells: dict[str, str], target: AuthorisationList, source: Source) -> dict[str, Any]:
    scheme = Scheme(cells["scheme"]) if cells.get("scheme") else None
    designated = (cells.get("designated") or "yes").strip().lower()
    if designated not in YES | NO:
        raise ValueError("designated is yes or no")
    values = {
        "list_code": target.code,
        "scheme": scheme,
        "maker": cells.get("maker") or None,
        "maker_local": cells.get("maker_local") or None,
        "maker_keys": keys_text(maker_keys(cells.get("maker"), cells.get("maker_local"))),
        "country": (cells.get("country") or "").upper()[:2] or None,
        "number": _number(scheme or target.scheme, cells.get("number", "")),
        "scope": cells.get("scope") or None,
        "designated": designated in YES,
        "listed_from": _date(cells.get("listed_from", "")),
        "removed_on": _date(cells.get("removed_on", "")),
        "models": cells.get("models") or None,
        "note": cells.get("note", ""),
        "source_document": source.document,
        "source_date": source.date,
        "source_url": source.url,
        "confidence": "confirmed",
    }
    if not values["maker_keys"] and not values["number"]:
        raise ValueError("a row names a maker or a number")
    return values


def _read(path: Path, target: AuthorisationList, source: Source, mapping: dict[str, str],
          report: ListImport) -> list[dict[str, Any]]:
    header, rows = read_rows(path)
    columns = _columns(header, mapping)
    if "maker" not in columns and "number" not in columns:
        report.errors.append((1, "", "No column names a maker or a number; use --map."))
        return []
    entries = []
    for row in rows:
        report.rows += 1
        cells = {f: row.cells[i].strip() for f, i in columns.items() if i < len(row.cells)}
        try:
            entries.append({**_entry(cells, target, source), "row_number": row.number})
        except (ValueError, EvidenceError) as exc:
            report.errors.append((row.number, "", str(exc)))
    return entries


def import_list(session: Session, code: str, path: Path, source: Source, *,
                mapping: dict[str, str] | None = None, complete: bool = True,
                write: bool = True) -> ListImport:
    """Replace list ``code``'s entries with the file's rows (all or none; caller commits)."""
    target = session.get(AuthorisationList, code)
    if target is None:
        raise ServiceError(f"There is no authorisation list {code}.")
    report = ListImport()
    try:
        entries = _read(path, target, source, mapping or {}, report)
    except ImportFileError as exc:
        report.errors.append((exc.row or 0, "", str(exc.message)))
    if not report.ok or not write:
        return report
    session.execute(delete(ListingEntry).where(ListingEntry.list_code == code))
    session.add_all(ListingEntry(**values) for values in entries)
    target.complete, target.loaded_at = complete, utcnow()
    session.flush()
    report.written = len(entries)
    report.checked = recheck(session, target.scheme)
    return report
