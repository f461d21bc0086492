"""Integrity under faults: two editors, a killed matcher, a database that goes away."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from aidregistry.extensions import db
from aidregistry.models import Allocation, AuditEvent, MatchRun, Need, OrgRole
from tests.conftest import PG_URL, sign_in
from tests.factories import DonationFactory, NeedFactory, UserFactory, member
from tests.functional.test_needs import GOOD


def test_the_second_of_two_editors_is_refused_with_a_clear_message(
    app: Flask, db_session: Any
) -> None:
    first = member(OrgRole.RECIPIENT, name="New York State", country="US", city="Albany")
    second = UserFactory(organisation=first.organisation)
    need = NeedFactory(organisation=first.organisation, item_code="RESP_N95", quantity=500)
    db_session.commit()
    opened_at = str(need.version)  # both open the form at this version
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, first.email)
    sign_in(bob, second.email)
    saved = alice.post(f"/needs/{need.id}/edit", data={**GOOD, "version": opened_at})
    refused = bob.post(
        f"/needs/{need.id}/edit", data={**GOOD, "quantity": "999", "version": opened_at}
    )
    assert saved.status_code == 302
    assert refused.status_code in (200, 409)
    assert "Someone else saved" in refused.text
    assert db_session.get(Need, need.id).quantity == 130000  # Alice's value stands


def test_a_race_past_the_form_check_gets_409_not_500(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "race"))
    app = create_app({**app_config, "TESTING": False})

    @app.post("/race/<int:need_id>")
    def race(need_id: int) -> str:
        need = db.session.get(Need, need_id)
        assert need is not None
        # Another coordinator's save lands between our read and our write.
        db.session.execute(
            text("UPDATE need SET version = version + 1 WHERE id = :i"), {"i": need_id}
        )
        need.notes = "ours"
        db.session.commit()
        return "saved"

    with app.app_context():
        need = NeedFactory()
        db.session.commit()
        response = app.test_client().post(f"/race/{need.id}")
        assert response.status_code == 409
        assert "Someone else saved" in response.text
        assert db.session.get(Need, need.id).notes != "ours"
        db.session.remove()
        db.engine.dispose()


KILLABLE_MATCH = """
import os, sys, time
import aidregistry.services.matching as matching
original = matching.record_event
def stall(*args, **kwargs):
    event = original(*args, **kwargs)  # the run and its proposals are flushed, not committed
    print("FLUSHED", flush=True)
    time.sleep(120)
    return event
matching.record_event = stall
from aidregistry.cli import main
sys.argv = ["aidregistry", "match", "--dry-run"]
main()
"""


def test_a_matcher_killed_mid_run_leaves_the_database_as_before(
    app: Flask, db_session: Any, database_url: str, gazetteer_path: Path, tmp_path: Path
) -> None:
    donor = member(OrgRole.DONOR, name="Verified donor")
    recipient = member(OrgRole.RECIPIENT, name="Verified recipient", country="US")
    DonationFactory(organisation=donor.organisation)
    NeedFactory(organisation=recipient.organisation)
    db_session.commit()
    events_before = db_session.scalar(select(func.count()).select_from(AuditEvent))
    env = {
        **os.environ,
        "AIDREGISTRY_DATABASE_URL": database_url,
        "AIDREGISTRY_INSTANCE_PATH": str(tmp_path / "matcher"),
        "AIDREGISTRY_GAZETTEER_PATH": str(gazetteer_path),
        "AIDREGISTRY_ENV": "testing",
    }
    db.session.remove()  # no open transaction of ours in the way
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", KILLABLE_MATCH], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "FLUSHED"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert db_session.scalar(select(func.count()).select_from(MatchRun)) == 0
    assert db_session.scalar(select(func.count()).select_from(Allocation)) == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_health_says_ok_with_a_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "reachable"}


def build(app_config: dict[str, Any], tmp_path: Path, url: str) -> Flask:
    from aidregistry.app import create_app

    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(tmp_path / "down")
    return create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "TESTING": False})


def assert_down_then_up(app: Flask, bring_back: Any) -> None:
    client = app.test_client()
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json == {"status": "degraded", "database": "unreachable"}
    page = client.get("/donations/")
    assert page.status_code == 503
    assert "Temporarily unavailable" in page.text
    bring_back()
    assert client.get("/healthz").json == {"status": "ok", "database": "reachable"}
    assert client.get("/donations/").status_code == 200  # no restart needed


@pytest.mark.skipif(bool(PG_URL), reason="SQLite: a database file that is not there yet")
def test_sqlite_gone_is_503_and_comes_back_without_a_restart(
    app_config: dict[str, Any], database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path))
    target = tmp_path / "missing-dir" / "db.sqlite"
    app = build(app_config, tmp_path, f"sqlite:///{target}")

    def bring_back() -> None:
        target.parent.mkdir()
        shutil.copyfile(database_url.removeprefix("sqlite:///"), target)

    with app.app_context():
        assert_down_then_up(app, bring_back)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: a proxy in front of the server")
def test_postgresql_gone_is_503_and_comes_back_without_a_restart(
    app_config: dict[str, Any], database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.engine import make_url

    from tests.integration.tcp_proxy import TcpProxy

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path))
    real = make_url(database_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    url = real.set(port=proxy.port).render_as_string(hide_password=False)
    app = build(app_config, tmp_path, url)
    with app.app_context():
        proxy.start()
        assert app.test_client().get("/healthz").status_code == 200
        proxy.stop()  # the database "goes down": connections cut, port closed
        try:
            assert_down_then_up(app, proxy.start)
        finally:
            db.session.remove()
            db.engine.dispose()
            proxy.stop()
