"""Cookies, remember-me, production headers and debug, and sign-in timing (ASVS 2.2, 3.4)."""

from __future__ import annotations

import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
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


def median_login_seconds(app: Flask, email: str, rounds: int) -> float:
    client = app.test_client()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.post("/auth/login", data={"email": email, "password": "wrong password here"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_unknown_and_known_accounts_take_the_same_time_to_refuse(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Medians at the production hash cost; without the dummy hash the ratio is about 100."""
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "timing"))
    real_cost = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    app = create_app({**app_config, "PASSWORD_HASH_PARAMS": real_cost})
    with app.app_context():
        UserFactory(email="known@example.org")
        db.session.commit()
        median_login_seconds(app, "known@example.org", 2)  # warm up
        known = median_login_seconds(app, "known@example.org", 15)
        unknown = median_login_seconds(app, "unknown@example.org", 15)
        db.session.remove()
        db.engine.dispose()
    assert 0.5 < unknown / known < 2.0, (unknown, known)
