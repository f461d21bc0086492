"""The ``aidregistry`` command: database, demo data, accounts, and the server."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from aidregistry.extensions import db


def _create_app() -> Flask:
    from aidregistry.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """AidRegistry: records, matches and shows in-kind aid."""


def main() -> None:
    """Entry point of the ``aidregistry`` console script."""
    from aidregistry.config import ConfigError

    try:
        cli.main(prog_name="aidregistry")
    except ConfigError as exc:
        click.echo(f"aidregistry: {exc}", err=True)
        sys.exit(2)


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database to the newest schema and load the catalogue."""
    from flask_migrate import upgrade

    from aidregistry.services.catalogue import load_catalogue
    from aidregistry.services.listings import load_lists
    from aidregistry.services.verification import recheck

    upgrade()
    counts = load_catalogue(db.session())
    lists = load_lists(db.session())
    checked = recheck(db.session())
    db.session.commit()
    click.echo(
        f"Database ready; catalogue: {counts['items']} new items, "
        f"{counts['standards']} new standards, {counts['equivalences']} new equivalences; "
        f"authorisation lists: {lists['lists']} new, {lists['entries']} entries shipped; "
        f"{checked} certificates checked against them."
    )
    from aidregistry.geocode_cli import build_gazetteer

    click.echo(build_gazetteer())


@click.command("load-demo")
@with_appcontext
def load_demo_command() -> None:
    """Load the sourced 2020 donations and deliveries (safe to run twice)."""
    from aidregistry.services.catalogue import load_catalogue
    from aidregistry.services.demo import load_demo
    from aidregistry.services.demo_shipments import build_demo_shipments

    load_catalogue(db.session())
    report = load_demo(db.session())
    shipments = build_demo_shipments(db.session())
    db.session.commit()
    click.echo(report.summary())
    click.echo(
        f"Shipments: {shipments.shipments} new, {shipments.receipts} receipts "
        f"({shipments.rejected} rejected), {shipments.already_present} already present."
    )


@click.command("setup-demo")
@click.pass_context
def setup_demo_command(ctx: click.Context) -> None:
    """init-db, then load-demo: a working registry with the 2020 data."""
    ctx.invoke(init_db_command)
    ctx.invoke(load_demo_command)


@click.command("create-coordinator")
@click.option("--email", required=True, help="The coordinator's e-mail address.")
@click.option("--name", required=True, help="The coordinator's name.")
@with_appcontext
def create_coordinator_command(email: str, name: str) -> None:
    """Create a coordinator account.

    The password is read from AIDREGISTRY_COORDINATOR_PASSWORD or asked for; there is no default.
    """
    from aidregistry.services.accounts import create_coordinator
    from aidregistry.services.errors import ServiceError

    password = os.environ.get("AIDREGISTRY_COORDINATOR_PASSWORD") or click.prompt(
        "Password (at least 12 characters)", hide_input=True, confirmation_prompt=True
    )
    try:
        create_coordinator(
            db.session(),
            current_app.extensions["aidregistry.hasher"],
            email=email,
            name=name,
            password=password,
        )
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Coordinator {email} created.")


@click.command("reset-second-factor")
@click.option("--email", required=True, help="The account whose second factor was lost.")
@click.option("--reason", required=True, help="How you checked that the request is genuine.")
@with_appcontext
def reset_second_factor_command(email: str, reason: str) -> None:
    """Clear a lost second factor (audited); the person sets it up again at the next sign-in.

    On the site, another coordinator can do this; this command is for the server's operator.
    """
    from aidregistry.services import second_factor
    from aidregistry.services.accounts import find_user
    from aidregistry.services.errors import ServiceError

    user = find_user(db.session(), email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    try:
        second_factor.reset(db.session(), None, user, reason)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"The second factor of {email} is reset; it is set up again at the next sign-in.")


@click.command("check-config")
@with_appcontext
def check_config_command() -> None:
    """Report production settings that are unsafe; exit 1 when there are any."""
    from aidregistry.config import unsafe_production_settings

    problems = unsafe_production_settings(current_app.config)
    for problem in problems:
        click.echo(f"unsafe: {problem}")
    if problems:
        sys.exit(1)
    click.echo("The production settings are safe.")


@click.command("match")
@click.option(
    "--dry-run",
    is_flag=True,
    required=True,
    help="Propose allocations for review; nothing is held until a coordinator accepts.",
)
@click.option("--item", "item_code", default=None, help="Only this item code, e.g. RESP_N95.")
@click.option(
    "--country", default=None, help="Only needs of recipients in this country (ISO code)."
)
@click.option(
    "--date", "run_date", default=None, help="Plan as of this date (YYYY-MM-DD); default today."
)
@with_appcontext
def match_command(
    dry_run: bool, item_code: str | None, country: str | None, run_date: str | None
) -> None:
    """Run the matcher and print its summary (the same numbers as the review page)."""
    from datetime import date

    from aidregistry.models.base import today
    from aidregistry.services.matching import Scope, propose

    try:
        on = date.fromisoformat(run_date) if run_date else today()
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from exc
    steps = iter(("reading", "solving", "storing"))
    with click.progressbar(length=3, label="Matching", file=sys.stderr) as bar:

        def progress(message: str) -> None:
            next(steps, None)
            bar.label = f"Matching: {message}"
            bar.update(1)

        run = propose(
            db.session(), None, Scope(item_code, country.upper() if country else None), on, progress
        )
    db.session.commit()
    _print_run(run)


def _print_run(run: object) -> None:
    from aidregistry.services.matching import counted

    totals = run.totals  # type: ignore[attr-defined]
    click.echo(
        f"Run {run.id} as of {run.run_date}: {counted(totals['donations'], 'donation')}, "  # type: ignore[attr-defined]
        f"{counted(totals['needs'], 'need')}, {counted(totals['proposals'], 'proposal')}, "
        f"{counted(totals['quantity'], 'unit')}, {totals['tonne_km']:,} tonne-km "
        f"({totals['solve_seconds']} s)."
    )
    if totals.get("unplaced_donations"):
        click.echo(
            f"left out: {counted(totals['unplaced_donations'], 'donation')} whose place has no "
            "coordinates yet (run `aidregistry geocode`)"
        )
    click.echo("priority  asked for   covered now  covered if accepted")
    for priority, row in totals["by_priority"].items():
        after = row["covered"] + row["proposed"]
        click.echo(f"{priority:>8}  {row['demand']:>10,}  {row['covered']:>11,}  {after:>19,}")
    for item in run.uncovered:  # type: ignore[attr-defined]
        click.echo(
            f"uncovered: need {item['need_id']} ({item['recipient']}, priority "
            f"{item['priority']}): {item['quantity']:,} units — {item['reason']}"
        )


COMMANDS = (
    init_db_command,
    load_demo_command,
    setup_demo_command,
    create_coordinator_command,
    reset_second_factor_command,
    check_config_command,
    match_command,
)


def register_commands(app: Flask) -> None:
    """Attach the commands to the app (``flask --app aidregistry.app`` sees them too)."""
    for command in COMMANDS:
        app.cli.add_command(command)
    from aidregistry.data_cli import import_group
    from aidregistry.lists_cli import lists_group

    app.cli.add_command(import_group)
    app.cli.add_command(lists_group)
    from aidregistry.backup_cli import BACKUP_COMMANDS

    for command in BACKUP_COMMANDS:
        app.cli.add_command(command)
    from aidregistry.geocode_cli import GEOCODE_COMMANDS

    for command in GEOCODE_COMMANDS:
        app.cli.add_command(command)
