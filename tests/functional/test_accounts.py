"""Sign-up, sign-in, sign-out and passwords through the web forms."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.models import AuditEvent, Organisation, User, VerificationState
from tests.conftest import TEST_PASSWORD, sign_in
from tests.factories import UserFactory

REGISTRATION = {
    "org_name": "Hangzhou Municipal Government",
    "org_name_local": "杭州市人民政府",
    "kind": "municipal_government",
    "role": "donor",
    "country": "CN",
    "place": "Hangzhou",
    "location_precision": "city",
    "identifier_scheme": "CN-USCI",
    "identifier_value": "11330100002489153X",
    "name": "Li Wei",
    "email": "li.wei@example.cn",
    "password": "a long enough passphrase 2020",
    "confirm": "a long enough passphrase 2020",
}


def register(client: FlaskClient, **changes: Any) -> Any:
    return client.post("/auth/register", data={**REGISTRATION, **changes})


def confirmation_link(app: Flask, to: str) -> str:
    """The path of the last confirmation link the log-only mailer wrote for ``to``."""
    from aidregistry.services.mailer import outbox

    mail = [m for m in outbox() if m.to == to][-1]
    return "/" + mail.body.split("://", 1)[1].split("/", 1)[1].split()[0]


def test_registration_after_confirming_creates_a_pending_organisation_and_signs_in(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    response = register(client)
    assert response.status_code == 200
    assert b"Check your e-mail" in response.data
    assert db_session.scalar(select(Organisation)) is None  # nothing before the confirmation
    link = confirmation_link(app, "li.wei@example.cn")
    assert client.get(link).status_code == 200  # a page with a button: prefetching is harmless
    assert db_session.scalar(select(Organisation)) is None
    assert client.post(link).status_code == 302
    org = db_session.scalar(select(Organisation).filter_by(name="Hangzhou Municipal Government"))
    assert org.state is VerificationState.PENDING
    assert org.lat == pytest.approx(30.29, abs=0.2)
    assert org.identifiers[0].value == "11330100002489153X"
    assert client.get("/account/").status_code == 200
    assert db_session.scalar(select(AuditEvent).filter_by(action="organisation.register"))
    assert (
        sign_in(app.test_client(), "li.wei@example.cn", REGISTRATION["password"]).status_code == 302
    )
    again = app.test_client().post(link)  # the link works once
    assert again.status_code == 400
    assert len(db_session.scalars(select(Organisation)).all()) == 1


def test_a_forged_confirmation_link_is_refused(client: FlaskClient, db_session: Any) -> None:
    assert client.get("/auth/register/confirm/not-a-token").status_code == 400
    assert client.post("/auth/register/confirm/not-a-token").status_code == 400
    assert db_session.scalar(select(Organisation)) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short", "confirm": "short"}, b"at least 12 characters"),
        ({"password": "qwertyuiop123", "confirm": "qwertyuiop123"}, b"commonly used"),
        ({"confirm": "something else entirely"}, b"The passwords differ"),
        ({"email": "not-an-address"}, b"Invalid email"),
        ({"country": "China"}, b"two-letter code"),
        ({"place": "Xyzzyplugh Nowhere"}, b"could not find this place"),
        ({"org_name": ""}, b"This field is required"),
    ],
)
def test_registration_refuses_bad_input_and_stores_nothing(
    client: FlaskClient, db_session: Any, changes: dict[str, str], message: bytes
) -> None:
    response = register(client, **changes)
    assert response.status_code == 200
    assert message in response.data
    assert db_session.scalar(select(Organisation)) is None
    assert db_session.scalar(select(User)) is None


def test_registration_with_an_existing_email_answers_as_for_a_new_one(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    from aidregistry.services.mailer import outbox

    UserFactory(email="li.wei@example.cn")
    db_session.commit()
    known = register(client)
    new = register(app.test_client(), email="new.person@example.cn", identifier_value="")
    assert known.status_code == new.status_code == 200
    assert known.data.replace(b"li.wei", b"x") == new.data.replace(b"new.person", b"x")
    notice = [m for m in outbox() if m.to == "li.wei@example.cn"][-1]
    assert "already has an account" in notice.body
    assert "/register/confirm/" not in notice.body  # the owner gets a notice, not a link
    assert (
        db_session.scalar(select(Organisation).filter_by(name="Hangzhou Municipal Government"))
        is None
    )


def test_one_generic_message_for_every_failed_sign_in(client: FlaskClient, db_session: Any) -> None:
    UserFactory(email="known@example.org")
    db_session.commit()
    unknown = sign_in(client, "nobody@example.org")
    wrong = sign_in(client, "known@example.org", "wrong password entirely")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.data.count(b"not correct") == wrong.data.count(b"not correct") == 1


def test_sign_in_follows_only_local_next(client: FlaskClient, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    for target, expected in [
        ("/donations/", "/donations/"),
        ("https://evil.example/", "/account/"),
        ("//evil.example/x", "/account/"),
        ("/\\evil.example", "/account/"),
    ]:
        response = client.post(
            f"/auth/login?next={target}", data={"email": "a@example.org", "password": TEST_PASSWORD}
        )
        assert response.headers["Location"] == expected
        client.post("/auth/logout")


def test_sign_out_invalidates_a_copied_cookie(app: Flask, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    client = app.test_client()
    sign_in(client, "a@example.org")
    stolen = client.get_cookie("session")
    assert stolen is not None
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    assert thief.get("/account/").status_code == 302  # back to the sign-in page


def test_password_change_ends_other_sessions(app: Flask, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "a@example.org")
    sign_in(phone, "a@example.org")
    new = "another long passphrase 2021"
    response = laptop.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "new_password": new, "confirm": new},
    )
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    assert sign_in(app.test_client(), "a@example.org", new).status_code == 302


def test_csrf_is_required_on_forms(
    app_config: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidregistry.app import create_app

    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "csrf"))
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        response = app.test_client().post(
            "/auth/login", data={"email": "a@example.org", "password": TEST_PASSWORD}
        )
    assert response.status_code == 400
