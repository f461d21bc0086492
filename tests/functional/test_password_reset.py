"""Password reset by a single-use, hour-long link; notices; Host poisoning (ASVS 2.5)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aidregistry.services import account_links
from aidregistry.services.mailer import outbox
from tests.conftest import TEST_PASSWORD, sign_in
from tests.factories import UserFactory

NEW = "a brand new passphrase 2026"


def last_link(to: str) -> str:
    """The path of the link in the last message to ``to``."""
    body = [m for m in outbox() if m.to == to][-1].body
    return "/" + body.split("://", 1)[1].split("/", 1)[1].split()[0]


def ask_reset(client: FlaskClient, email: str) -> Any:
    return client.post("/auth/reset", data={"email": email})


def set_password(client: FlaskClient, path: str, password: str = NEW) -> Any:
    return client.post(path, data={"password": password, "confirm": password})


def test_known_and_unknown_addresses_get_the_same_answer(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    UserFactory(email="known@example.org")
    db_session.commit()
    known = ask_reset(client, "known@example.org")
    unknown = ask_reset(app.test_client(), "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.data == unknown.data
    assert [m.to for m in outbox()] == ["known@example.org", "nobody@example.org"]
    assert "/auth/reset/" in outbox()[0].body
    assert "no active account uses it" in outbox()[1].body  # a notice, not a link
    assert "/auth/reset/" not in outbox()[1].body


def test_a_reset_link_works_once_and_ends_every_session(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    laptop = app.test_client()
    sign_in(laptop, "a@example.org")
    ask_reset(client, "a@example.org")
    link = last_link("a@example.org")
    assert client.get(link).status_code == 200
    assert set_password(client, link).status_code == 302
    assert laptop.get("/account/").status_code == 302  # signed out everywhere
    assert sign_in(app.test_client(), "a@example.org").status_code == 200  # old password fails
    assert sign_in(app.test_client(), "a@example.org", NEW).status_code == 302
    assert set_password(client, link, "yet another passphrase 99").status_code == 400
    assert "account was changed" in outbox()[-1].body  # the owner is told


def test_a_reset_link_expires_after_an_hour(
    client: FlaskClient, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    ask_reset(client, "a@example.org")
    link = last_link("a@example.org")
    assert account_links.RESET_MAX_AGE == 3600
    monkeypatch.setattr(account_links, "RESET_MAX_AGE", -1)  # as if an hour had passed
    assert client.get(link).status_code == 400


def test_a_sign_up_link_is_not_a_reset_link(client: FlaskClient, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    token = account_links.signup_token(db_session(), {"email": "a@example.org"})
    db_session.commit()
    assert client.get(f"/auth/reset/{token}").status_code == 400
    assert client.get(f"/auth/register/confirm/{token}").status_code == 200


def test_a_reset_refuses_a_common_password(client: FlaskClient, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    ask_reset(client, "a@example.org")
    response = set_password(client, last_link("a@example.org"), "qwertyuiop123")
    assert response.status_code == 200
    assert b"commonly used" in response.data


def test_a_password_change_sends_a_notice(client: FlaskClient, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    sign_in(client, "a@example.org")
    client.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "confirm": NEW},
    )
    assert outbox()[-1].to == "a@example.org"
    assert "account was changed" in outbox()[-1].body


def test_a_poisoned_host_header_is_refused(
    app_config: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "hosts"))
    app = create_app({**app_config, "TRUSTED_HOSTS": ["aid.example.org"]})
    client = app.test_client()
    assert client.get("/auth/reset", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/auth/reset", headers={"Host": "aid.example.org"}).status_code == 200


def test_production_logs_no_reset_link(
    app_config: dict[str, Any],
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from aidregistry.app import create_app
    from aidregistry.extensions import db

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "prod"))
    app = create_app({**app_config, "AIDREGISTRY_ENV": "production", "TESTING": False})
    with app.app_context():
        UserFactory(email="a@example.org")
        db.session.commit()
        with caplog.at_level(logging.INFO, logger="aidregistry"):
            app.test_client().post("/auth/reset", data={"email": "a@example.org"})
        db.session.remove()
    logged = caplog.text
    assert "Reset your AidRegistry password" in logged
    assert "/auth/reset/" not in logged
    assert "body withheld" in logged
