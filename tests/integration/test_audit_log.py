"""The audit log: append-only at the database, complete for accounts, readable by coordinators."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from aidregistry.models import AuditEvent, OrgRole
from tests.conftest import PG_URL, TEST_PASSWORD, sign_in
from tests.factories import DonationFactory, coordinator, member


def one_event(db_session: Any) -> int:
    donation = DonationFactory()
    db_session.flush()
    event = AuditEvent(action="donation.create", entity_type="donation", entity_id=donation.id)
    db_session.add(event)
    db_session.commit()
    return event.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'forged' WHERE id = :i",
        "DELETE FROM audit_event WHERE id = :i",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(db_session: Any, statement: str) -> None:
    event_id = one_event(db_session)
    with pytest.raises(DatabaseError, match="append-only"):
        db_session.execute(text(statement), {"i": event_id})
    db_session.rollback()
    assert db_session.get(AuditEvent, event_id).action == "donation.create"


def upgraded_database(tmp_path: Path) -> tuple[str, Any]:
    """A fresh database brought to head by the migrations; returns its URL and a cleanup."""
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}", lambda: None
    server = make_url(PG_URL)
    # Unique per run as well as per worker: two runs on one server never drop each other's.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    name = f"aidregistry_migrate_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{run}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def test_the_migration_installs_the_guard_and_has_one_head(tmp_path: Path) -> None:
    url, cleanup = upgraded_database(tmp_path)
    command = str(Path(sys.executable).parent / "aidregistry")
    env = {
        **os.environ,
        "AIDREGISTRY_DATABASE_URL": url,
        "AIDREGISTRY_INSTANCE_PATH": str(tmp_path),
    }
    try:
        heads = subprocess.run(  # noqa: S603 - our own console script
            [command, "db", "heads"], env=env, capture_output=True, text=True, check=True
        )
        assert heads.stdout.count("(head)") == 1
        subprocess.run(  # noqa: S603
            [command, "db", "upgrade"], env=env, capture_output=True, text=True, check=True
        )
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_event (at, action, entity_type, entity_id) "
                    "VALUES (CURRENT_TIMESTAMP, 'x.y', 'donation', 1)"
                )
            )
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event"))
        engine.dispose()
    finally:
        cleanup()


def test_password_change_and_reset_are_audited(app: Flask, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    client = app.test_client()
    sign_in(client, user.email)
    new = "another long passphrase 2021"
    client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": new, "confirm": new},
    )
    actions = db_session.scalars(
        select(AuditEvent.action).filter_by(entity_type="user", entity_id=user.id)
    ).all()
    assert "user.password_change" in actions  # entity_type "user", not the proxy's class


def test_coordinators_read_a_records_history_and_others_may_not(
    app: Flask, db_session: Any
) -> None:
    staff = coordinator()
    donor = member(OrgRole.DONOR)
    donation = DonationFactory(organisation=donor.organisation)
    db_session.flush()
    db_session.add(
        AuditEvent(
            action="donation.edit",
            entity_type="donation",
            entity_id=donation.id,
            actor=donor,
            before={"quantity": 100},
            after={"quantity": 250},
        )
    )
    db_session.commit()
    path = f"/coordination/history/donation/{donation.id}"
    as_coordinator, as_donor = app.test_client(), app.test_client()
    sign_in(as_coordinator, staff.email)
    sign_in(as_donor, donor.email)
    page = as_coordinator.get(path)
    assert page.status_code == 200
    assert "250" in page.text
    assert "100" in page.text
    assert donor.name in page.text
    assert as_donor.get(path).status_code == 403
    assert as_coordinator.get("/coordination/history/secret_table/1").status_code == 404
    detail = as_coordinator.get(f"/donations/{donation.id}")
    assert path in detail.text  # linked from the detail page
    assert path not in as_donor.get(f"/donations/{donation.id}").text
