"""Security events (ASVS 7.1, 7.2): sign-in success, failure and lockout and every denied
access are structured log lines with user, route, address and request id; denied attempts on
records also reach the audit trail."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import AuditEvent, OrgRole
from tests.api.conftest import token_for
from tests.api.test_writes import donation_body, post
from tests.conftest import TEST_PASSWORD, sign_in
from tests.factories import DonationFactory, UserFactory, coordinator, member
from tests.functional.test_login_limits import attempt, limited  # noqa: F401 - the fixture


@pytest.fixture
def events(caplog: pytest.LogCaptureFixture) -> Any:
    """The security events logged so far, parsed."""
    caplog.set_level(logging.INFO, logger="aidregistry.security")

    def parsed() -> list[dict[str, Any]]:
        return [
            json.loads(r.getMessage()) for r in caplog.records if r.name == "aidregistry.security"
        ]

    return parsed


def test_sign_in_success_and_failure_are_logged(app: Flask, db_session: Any, events: Any) -> None:
    user = UserFactory(email="a@example.org")
    db_session.commit()
    client = app.test_client()
    failed = client.post(
        "/auth/login",
        data={"email": "a@example.org", "password": "wrong guess"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    unknown = client.post(
        "/auth/login", data={"email": "nobody@example.org", "password": "wrong guess"}
    )
    passed = client.post(
        "/auth/login",
        data={"email": "a@example.org", "password": TEST_PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    logged = events()
    assert [e["event"] for e in logged] == ["sign_in.failure", "sign_in.failure", "sign_in.success"]
    assert logged[0] == {
        "event": "sign_in.failure",
        "user_id": user.id,
        "route": "/auth/login",
        "method": "POST",
        "address": "192.0.2.7",
        "request_id": failed.headers["X-Request-ID"],
    }
    assert logged[1]["user_id"] is None
    assert logged[1]["request_id"] == unknown.headers["X-Request-ID"]
    assert logged[2]["user_id"] == user.id
    assert logged[2]["request_id"] == passed.headers["X-Request-ID"]
    text = json.dumps(logged)
    assert "wrong guess" not in text
    assert "example.org" not in text  # typed addresses are not logged


def test_a_sign_in_lockout_is_logged(limited: Any, events: Any) -> None:  # noqa: F811
    app = limited()
    for _ in range(11):
        last = attempt(app, "a@example.org", ip="192.0.2.9")
    assert last.status_code == 429
    locked = [e for e in events() if e["event"] == "sign_in.locked"]
    assert len(locked) == 1
    assert locked[0]["address"] == "192.0.2.9"
    assert locked[0]["request_id"] == last.headers["X-Request-ID"]


def test_a_denied_page_is_logged(app: Flask, db_session: Any, events: Any) -> None:
    donor = member(OrgRole.DONOR)
    db_session.commit()
    client = app.test_client()
    sign_in(client, donor.email)
    response = client.get("/coordination/")
    assert response.status_code == 403
    denied = events()[-1]
    assert denied["event"] == "access.denied"
    assert denied["user_id"] == donor.id
    assert denied["route"] == "/coordination/"
    assert denied["request_id"] == response.headers["X-Request-ID"]
    assert db_session.scalar(select(AuditEvent).filter_by(action="access.denied")) is None


def test_a_denied_attempt_on_a_record_reaches_its_history(
    app: Flask, db_session: Any, events: Any
) -> None:
    intruder = member(OrgRole.DONOR, name="Intruder")
    other = DonationFactory()
    staff = coordinator()
    db_session.commit()
    client = app.test_client()
    sign_in(client, intruder.email)
    assert client.get(f"/donations/{other.id}/edit").status_code == 403
    assert client.post(f"/donations/{other.id}/withdraw", data={"reason": "x"}).status_code == 403
    audit = db_session.scalars(select(AuditEvent).filter_by(action="access.denied")).all()
    assert [(a.actor_id, a.entity_type, a.entity_id) for a in audit] == [
        (intruder.id, "donation", other.id)
    ] * 2
    assert audit[0].after == {"route": "/donations/<int:donation_id>/edit", "method": "GET"}
    assert events()[-1]["record"] == f"donation/{other.id}"
    reader = app.test_client()
    sign_in(reader, staff.email)
    history = reader.get(f"/coordination/history/donation/{other.id}").get_data(as_text=True)
    assert "access.denied" in history
    assert intruder.name in history


def test_a_denied_api_write_is_logged_and_audited(
    client: FlaskClient, db_session: Any, events: Any
) -> None:
    donor = member(OrgRole.DONOR)
    secret = token_for(db_session, donor)
    other = DonationFactory()
    db_session.commit()
    assert post(client, f"/donations/{other.id}", donation_body(), secret, "PUT").status_code == 403
    denied = events()[-1]
    assert denied["event"] == "access.denied"
    assert denied["user_id"] == donor.id
    assert denied["route"] == "/api/v1/donations/<int:donation_id>"
    audit = db.session.scalar(select(AuditEvent).filter_by(action="access.denied"))
    assert (audit.actor_id, audit.entity_type, audit.entity_id) == (donor.id, "donation", other.id)
