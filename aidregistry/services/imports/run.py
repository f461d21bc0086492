"""Preview and commit an import in one streaming pass: all rows or none.

Rows are checked and (when committing) inserted in batches inside the caller's single
transaction. Any error anywhere means the caller rolls back, so a file is never half
imported, not even when the process is killed between batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aidregistry.domain.places import Geocoder
from aidregistry.models import (
    Donation,
    DonationStatus,
    Need,
    NeedStatus,
    Organisation,
    User,
    need_standard,
)
from aidregistry.models.base import today as utc_today
from aidregistry.models.base import utcnow
from aidregistry.services.audit import record_event
from aidregistry.services.errors import FieldErrors, ServiceError
from aidregistry.services.imports.columns import (
    Choice,
    ImportKind,
    Label,
    assign_by_choice,
    assign_by_header,
)
from aidregistry.services.imports.evidence_rows import evidence_values, write_donations
from aidregistry.services.imports.messages import Message, message
from aidregistry.services.imports.reading import ImportFileError, Row, read_rows
from aidregistry.services.imports.rows import Context, Parsed, RowInvalidError, parse_row
from aidregistry.services.records import DonationInput, apply_donation_input, apply_need_input

MAX_LISTED_ERRORS = 1000
BATCH = 2000
Progress = Callable[[int], None]
STANDARDS_KEY = "_accepted_standards"
DEFAULT_STATUS: dict[type, str] = {Donation: DonationStatus.AVAILABLE, Need: NeedStatus.OPEN}


@dataclass(frozen=True)
class RowError:
    """One problem: the row as the spreadsheet numbers it, the column, what to do.

    ``label`` is a header or field name as written (a str, never translated) or words such as
    "column 3" (a Message); ``problem`` is the Message. ``column`` and ``message`` are their
    English texts.
    """

    row: int
    label: Label
    problem: Message

    @property
    def column(self) -> str:
        """The column in English (or as written in the file)."""
        return str(self.label)

    @property
    def message(self) -> str:
        """The problem in English."""
        return str(self.problem)


@dataclass
class ImportReport:
    """What a preview found or a commit did."""

    kind: ImportKind
    rows: int = 0
    valid: int = 0
    skipped: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    organisation_ids: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """True when no row has an error."""
        return self.error_count == 0

    def add(self, row: int, label: Label, problem: Message) -> None:
        """Count an error; list the first MAX_LISTED_ERRORS."""
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, label, problem))


def _columns(header: list[str], kind: ImportKind, mapping: dict[str, str],
             choice: Choice | None, report: ImportReport) -> list[str | None]:
    if choice is None:
        names, problems = assign_by_header(header, kind, mapping)
    else:
        names, problems = assign_by_choice(header, kind, choice)
    for label, problem in problems:
        report.add(1, label, problem)
    return names


def _values(row: Row, names: list[str | None], report: ImportReport) -> dict[str, str] | None:
    if not any(cell.strip() for cell in row.cells):
        report.add(row.number, "", message("This row is blank; delete it."))
        return None
    if len(row.cells) > len(names) and any(c.strip() for c in row.cells[len(names):]):
        report.add(row.number, message("column %(number)s", number=len(names) + 1),
                   message("This row has %(cells)s cells but the header has %(header)s; a cell "
                           "may contain an unquoted comma.", cells=len(row.cells),
                           header=len(names)))
        return None
    if len(row.cells) < len(names):
        report.add(row.number, "", message("This row has %(cells)s cells but the header has "
                                           "%(header)s.", cells=len(row.cells),
                                           header=len(names)))
        return None
    return {name: cell.strip() for name, cell in zip(names, row.cells, strict=False) if name}


def _check_rules(ctx: Context, parsed: Parsed, on: date) -> Donation | Need:
    org, ref, data = parsed
    if ctx.kind is ImportKind.DONATIONS and not org.can_donate:
        refused = message("%(organisation)s is not registered to donate.", organisation=org.name)
        raise RowInvalidError([("organisation_id", refused)])
    if ctx.kind is ImportKind.NEEDS and not org.can_receive:
        refused = message("%(organisation)s is not registered to receive.", organisation=org.name)
        raise RowInvalidError([("organisation_id", refused)])
    if isinstance(data, DonationInput):
        donation = Donation(organisation_id=org.id, allocated=0, external_ref=ref)
        apply_donation_input(ctx.session, donation, data)
        return donation
    need = Need(organisation_id=org.id, allocated=0, external_ref=ref)
    apply_need_input(ctx.session, need, data, on)
    return need


def _records(path: Path, ctx: Context, columns: tuple[dict[str, str], Choice | None],
             report: ImportReport, progress: Progress | None) -> Iterator[Donation | Need]:
    header, rows = read_rows(path)
    names = _columns(header, ctx.kind, *columns, report)
    on, refs = utc_today(), set[str]()
    for row in rows:
        report.rows += 1
        if progress is not None:
            progress(1)
        if row.problem is not None:
            report.add(row.number, "", row.problem.message)
            continue
        values = _values(row, names, report)
        if values is None:
            continue
        try:
            record = _check_rules(ctx, parse_row(ctx, values, on), on)
        except RowInvalidError as exc:
            for column, problem in exc.errors:
                report.add(row.number, column, problem)
            continue
        except FieldErrors as exc:
            for column, text in exc.errors:
                report.add(row.number, column, Message(text))
            continue
        except ServiceError as exc:
            report.add(row.number, exc.field or "", Message(exc.message))
            continue
        if record.external_ref in refs:
            report.add(row.number, "external_ref",
                       message("This external_ref appears earlier in the file."))
            continue
        refs.add(str(record.external_ref))
        report.organisation_ids.add(record.organisation_id)
        report.valid += 1
        yield record



@cache
def _column_keys(model: type) -> tuple[str, ...]:
    return tuple(c.key for c in model.__table__.columns if c.key != "id")  # type: ignore[attr-defined]


def _row_dict(record: Donation | Need, now: datetime) -> dict[str, Any]:
    # Every column, None included: Core's executemany takes its columns from the first row.
    # The instance's own dict: the instrumented getattr costs more than the insert itself.
    state = record.__dict__
    values = {key: state.get(key) for key in _column_keys(type(record))}
    values.update(created_at=now, updated_at=now, version=1,
                  status=values["status"] or DEFAULT_STATUS[type(record)])
    if isinstance(record, Need):
        values[STANDARDS_KEY] = [s.code for s in record.accepted_standards]
    else:
        values.update(evidence_values(record))
    return values


def _write(session: Session, model: type[Donation | Need], batch: list[dict[str, Any]],
           report: ImportReport) -> None:
    refs = [row["external_ref"] for row in batch]
    column = model.external_ref
    known = set(session.scalars(select(column).where(column.in_(refs))))
    fresh = [row for row in batch if row["external_ref"] not in known]
    report.skipped += len(batch) - len(fresh)
    if not fresh:
        return
    if model is Donation:
        write_donations(session, fresh)
    else:
        _write_needs(session, fresh)
    report.written += len(fresh)


def _write_needs(session: Session, rows: list[dict[str, Any]]) -> None:
    standards = [row.pop(STANDARDS_KEY) for row in rows]
    statement = insert(Need).returning(Need.id, sort_by_parameter_order=True)
    ids = list(session.connection().execute(statement, rows).scalars())
    links = [{"need_id": need_id, "standard_code": code}
             for need_id, codes in zip(ids, standards, strict=True) for code in codes]
    if links:
        session.connection().execute(insert(need_standard), links)


def run_import(session: Session, geocoder: Geocoder, path: Path, kind: ImportKind, *,
               organisation: Organisation | None, write: bool,
               mapping: dict[str, str] | None = None, choice: Choice | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Check every row; when ``write``, insert the valid ones in batches (caller commits).

    The file's columns are found by their headers, with ``mapping`` (header → field) for
    headers the template does not know; or, when ``choice`` (field → column position) is
    given, exactly as chosen, every other column left out.
    """
    report = ImportReport(kind)
    ctx = Context(session, geocoder, kind, organisation)
    model: type[Donation | Need] = Donation if kind is ImportKind.DONATIONS else Need
    # Rows wait as plain dicts, not ORM objects: thousands of live instances make every
    # garbage collection slow (it tripled the import's CPU time).
    batch: list[dict[str, Any]] = []
    now = utcnow()
    try:
        for record in _records(path, ctx, (mapping or {}, choice), report, progress):
            if write and report.ok:
                batch.append(_row_dict(record, now))
                if len(batch) >= BATCH:
                    _write(session, model, batch, report)
                    batch = []
    except ImportFileError as exc:
        report.add(exc.row or 0, "", exc.message)
    if write and report.ok and batch:
        _write(session, model, batch, report)
    return report


def preview(session: Session, geocoder: Geocoder, path: Path, kind: ImportKind,
            organisation: Organisation | None, mapping: dict[str, str] | None = None,
            progress: Progress | None = None, choice: Choice | None = None) -> ImportReport:
    """Every row's errors; nothing is written."""
    return run_import(session, geocoder, path, kind, organisation=organisation, write=False,
                      mapping=mapping, choice=choice, progress=progress)


def commit(session: Session, actor: User | None, geocoder: Geocoder, path: Path,
           kind: ImportKind, organisation: Organisation | None,
           mapping: dict[str, str] | None = None,
           progress: Progress | None = None, choice: Choice | None = None) -> ImportReport:
    """Write every row, or none: with any error the caller must roll back (nothing is audited)."""
    report = run_import(session, geocoder, path, kind, organisation=organisation, write=True,
                        mapping=mapping, choice=choice, progress=progress)
    if report.ok and report.written:
        # One event per organisation and file: the rows themselves carry the file's reference.
        for org_id in sorted(report.organisation_ids):
            target = session.get(Organisation, org_id)
            record_event(session, actor, f"{kind.value.rstrip('s')}.import", target,
                         after={"file": path.name, "rows": report.rows,
                                "written": report.written, "skipped": report.skipped})
    return report
