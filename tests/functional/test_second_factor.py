"""The second factor (ASVS 5.0 level 2, 6.3/6.5): TOTP with one-time recovery codes kept as
hashes; required for coordinators (enrolled at their first sign-in), offered to everyone;
a lost phone is handled by a recovery code or a coordinator's audited reset."""

from __future__ import annotations

import hashlib
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import AuditEvent, RecoveryCode, User
from aidregistry.services import second_factor
from tests.conftest import TEST_PASSWORD, TEST_TOTP_SECRET, next_code, sign_in
from tests.factories import UserFactory, coordinator
from tests.functional.test_login_limits import limited  # noqa: F401 - the fixture

PASSWORD = "a long enough passphrase 2020"


def password_step(client: FlaskClient, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post("/auth/login", data={"email": email, "password": password})


def key_on(page: str) -> str:
    return page.split('id="enrol-key">', 1)[1].split("<", 1)[0].replace(" ", "")


def codes_on(page: str) -> list[str]:
    block = page.split('id="recovery-codes">', 1)[1].split("</ul>", 1)[0]
    return [part.split("</code>", 1)[0] for part in block.split('user-select-all">')[1:]]


def test_create_coordinator_then_enrol_at_the_first_sign_in(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    result = app.test_cli_runner().invoke(
        args=["create-coordinator", "--email", "ops@example.org", "--name", "Operations"],
        env={"AIDREGISTRY_COORDINATOR_PASSWORD": PASSWORD},
    )
    assert result.exit_code == 0, result.output
    answer = password_step(client, "ops@example.org", PASSWORD)
    assert answer.headers["Location"].endswith("/auth/second-factor/enrol")
    assert client.get("/coordination/").status_code == 302  # not signed in yet
    page = client.get("/auth/second-factor/enrol").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page  # drawn here, no outside service
    assert "http" not in page.split('id="enrol-qr"', 1)[1].split("</div>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    key = key_on(page)
    wrong = client.post("/auth/second-factor/enrol", data={"code": "000000"})
    assert "The code is not correct" in wrong.get_data(as_text=True)
    assert key_on(client.get("/auth/second-factor/enrol").get_data(as_text=True)) == key
    done = client.post("/auth/second-factor/enrol", data={"code": pyotp.TOTP(key).now()})
    codes = codes_on(done.get_data(as_text=True))
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get("/coordination/").status_code == 200
    user = db_session.scalar(select(User).filter_by(email="ops@example.org"))
    assert user.totp_secret == key
    stored = {r.code_hash for r in db_session.scalars(select(RecoveryCode))}
    assert hashlib.sha256(codes[0].replace("-", "").encode()).hexdigest() in stored
    assert not any(code in str(stored) for code in codes)  # only hashes are kept


def test_a_coordinator_without_a_second_factor_reaches_nothing(
    client: FlaskClient, db_session: Any
) -> None:
    staff = UserFactory(
        email="c@example.org", role="coordinator", organisation=coordinator().organisation
    )
    db_session.commit()
    assert password_step(client, staff.email).status_code == 302
    for path in ("/coordination/", "/account/", "/account/tokens/", "/coordination/match"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_a_code_signs_in_once(app: Flask, db_session: Any) -> None:
    staff = coordinator()
    db_session.commit()
    client = app.test_client()
    assert password_step(client, staff.email).headers["Location"].endswith("/auth/second-factor")
    code = next_code(TEST_TOTP_SECRET, None)
    assert client.post("/auth/second-factor", data={"code": code}).status_code == 302
    assert client.get("/coordination/").status_code == 200
    replay = app.test_client()
    password_step(replay, staff.email)
    again = replay.post("/auth/second-factor", data={"code": code})
    assert "The code is not correct or was already used." in again.get_data(as_text=True)
    assert replay.get("/coordination/").status_code == 302


def test_a_recovery_code_works_once(app: Flask, db_session: Any) -> None:
    staff = coordinator()
    codes = second_factor.renew_recovery_codes(db_session, staff)
    db_session.commit()
    client = app.test_client()
    password_step(client, staff.email)
    assert client.post("/auth/second-factor", data={"code": codes[0].lower()}).status_code == 302
    assert client.get("/coordination/").status_code == 200
    assert second_factor.recovery_codes_left(db_session, staff) == 9
    again = app.test_client()
    password_step(again, staff.email)
    assert again.post("/auth/second-factor", data={"code": codes[0]}).status_code == 200
    assert db_session.scalar(select(AuditEvent).filter_by(action="user.recovery_code_use"))


def test_members_may_turn_it_on_and_off(app: Flask, db_session: Any) -> None:
    UserFactory(email="a@example.org")
    db_session.commit()
    client = app.test_client()
    sign_in(client, "a@example.org")
    assert "The second factor is off" in client.get("/account/security").get_data(as_text=True)
    key = key_on(client.get("/auth/second-factor/enrol").get_data(as_text=True))
    without_password = client.post("/auth/second-factor/enrol", data={"code": next_code(key, None)})
    assert "The password is not correct." in without_password.get_data(as_text=True)
    done = client.post(
        "/auth/second-factor/enrol", data={"code": next_code(key, None), "password": TEST_PASSWORD}
    )
    assert len(codes_on(done.get_data(as_text=True))) == 10
    fresh = app.test_client()
    assert password_step(fresh, "a@example.org").headers["Location"].endswith("/auth/second-factor")
    assert sign_in(fresh, "a@example.org").status_code == 302
    assert "10 recovery codes left" in fresh.get("/account/security").get_data(as_text=True)
    fresh.post("/account/security/off", data={"off-password": TEST_PASSWORD})
    assert (
        password_step(app.test_client(), "a@example.org").headers["Location"].endswith("/account/")
    )


def test_a_coordinator_cannot_turn_theirs_off(client: FlaskClient, db_session: Any) -> None:
    staff = coordinator()
    db_session.commit()
    sign_in(client, staff.email)
    page = client.get("/account/security").get_data(as_text=True)
    assert "Turn the second factor off" not in page
    refused = client.post("/account/security/off", data={"off-password": TEST_PASSWORD})
    assert "Coordinators must keep a second factor." in refused.get_data(as_text=True)
    assert db.session.get(User, staff.id).has_second_factor


def test_a_coordinator_resets_a_lost_second_factor_with_a_reason(
    app: Flask, db_session: Any
) -> None:
    staff = coordinator()
    colleague = UserFactory(
        email="c2@example.org",
        role="coordinator",
        organisation=staff.organisation,
        totp_secret=TEST_TOTP_SECRET,
        totp_enabled_at=staff.totp_enabled_at,
    )
    db_session.commit()
    lost = app.test_client()
    sign_in(lost, colleague.email)  # signed in on the phone that was lost
    client = app.test_client()
    sign_in(client, staff.email)
    page = client.get(f"/coordination/organisations/{staff.organisation_id}").get_data(as_text=True)
    assert f"/coordination/users/{colleague.id}/second-factor/reset" in page
    assert f"/coordination/users/{staff.id}/second-factor/reset" not in page  # not one's own
    path = f"/coordination/users/{colleague.id}/second-factor/reset"
    client.post(path, data={"reason": ""})
    assert db.session.get(User, colleague.id).has_second_factor  # no reason, no reset
    client.post(path, data={"reason": "called back on the number in the staff list"})
    reset = db.session.get(User, colleague.id)
    assert not reset.has_second_factor
    assert db_session.scalar(select(RecoveryCode).filter_by(user_id=colleague.id)) is None
    event = db_session.scalar(select(AuditEvent).filter_by(action="user.second_factor_reset"))
    assert (event.actor_id, event.entity_id) == (staff.id, colleague.id)
    assert event.reason == "called back on the number in the staff list"
    assert lost.get("/coordination/").status_code == 302  # their sessions ended
    again = password_step(app.test_client(), colleague.email)
    assert again.headers["Location"].endswith("/auth/second-factor/enrol")  # enrols again
    own = client.post(f"/coordination/users/{staff.id}/second-factor/reset", data={"reason": "x"})
    assert own.status_code == 302
    assert db.session.get(User, staff.id).has_second_factor


def test_code_guesses_are_limited(limited: Any) -> None:  # noqa: F811
    app = limited()
    staff = coordinator()
    db.session.commit()
    client = app.test_client()
    password_step(client, staff.email)
    statuses = [
        client.post("/auth/second-factor", data={"code": "000000"}).status_code for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    other = app.test_client()  # another address: the account's limit still holds
    password_step(other, staff.email)
    assert (
        other.post(
            "/auth/second-factor",
            data={"code": "000000"},
            environ_base={"REMOTE_ADDR": "10.40.0.2"},
        ).status_code
        == 429
    )


def test_the_operator_resets_the_last_coordinators_factor_on_the_command_line(
    app: Flask, db_session: Any
) -> None:
    staff = coordinator()
    db_session.commit()
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["reset-second-factor", "--email", staff.email, "--reason", " "])
    assert missing.exit_code != 0
    done = runner.invoke(args=["reset-second-factor", "--email", staff.email,
                               "--reason", "lost phone; identity checked in person"])
    assert done.exit_code == 0, done.output
    assert not db.session.get(User, staff.id).has_second_factor
    event = db_session.scalar(select(AuditEvent).filter_by(action="user.second_factor_reset"))
    assert event.actor_id is None
    assert event.reason == "lost phone; identity checked in person"
    client = app.test_client()
    assert password_step(client, staff.email).headers["Location"].endswith(
        "/auth/second-factor/enrol")
