"""API tokens do not outlive the session and the trust they were made under (ASVS 3.5, 7.4):
making one needs the password; each expires; a password change or reset, deactivation and
suspension revoke them. The password checks of signed-in pages are limited like sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select, text

from aidregistry.extensions import db
from aidregistry.models import ApiToken, VerificationState
from aidregistry.models.base import utcnow
from aidregistry.services.api_tokens import create_token
from tests.conftest import TEST_PASSWORD, sign_in
from tests.factories import UserFactory, coordinator
from tests.functional.test_login_limits import limited  # noqa: F401 - the fixture
from tests.functional.test_password_reset import NEW, ask_reset, last_link, set_password
from tests.integration.test_migrations import empty_app  # noqa: F401 - the fixture


def make_token(client: FlaskClient, **changes: Any) -> Any:
    data = {
        "name": "warehouse sync",
        "scope": "write",
        "expires_in_days": "30",
        "password": TEST_PASSWORD,
        **changes,
    }
    return client.post("/account/tokens/", data=data)


def api_status(app: Flask, secret: str) -> int:
    headers = {"Authorization": f"Bearer {secret}"}
    return int(app.test_client().get("/api/v1/donations", headers=headers).status_code)


def new_secret(response: Any) -> str:
    page = response.get_data(as_text=True)
    return page.split('id="new-token">', 1)[1].split("<", 1)[0]


def test_a_session_restored_from_remember_me_cannot_make_a_token_without_the_password(
    app: Flask, db_session: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    client = app.test_client()
    sign_in(client, "a@example.org", remember=True)
    client.delete_cookie("session")  # the browser was closed: only the 14-day cookie is left
    assert client.get("/account/tokens/").status_code == 200  # restored from remember-me
    without = make_token(client, password="")
    wrong = make_token(client, password="not my password at all")
    assert "This field is required" in without.get_data(as_text=True)
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert db_session.scalar(select(ApiToken)) is None
    made = make_token(client)
    assert api_status(app, new_secret(made)) == 200


def test_tokens_expire_by_default_and_at_most_after_a_year(
    client: FlaskClient, db_session: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    sign_in(client, "a@example.org")
    form = client.get("/account/tokens/").get_data(as_text=True)
    assert 'name="expires_in_days" required type="number" value="30"' in form
    refused = [make_token(client, expires_in_days=days) for days in ("", "0", "366")]
    assert all(r.status_code == 200 and b"new-token" not in r.data for r in refused)
    assert db_session.scalar(select(ApiToken)) is None
    make_token(client, expires_in_days="365")
    token = db_session.scalar(select(ApiToken))
    assert token.expires_at - utcnow() == pytest.approx(
        timedelta(days=365), abs=timedelta(minutes=1)
    )
    assert create_token(db_session, token.user, "default", token.scope).token.expires_at < (
        utcnow() + timedelta(days=31)
    )


def test_an_expired_token_is_refused(app: Flask, db_session: Any) -> None:
    user = UserFactory(email="a@example.org")
    made = create_token(db_session, user, "short", made_scope(), 1)
    made.token.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert api_status(app, made.secret) == 401


def made_scope() -> Any:
    from aidregistry.models import ApiScope

    return ApiScope.READ


def test_a_password_change_revokes_every_token(app: Flask, db_session: Any) -> None:
    user = UserFactory(email="a@example.org")
    made = create_token(db_session, user, "sync", made_scope())
    db_session.commit()
    client = app.test_client()
    sign_in(client, "a@example.org")
    assert api_status(app, made.secret) == 200
    client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "confirm": NEW},
    )
    assert api_status(app, made.secret) == 401
    assert db_session.get(ApiToken, made.token.id).revoked_reason == "password"


def test_a_password_reset_revokes_every_token(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    user = UserFactory(email="a@example.org")
    made = create_token(db_session, user, "sync", made_scope())
    db_session.commit()
    ask_reset(client, "a@example.org")
    assert set_password(client, last_link("a@example.org")).status_code == 302
    assert api_status(app, made.secret) == 401


def test_deactivation_and_suspension_revoke_tokens(app: Flask, db_session: Any) -> None:
    member = UserFactory(email="m@example.org")
    colleague = UserFactory(email="c@example.org")
    other = UserFactory(email="o@example.org")
    staff = coordinator()
    tokens = {
        u.email: create_token(db_session, u, "sync", made_scope()).secret
        for u in (member, colleague, other)
    }
    db_session.commit()
    client = app.test_client()
    sign_in(client, staff.email)
    client.post(f"/coordination/users/{member.id}/active", data={"active": "0"})
    assert api_status(app, tokens["m@example.org"]) == 401
    assert db_session.get(type(member), member.id).active is False
    assert sign_in(app.test_client(), "m@example.org").status_code == 200  # cannot sign in
    client.post(
        f"/coordination/organisations/{colleague.organisation_id}",
        data={"decision": "suspended", "reason": "documents were forged"},
    )
    assert db_session.get(type(colleague.organisation), colleague.organisation_id).state is (
        VerificationState.SUSPENDED
    )
    assert api_status(app, tokens["c@example.org"]) == 401
    assert api_status(app, tokens["o@example.org"]) == 200  # nobody else's


def test_tokens_without_an_expiry_get_one_from_the_migration(
    empty_app: Any,  # noqa: F811
) -> None:
    upgrade(revision="4a8973093b21")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (name, kind, role, country, city, location_precision, "
                "state, version, created_at, updated_at) VALUES ('O', 'ngo', 'donor', 'CN', 'X', "
                "'city', 'verified', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO user_account (email, name, password_hash, organisation_id, role, "
                "session_version, active, created_at, updated_at) VALUES ('a@example.org', 'A', "
                "'x', 1, 'member', 1, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_token (user_id, name, token_hash, prefix, scope, created_at) "
                "VALUES (1, 'old', 'h', 'ar_', 'write', CURRENT_TIMESTAMP)"
            )
        )
    upgrade()
    token = db.session.scalar(select(ApiToken))
    assert token.expires_at - utcnow() == pytest.approx(timedelta(days=30), abs=timedelta(hours=1))


def wrong_guess(client: FlaskClient, path: str) -> int:
    if path == "/account/password":
        data = {"current_password": "a wrong guess", "new_password": NEW, "confirm": NEW}
    else:
        data = {"name": "t", "scope": "read", "expires_in_days": "30", "password": "wrong"}
    return int(client.post(path, data=data, environ_base={"REMOTE_ADDR": "10.30.0.1"}).status_code)


def test_password_checks_of_signed_in_pages_are_limited_like_sign_in(
    limited: Any,  # noqa: F811 - the imported fixture
) -> None:
    app = limited()
    UserFactory(email="a@example.org")
    db.session.commit()
    client = app.test_client()
    client.post(
        "/auth/login",
        data={"email": "a@example.org", "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.30.0.1"},
    )
    statuses = [wrong_guess(client, "/account/password") for _ in range(6)]
    statuses += [wrong_guess(client, "/account/tokens/") for _ in range(4)]
    assert statuses == [200] * 10
    assert wrong_guess(client, "/account/password") == 429  # one limit for both pages
    assert wrong_guess(client, "/account/tokens/") == 429
    assert client.get("/account/password").status_code == 200  # reading is not limited
