"""E-mailed links carry a random token and nothing else; their pages send no Referer; every
route with a token in its path is redacted from logs (the gunicorn run is in
tests/e2e/test_log_secrets.py)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.log_redaction import redact
from aidregistry.models import AccountLink
from tests.factories import UserFactory
from tests.functional.test_accounts import REGISTRATION, confirmation_link, register
from tests.functional.test_password_reset import ask_reset, last_link

RANDOM_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # 32 random bytes, base64url


def test_a_sign_up_link_holds_only_a_random_token(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    register(client)
    token = confirmation_link(app, "li.wei@example.cn").rsplit("/", 1)[1]
    assert RANDOM_TOKEN.match(token)  # no signed payload: no password hash, no address
    stored = db_session.scalar(select(AccountLink))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored.payload)
    assert stored.payload["password_hash"].startswith("$argon2id$")  # kept here, not in the link
    assert REGISTRATION["password"] not in str(stored.payload)


def test_a_reset_link_holds_only_a_random_token(client: FlaskClient, db_session: Any) -> None:
    user = UserFactory(email="a@example.org")
    db_session.commit()
    ask_reset(client, "a@example.org")
    token = last_link("a@example.org").rsplit("/", 1)[1]
    assert RANDOM_TOKEN.match(token)
    stored = db_session.scalar(select(AccountLink))
    assert stored.user_id == user.id
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_pages_behind_links_send_no_referer(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    register(client)
    ask_reset(client, "a@example.org")
    for path in (confirmation_link(app, "li.wei@example.cn"), last_link("a@example.org")):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/auth/reset/not-a-token").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/auth/login").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_route_with_a_token_in_its_path_is_redacted(app: Flask) -> None:
    secret = "Sekr3t_token-value"
    routes = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert routes
    for rule in routes:
        path = rule.rule.replace("<token>", secret)
        line = f'"GET {path}?a=1 HTTP/1.1" 200 "http://aid.example.org{path}"'
        assert secret not in redact(line), rule.rule
        assert "<token>" in redact(line)
