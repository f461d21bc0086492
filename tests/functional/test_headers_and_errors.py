"""Headers on every response, nonces on every inline block, no handlers, no stack traces."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_SECRET_KEY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# on<word>= inside a tag: an inline event handler, which a nonce CSP blocks (and which is XSS-prone)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
INLINE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)


def test_no_template_has_an_inline_event_handler() -> None:
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in HANDLER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def nonce_of(response: Any) -> str:
    policy = response.headers["Content-Security-Policy"]
    found = re.search(r"script-src [^;]*'nonce-([^']+)'", policy)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("path", ["/map/", "/", "/auth/login", "/donations/", "/no-such-page"])
def test_every_inline_script_and_style_carries_this_requests_nonce(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    nonce = nonce_of(response)
    page = response.get_data(as_text=True)
    for tag, attributes in INLINE.findall(page):
        if "src=" in attributes:
            continue  # an external file from our own origin: 'self'
        assert f'nonce="{nonce}"' in attributes, f"<{tag}{attributes}> on {path}"


def test_nonces_differ_between_requests(client: FlaskClient) -> None:
    assert nonce_of(client.get("/map/")) != nonce_of(client.get("/map/"))


@pytest.mark.parametrize("path", ["/", "/map/data.json", "/no-such-page", "/auth/login"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        assert directive in policy
    assert "'unsafe-inline'" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # only in production (tests/…/test_sessions)


def test_an_unexpected_error_shows_no_stack_trace(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "errors"))
    app = create_app({**app_config, "TESTING": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    assert "secret internal detail" not in body
    assert "Something went wrong" in body


def test_debug_is_refused_in_production_whatever_flask_debug_says(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "debug"))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("AIDREGISTRY_ENV", "production")
    config = {key: value for key, value in app_config.items() if key != "AIDREGISTRY_ENV"}
    app: Flask = create_app({**config, "SECRET_KEY": TEST_SECRET_KEY})
    assert app.debug is False
