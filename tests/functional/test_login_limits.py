"""Login rate limits per address and per account, shared through Redis, and fail-open.

Flask-Limiter keeps its storage on the one ``limiter`` object, so each test builds its
app last and resets the "storage is down" flag a previous test may have left behind.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from aidregistry.extensions import db, limiter
from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory

REDIS = "redis://127.0.0.1:6379/15"
CLOSED_PORT_REDIS = "redis://127.0.0.1:9/15"  # discard port: nothing listens on loopback


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def limited(app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build an app with rate limits on, plus ``overrides``; pushes its context."""
    contexts = []

    def build(**overrides: Any) -> Flask:
        monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "limited"))
        app = create(app_config, RATELIMIT_ENABLED=True, **overrides)
        limiter._storage_dead = False  # type: ignore[attr-defined]
        context = app.app_context()
        context.push()
        contexts.append(context)
        return app

    yield build
    for context in reversed(contexts):
        db.session.remove()
        db.engine.dispose()
        context.pop()


def create(app_config: dict[str, Any], **overrides: Any) -> Flask:
    from aidregistry.app import create_app

    return create_app({**app_config, **overrides})


def attempt(
    app: Flask,
    email: str,
    password: str = "wrong",  # noqa: S107 - a deliberately wrong password
    ip: str = "10.0.0.1",
    **kw: Any,
) -> Any:
    return app.test_client().post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        **kw,
    )


def test_the_eleventh_attempt_on_one_account_gets_429(limited: Any) -> None:
    app = limited()
    statuses = [attempt(app, "a@example.org", ip=f"10.0.1.{n}").status_code for n in range(10)]
    eleventh = attempt(app, "a@example.org", ip="10.0.1.99")
    assert statuses == [200] * 10
    assert eleventh.status_code == 429
    assert b"Too many attempts" in eleventh.data
    assert b"Traceback" not in eleventh.data
    assert "Retry-After" in eleventh.headers


def test_the_eleventh_attempt_from_one_address_gets_429(limited: Any) -> None:
    app = limited()
    statuses = [attempt(app, f"p{n}@example.org").status_code for n in range(10)]
    assert statuses == [200] * 10
    assert attempt(app, "other@example.org").status_code == 429
    assert attempt(app, "other@example.org", ip="10.0.0.2").status_code == 200


def test_forwarded_for_is_ignored_without_a_configured_proxy(limited: Any) -> None:
    app = limited(AIDREGISTRY_PROXY_COUNT=0)
    for n in range(10):
        attempt(app, f"p{n}@example.org", headers={"X-Forwarded-For": f"192.0.2.{n}"})
    spoofed = attempt(app, "x@example.org", headers={"X-Forwarded-For": "198.51.100.7"})
    assert spoofed.status_code == 429


def test_forwarded_for_names_the_client_behind_one_proxy(limited: Any) -> None:
    app = limited(AIDREGISTRY_PROXY_COUNT=1)
    for n in range(10):
        attempt(app, f"p{n}@example.org", headers={"X-Forwarded-For": "192.0.2.1"})
    assert (
        attempt(app, "x@example.org", headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    )
    assert (
        attempt(app, "x@example.org", headers={"X-Forwarded-For": "192.0.2.2"}).status_code == 200
    )


WORKER = """
import json, os, sys
from aidregistry.app import create_app
app = create_app(json.loads(os.environ["CONFIG"]))
for n in range(5):
    r = app.test_client().post("/auth/login", data={"email": os.environ["EMAIL"],
        "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.9.0.{n}"})
    print(r.status_code)
"""


def other_worker(config: dict[str, Any], email: str, tmp_path: Path) -> list[int]:
    """Five attempts from a second process, as another gunicorn worker would make."""
    env = {
        **os.environ,
        "CONFIG": json.dumps(config),
        "EMAIL": email,
        "AIDREGISTRY_INSTANCE_PATH": str(tmp_path / "worker"),
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, check=True
    )
    return [int(line) for line in out.stdout.split()]


@pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379")
@pytest.mark.parametrize(("storage", "shared"), [(REDIS, True), (None, False)])
def test_two_workers_share_the_limit_only_through_redis(
    limited: Any, app_config: dict[str, Any], tmp_path: Path, storage: str | None, shared: bool
) -> None:
    email = f"{uuid.uuid4().hex}@example.org"  # db 15 may hold other runs' counters
    settings = {"RATELIMIT_ENABLED": True, "AIDREGISTRY_REDIS_URL": storage}
    assert other_worker({**app_config, **settings}, email, tmp_path) == [200] * 5
    app = limited(AIDREGISTRY_REDIS_URL=storage)
    here = [attempt(app, email, ip=f"10.8.0.{n}").status_code for n in range(6)]
    assert here == ([200] * 5 + [429] if shared else [200] * 6)


def test_login_works_with_redis_down_and_limits_fall_back_to_memory(
    limited: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = limited(AIDREGISTRY_REDIS_URL=CLOSED_PORT_REDIS)
    UserFactory(email="a@example.org")
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        ok = attempt(app, "a@example.org", TEST_PASSWORD)
    assert ok.status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    statuses = [attempt(app, "b@example.org", ip=f"10.7.0.{n}").status_code for n in range(11)]
    assert statuses == [200] * 10 + [429]  # still limited, per process
