"""Coordinators verify, reject and suspend organisations."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.models import AuditEvent, Organisation, OrgRole, VerificationState
from tests.conftest import sign_in
from tests.factories import coordinator, member


def test_the_queue_lists_pending_organisations(client: FlaskClient, db_session: Any) -> None:
    staff = coordinator()
    member(OrgRole.DONOR, VerificationState.PENDING, name="Wenzhou Glasses Association")
    db_session.commit()
    sign_in(client, staff.email)
    page = client.get("/coordination/").text
    assert "Wenzhou Glasses Association" in page


def test_verify_then_suspend_with_a_reason(client: FlaskClient, db_session: Any) -> None:
    staff = coordinator()
    org = member(OrgRole.DONOR, VerificationState.PENDING).organisation
    db_session.commit()
    sign_in(client, staff.email)
    client.post(f"/coordination/organisations/{org.id}", data={"decision": "verified"})
    assert db_session.get(Organisation, org.id).state is VerificationState.VERIFIED
    response = client.post(f"/coordination/organisations/{org.id}", data={"decision": "suspended"})
    assert "Give a reason" in response.text
    client.post(
        f"/coordination/organisations/{org.id}",
        data={"decision": "suspended", "reason": "Certificates could not be checked."},
    )
    suspended = db_session.get(Organisation, org.id)
    assert suspended.state is VerificationState.SUSPENDED
    events = db_session.scalars(
        select(AuditEvent).filter_by(entity_id=org.id, entity_type="organisation")
    ).all()
    assert [e.action for e in events] == ["organisation.verify", "organisation.suspend"]
    assert events[1].actor_id == staff.id
    assert events[1].reason == "Certificates could not be checked."


def test_reject_needs_a_reason_and_a_pending_state(client: FlaskClient, db_session: Any) -> None:
    staff = coordinator()
    org = member(OrgRole.RECIPIENT, VerificationState.VERIFIED).organisation
    db_session.commit()
    sign_in(client, staff.email)
    response = client.post(
        f"/coordination/organisations/{org.id}", data={"decision": "rejected", "reason": "x"}
    )
    assert "cannot become rejected" in response.text
    assert db_session.get(Organisation, org.id).state is VerificationState.VERIFIED
