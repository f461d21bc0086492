"""``aidregistry import donations|needs FILE``: bulk import on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from aidregistry.extensions import db
from aidregistry.services.imports import ImportKind, ImportReport, commit
from aidregistry.services.imports.reading import is_xlsx


def _row_estimate(path: Path) -> int:
    if is_xlsx(path):
        return 0
    with path.open("rb") as stream:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
                   - 1)


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        header, sep, column = pair.partition("=")
        if not sep:
            raise click.BadParameter("use HEADER=column, e.g. Menge=quantity", param_hint="--map")
        mapping[header] = column
    return mapping


def _print_errors(report: ImportReport) -> None:
    for error in report.errors:
        where = f"row {error.row}" + (f", {error.column}" if error.column else "")
        click.echo(f"{where}: {error.message}", err=True)
    if report.error_count > len(report.errors):
        click.echo(f"… and {report.error_count - len(report.errors):,} more errors.", err=True)


def _run(kind: ImportKind, path: Path, organisation_id: int | None, maps: tuple[str, ...],
         dry_run: bool) -> None:
    from aidregistry.models import Organisation
    from aidregistry.services.imports import preview
    from aidregistry.web.geocoder import get_geocoder

    org = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and org is None:
        raise click.BadParameter(f"no organisation {organisation_id}", param_hint="--organisation")
    bar: Any
    with click.progressbar(length=_row_estimate(path) or None, label=f"Importing {kind.value}",
                           file=sys.stderr) as bar:
        if dry_run:
            report = preview(db.session, get_geocoder(), path, kind, org,  # type: ignore[arg-type]
                             mapping=_mapping(maps), progress=bar.update)
        else:
            report = commit(db.session, None, get_geocoder(), path, kind, org,  # type: ignore[arg-type]
                            mapping=_mapping(maps), progress=bar.update)
    if not report.ok or dry_run:
        db.session.rollback()
    _print_errors(report)
    if not report.ok:
        click.echo(f"Nothing imported: {report.error_count:,} errors in {report.rows:,} rows.",
                   err=True)
        sys.exit(1)
    db.session.commit()
    if not dry_run:
        _refresh_statistics()
    if dry_run:
        click.echo(f"{report.rows:,} rows, all valid; nothing written (--dry-run).")
    else:
        click.echo(f"{report.rows:,} rows: {report.written:,} imported, "
                   f"{report.skipped:,} were already imported.")


OPTIONS = (
    click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
    click.option("--map", "maps", multiple=True, help="HEADER=column for headers the template "
                                                      "does not know."),
    click.option("--dry-run", is_flag=True, help="Check every row and write nothing."),
)


@click.group("import")
def import_group() -> None:
    """Import donations or needs from CSV or XLSX (all rows or none)."""


@import_group.command("donations")
@click.option("--organisation", "organisation_id", type=int, default=None,
              help="The donor's id; without it every row needs an organisation_id column.")
@OPTIONS[0]
@OPTIONS[1]
@OPTIONS[2]
@with_appcontext
def import_donations(path: Path, organisation_id: int | None, maps: tuple[str, ...],
                     dry_run: bool) -> None:
    """Import donations from PATH."""
    _run(ImportKind.DONATIONS, path, organisation_id, maps, dry_run)


@import_group.command("needs")
@click.option("--organisation", "organisation_id", type=int, required=True,
              help="The recipient organisation's id.")
@OPTIONS[0]
@OPTIONS[1]
@OPTIONS[2]
@with_appcontext
def import_needs(path: Path, organisation_id: int, maps: tuple[str, ...], dry_run: bool) -> None:
    """Import needs from PATH for one organisation."""
    _run(ImportKind.NEEDS, path, organisation_id, maps, dry_run)


@import_group.command("dump")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_dump(path: Path) -> None:
    """Load a JSON dump (from /exports/dump.json) into an empty registry."""
    from aidregistry.services.errors import ServiceError
    from aidregistry.services.exports.dump import load_dump

    try:
        counts = load_dump(db.session, path.read_text(encoding="utf-8"))  # type: ignore[arg-type]
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    _refresh_statistics()
    click.echo(", ".join(f"{count:,} {name}" for name, count in counts.items()) + " loaded.")


def _refresh_statistics() -> None:
    from aidregistry.database import refresh_statistics

    with db.engine.begin() as connection:
        refresh_statistics(connection)
