"""Cookies, remember-me, production headers, debug, the unknown-account hash (ASVS 2.2, 3.4)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import extract_parameters
from flask import Flask

from aidregistry.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory

PRODUCTION_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def production(app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A production-config app (cheap hashing, no CSRF for the test client) in its context."""
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "prod"))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    config = {**app_config, "AIDREGISTRY_ENV": "production", "SECRET_KEY": PRODUCTION_KEY}
    app = create_app({**config, "TESTING": False, "DEBUG": True})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def set_cookies(response: Any) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_production_never_runs_the_debugger(production: Flask) -> None:
    assert production.debug is False
    assert production.config["DEBUG"] is False


def test_production_cookies_are_secure_httponly_lax(production: Flask) -> None:
    UserFactory(email="a@example.org")
    db.session.commit()
    response = production.test_client().post(
        "/auth/login", data={"email": "a@example.org", "password": TEST_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    cookies = set_cookies(response)
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name]
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]


def test_production_sends_hsts_and_the_other_headers(production: Flask) -> None:
    for path in ("/", "/no-such-page", "/map/data.json"):
        headers = production.test_client().get(path).headers
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_remember_me_lasts_at_most_fourteen_days(app: Flask, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    response = app.test_client().post(
        "/auth/login", data={"email": "a@example.org", "password": TEST_PASSWORD, "remember": "y"}
    )
    cookie = set_cookies(response)["remember_token"]
    expires = parsedate_to_datetime(cookie.split("Expires=", 1)[1].split(";")[0])
    assert expires - datetime.now(UTC) <= timedelta(days=14, minutes=1)
    assert expires - datetime.now(UTC) >= timedelta(days=13)


def test_an_unknown_account_is_checked_against_a_hash_of_the_same_cost(app: Flask) -> None:
    """The dummy hash that a wrong address is verified against costs what a real one costs,
    so refusing an unknown account takes as long as refusing a wrong password (the work is
    counted in test_enumeration.py; ``benchmarks/enumeration.py`` prints the times)."""
    hasher = app.extensions["aidregistry.hasher"]
    real = extract_parameters(hasher.hash(TEST_PASSWORD))
    assert extract_parameters(hasher._dummy) == real
    for cost, value in app.config["PASSWORD_HASH_PARAMS"].items():
        assert getattr(real, cost) == value
    assert hasher.verify(None, TEST_PASSWORD) is False
