"""``aidregistry build-gazetteer`` and ``aidregistry geocode``: the place index and bulk lookups."""

from __future__ import annotations

import sys
import time
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from aidregistry.extensions import db

UNRESOLVED_SHOWN = 50  # the rest are counted, so a large backlog does not flood the terminal


def build_gazetteer() -> str:
    """Build the offline place index if it is missing or stale; a line saying where it is.

    Built ahead of the first request, which would otherwise wait 11-19 s for it.
    """
    from aidregistry.geocoding.index_build import ensure_index
    from aidregistry.web.geocoder import gazetteer_settings

    path, population = gazetteer_settings(current_app._get_current_object())  # type: ignore[attr-defined]
    started = time.perf_counter()
    ensure_index(path, population)
    seconds = time.perf_counter() - started
    size_mb = path.stat().st_size / 1e6
    return (
        f"Place index ready: {path} (places of {population:,}+ inhabitants, "
        f"{size_mb:.0f} MB, {seconds:.1f} s)."
    )


@click.command("build-gazetteer")
@with_appcontext
def build_gazetteer_command() -> None:
    """Build the offline place index from GeoNames (once; later runs check it is current)."""
    click.echo(build_gazetteer())


@click.command("geocode")
@click.option("--batch-size", default=200, show_default=True, help="Records per commit.")
@with_appcontext
def geocode_command(batch_size: int) -> None:
    """Resolve every record whose place has no coordinates yet; list what stays unresolved."""
    from aidregistry.services.place_batch import Lookups, batches, find_unresolved, resolve_batch
    from aidregistry.web.geocoder import flush_pending, get_geocoder

    session: Session = db.session  # type: ignore[assignment]  # a scoped_session proxies one
    targets = find_unresolved(session)
    session.rollback()  # end the read: no lock is held while the geocoder answers
    if not targets:
        click.echo("Every place is already resolved.")
        return
    lookups, resolved, unresolved = Lookups(get_geocoder()), 0, []
    bar: Any
    with click.progressbar(length=len(targets), label="Resolving places", file=sys.stderr) as bar:
        for batch in batches(targets, batch_size):
            outcome = resolve_batch(session, lookups, batch)
            session.commit()
            flush_pending()
            resolved += outcome.resolved
            unresolved.extend(outcome.unresolved)
            bar.update(len(batch))
    click.echo(f"Resolved {resolved:,} of {len(targets):,} places.")
    _report_unresolved(unresolved)


def _report_unresolved(unresolved: list[Any]) -> None:
    if not unresolved:
        return
    click.echo(f"Could not resolve {len(unresolved):,}:")
    for target, reason in unresolved[:UNRESOLVED_SHOWN]:
        click.echo(f"  {target.kind} {target.record_id}: {target.text!r} ({reason})")
    if len(unresolved) > UNRESOLVED_SHOWN:
        click.echo(f"  … and {len(unresolved) - UNRESOLVED_SHOWN:,} more.")


GEOCODE_COMMANDS = (build_gazetteer_command, geocode_command)
