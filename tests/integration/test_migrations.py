"""The migrations build the models' schema exactly, from empty, and unwind to nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import Column, Integer, Table, inspect

from aidregistry.app import create_app
from aidregistry.extensions import db
from aidregistry.models import Base
from tests.conftest import base_config
from tests.integration.test_audit_log import upgraded_database


@pytest.fixture
def empty_app(tmp_path: Path, gazetteer_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    url, cleanup = upgraded_database(tmp_path)  # an empty database (nothing applied yet)
    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(url, gazetteer_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    cleanup()


def test_one_head(empty_app: Any) -> None:
    config = empty_app.extensions["migrate"].migrate.get_config(
        empty_app.extensions["migrate"].directory
    )
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_check_downgrade_upgrade(empty_app: Any) -> None:
    upgrade()
    # Any difference between the migrated schema and the models makes check() exit (1).
    check()
    assert "donation" in inspect(db.engine).get_table_names()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "shipment" in inspect(db.engine).get_table_names()


def test_check_notices_a_model_the_migrations_lack(empty_app: Any) -> None:
    upgrade()
    probe = Table("probe_without_migration", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        with pytest.raises(SystemExit):
            check()
    finally:
        Base.metadata.remove(probe)
