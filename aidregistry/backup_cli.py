"""``aidregistry backup PATH`` and ``aidregistry restore PATH``.

SQLite is copied with its online backup API (consistent while the app keeps running);
PostgreSQL goes through ``pg_dump -Fc`` and ``pg_restore``, which must be on PATH.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

from aidregistry.database import refresh_statistics
from aidregistry.extensions import db


def _url() -> URL:
    return make_url(db.engine.url)


def _sqlite_copy(source: str, target: str) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _libpq(url: URL) -> str:
    """The URL pg_dump understands (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise click.ClickException(
            f"{name} is not on PATH; install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) of the server's major version"
        )
    return found


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        # stderr of pg_dump names the problem; the command line would hold the password
        raise click.ClickException(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a consistent copy of the database to PATH."""
    url = _url()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(str(url.database), path)
    elif url.get_backend_name() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}", _libpq(url)])
    else:
        raise click.ClickException(f"no backup method for {url.get_backend_name()}")
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the database with the backup at PATH (stop the app servers first)."""
    url = _url()
    if not yes:
        click.confirm(f"Replace the database {url.database!r} with {path}?", abort=True)
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(path, str(url.database))
    elif url.get_backend_name() == "postgresql":
        restore = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
        _run([*restore, "--single-transaction", f"--dbname={_libpq(url)}", path])
    else:
        raise click.ClickException(f"no restore method for {url.get_backend_name()}")
    with db.engine.begin() as connection:  # a restore brings rows, not planner statistics
        refresh_statistics(connection)
    click.echo(f"Database restored from {path}.")


BACKUP_COMMANDS = (backup_command, restore_command)
