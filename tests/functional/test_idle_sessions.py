"""Sessions end after an idle time of their role (30 minutes for coordinators by default,
4 hours for others, configurable) and after 12 hours in any case; remember-me never keeps
a coordinator signed in (ASVS 3.3.2, 7.3.1)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie

from aidregistry.web.auth import sessions
from tests.conftest import sign_in
from tests.factories import UserFactory, coordinator

MINUTE = 60


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The sessions' clock, moved by hand: ``clock.advance(minutes)``."""

    class Clock:
        now = 1_800_000_000

        def advance(self, minutes: float) -> None:
            self.now += int(minutes * MINUTE)

    clock = Clock()
    monkeypatch.setattr(sessions, "_now", lambda: clock.now)
    return clock


def signed_in(client: FlaskClient) -> bool:
    return bool(client.get("/account/security").status_code == 200)


def test_a_coordinator_is_signed_out_after_30_idle_minutes(
    client: FlaskClient, db_session: Any, clock: Any
) -> None:
    staff = coordinator()
    db_session.commit()
    sign_in(client, staff.email)
    clock.advance(29)
    assert signed_in(client)  # activity: the idle time starts again
    clock.advance(29)
    assert signed_in(client)
    clock.advance(31)
    response = client.get("/coordination/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page


def test_others_stay_signed_in_longer_but_not_for_ever(
    client: FlaskClient, db_session: Any, clock: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    sign_in(client, "a@example.org")
    clock.advance(31)
    assert signed_in(client)
    clock.advance(241)
    assert not signed_in(client)


def test_twelve_hours_end_a_session_however_active(
    client: FlaskClient, db_session: Any, clock: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    sign_in(client, "a@example.org")
    for _ in range(11):
        clock.advance(60)
        assert signed_in(client)
    clock.advance(61)
    assert not signed_in(client)


def test_the_idle_times_are_settings(
    app_config: dict[str, Any], db_session: Any, clock: Any
) -> None:
    from aidregistry.app import create_app

    app = create_app({**app_config, "AIDREGISTRY_IDLE_MINUTES_COORDINATOR": 5})
    staff = coordinator()
    db_session.commit()
    client = app.test_client()
    sign_in(client, staff.email)
    clock.advance(6)
    assert client.get("/coordination/").status_code == 302


def test_a_copied_cookie_expires_like_the_original(app: Flask, db_session: Any, clock: Any) -> None:
    staff = coordinator()
    db_session.commit()
    client = app.test_client()
    sign_in(client, staff.email)
    copied = client.get_cookie("session").value
    clock.advance(31)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/coordination/").status_code == 302


def test_remember_me_keeps_a_member_signed_in_after_idle_time(
    app: Flask, db_session: Any, clock: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    client = app.test_client()
    sign_in(client, "a@example.org", remember=True)
    clock.advance(300)
    assert signed_in(client)


def test_remember_me_never_keeps_a_coordinator_signed_in(
    app: Flask, db_session: Any, clock: Any
) -> None:
    staff = coordinator()
    db_session.commit()
    client = app.test_client()
    sign_in(client, staff.email, remember=True)
    assert client.get_cookie("remember_token") is None
    clock.advance(31)
    assert client.get("/coordination/").status_code == 302
    # A remember-me cookie from before (or forged with the key) does not restore one either.
    with app.test_request_context():
        cookie = encode_cookie(staff.get_id())
    other = app.test_client()
    other.set_cookie("remember_token", cookie)
    assert other.get("/coordination/").status_code == 302
    assert other.get("/coordination/").status_code == 302
