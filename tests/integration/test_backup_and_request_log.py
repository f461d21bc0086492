"""Backup and restore give back the same data; request log lines hold no secrets."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from aidregistry.extensions import db
from aidregistry.models import Base
from tests.conftest import PG_URL, TEST_PASSWORD
from tests.factories import DonationFactory, NeedFactory, UserFactory


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every table's rows in key order."""
    engine = create_engine(url)
    present = set(inspect(engine).get_table_names())
    result = {}
    with engine.connect() as conn:
        for table in (t for t in Base.metadata.sorted_tables if t.name in present):
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
    engine.dispose()
    return result


def empty_database(tmp_path: Path) -> tuple[str, Any]:
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'restored.sqlite'}", lambda: None
    server = make_url(PG_URL)
    name = f"aidregistry_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def recreate(sql: str) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if sql:
                conn.execute(text(sql))

    recreate(f'CREATE DATABASE "{name}"')
    return server.set(database=name).render_as_string(hide_password=False), lambda: recreate("")


def test_a_restored_copy_equals_the_original(
    app: Flask,
    db_session: Any,
    database_url: str,
    app_config: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aidregistry.app import create_app

    for _ in range(3):
        DonationFactory()
        NeedFactory()
    db_session.commit()
    archive = tmp_path / "registry.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    target, cleanup = empty_database(tmp_path)
    try:
        monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "restore"))
        other = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": target})
        with other.app_context():  # the command acts on the current app's database
            restored = other.test_cli_runner().invoke(args=["restore", "--yes", str(archive)])
            db.session.remove()
            db.engine.dispose()
        assert restored.exit_code == 0, restored.output
        original = fingerprint(database_url)
        assert original["donation"][0] == 3
        assert fingerprint(target) == original
    finally:
        cleanup()


def test_a_missing_pg_dump_is_a_clear_error(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import aidregistry.backup_cli as backup_cli

    monkeypatch.setattr(backup_cli.shutil, "which", lambda _name: None)
    with pytest.raises(Exception, match="pg_dump is not on PATH"):
        backup_cli._tool("pg_dump")


def test_one_json_line_per_request_without_secrets(
    client: Any, db_session: Any, caplog: pytest.LogCaptureFixture
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/auth/login?next=/donations/",
            data={"email": "a@example.org", "password": TEST_PASSWORD},
        )
        client.get("/auth/reset/secret-token-value?token=another-secret")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "aidregistry.request"]
    assert len(lines) == 2
    login, reset = lines
    assert login["request_id"] == response.headers["X-Request-ID"]
    assert login["method"] == "POST"
    assert login["path"] == "/auth/login"
    assert login["status"] == 302
    assert login["duration_ms"] >= 0
    assert reset["path"] == "/auth/reset/<token>"
    everything = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (TEST_PASSWORD, "secret-token-value", "another-secret", "session="):
        assert secret not in everything


def test_a_request_id_from_a_proxy_is_kept_only_when_it_looks_like_one(client: Any) -> None:
    kept = client.get("/about", headers={"X-Request-ID": "abc12345-from-proxy"})
    assert kept.headers["X-Request-ID"] == "abc12345-from-proxy"
    forged = client.get("/about", headers={"X-Request-ID": 'x" {"status": 200}'})
    assert forged.headers["X-Request-ID"] != 'x" {"status": 200}'
