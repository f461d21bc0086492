"""A bulk import leaves the query planner statistics, so the first list request after it
is planned for the real table sizes (not as nested loops over "empty" tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text

from aidregistry.extensions import db
from aidregistry.models import OrgRole
from tests.factories import OrganisationFactory
from tests.integration.test_import import GOOD, HEADER, write


def analysed(table: str) -> Any:
    """When ``table`` was last analysed (PostgreSQL) or its statistics rows (SQLite); None
    when it has no statistics."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return connection.scalar(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = :t"), {"t": table}
        )
    if not connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'")):
        return None
    rows = connection.execute(text("SELECT * FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
    return sorted(map(tuple, rows)) or None


def test_an_import_from_the_command_line_refreshes_the_statistics(
    app: Flask, db_session: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n")
    donor = OrganisationFactory(role=OrgRole.DONOR)
    db_session.commit()
    before = analysed("donation"), analysed("organisation")
    db_session.rollback()
    result = app.test_cli_runner().invoke(
        args=["import", "donations", str(path), "--organisation", str(donor.id)]
    )
    assert result.exit_code == 0, result.output
    after = analysed("donation"), analysed("organisation")
    assert None not in after
    assert after[0] != before[0]
    assert after[1] != before[1]
