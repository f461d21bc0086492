"""``aidregistry lists show|import``: the authorisation lists and loading an authority's file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from aidregistry.extensions import db


@click.group("lists")
def lists_group() -> None:
    """Authorisation lists: FDA EUA Appendix A, NIOSH approvals, EU notified bodies, China's
    2020 exporter lists."""


@lists_group.command("show")
@with_appcontext
def show_lists() -> None:
    """Each list: entries held, whether it is the authority's full file, and its source."""
    from aidregistry.models import AuthorisationList, ListingEntry

    query = select(ListingEntry.list_code, func.count()).group_by(ListingEntry.list_code)
    counts: dict[str, int] = dict(db.session.execute(query).all())
    for row in db.session.scalars(select(AuthorisationList).order_by(AuthorisationList.code)):
        held = "full file" if row.complete else "subset"
        loaded = f", loaded {row.loaded_at:%Y-%m-%d}" if row.loaded_at else " (shipped)"
        click.echo(f"{row.code}: {counts.get(row.code, 0):,} entries, {held}{loaded}")
        click.echo(f"    {row.source_document} ({row.source_date}) {row.source_url}")


@lists_group.command("import")
@click.argument("code")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-name", required=True, help="The official file's title.")
@click.option("--source-date", required=True, help="Its date, YYYY-MM-DD (or YYYY-MM).")
@click.option("--source-url", required=True, help="Where the authority publishes it.")
@click.option("--map", "maps", multiple=True, help="HEADER=field for headers not recognised.")
@click.option("--subset", is_flag=True, help="The file is not the authority's full list.")
@click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
@with_appcontext
def import_list_command(code: str, path: Path, source_name: str, source_date: str,
                        source_url: str, maps: tuple[str, ...], subset: bool,
                        dry_run: bool) -> None:
    """Replace list CODE's entries with the rows of PATH (CSV or XLSX), all or none."""
    from aidregistry.data_cli import _mapping
    from aidregistry.services.errors import ServiceError
    from aidregistry.services.list_import import Source, import_list

    source = Source(source_name, source_date, source_url)
    try:
        report = import_list(db.session(), code, path, source, mapping=_mapping(maps),
                             complete=not subset, write=not dry_run)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    for row, _field, text in report.errors[:50]:
        click.echo(f"row {row}: {text}", err=True)
    if not report.ok or dry_run:
        db.session.rollback()
    if not report.ok:
        click.echo(f"Nothing loaded: {len(report.errors):,} errors in {report.rows:,} rows.",
                   err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"{report.rows:,} rows, all valid; nothing written (--dry-run).")
        return
    db.session.commit()
    click.echo(f"{code}: {report.written:,} entries loaded; "
               f"{report.checked:,} certificates checked again.")
