"""Coordinators accept and reject allocations; recipients confirm receipts; shipments read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from aidregistry.models import Allocation, AllocationStatus
from aidregistry.models.base import today
from aidregistry.services import matching
from tests.api.conftest import bearer, token_for
from tests.factories import DonationFactory, NeedFactory, coordinator


def proposals(db_session: Any) -> list[Allocation]:
    DonationFactory()
    NeedFactory()
    staff = coordinator()
    run = matching.propose(db_session, staff, matching.Scope(), today())
    db_session.commit()
    return [*matching.proposals(db_session, run), staff]


def test_a_coordinator_accepts_and_rejects(client: FlaskClient, db_session: Any) -> None:
    allocation, staff = proposals(db_session)
    secret = token_for(db_session, staff)
    accepted = client.post(f"/api/v1/allocations/{allocation.id}/accept", headers=bearer(secret))
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    again = client.post(f"/api/v1/allocations/{allocation.id}/reject", headers=bearer(secret),
                        data=json.dumps({"reason_code": "no_need"}),
                        content_type="application/json")
    assert again.status_code == 422
    assert db_session.get(Allocation, allocation.id).status is AllocationStatus.ACCEPTED


def test_members_may_not_decide(client: FlaskClient, db_session: Any, donor_token: str) -> None:
    allocation, _staff = proposals(db_session)
    response = client.post(f"/api/v1/allocations/{allocation.id}/accept",
                           headers=bearer(donor_token))
    assert response.status_code == 403


def test_reject_needs_text_for_other(client: FlaskClient, db_session: Any) -> None:
    allocation, staff = proposals(db_session)
    secret = token_for(db_session, staff)
    response = client.post(f"/api/v1/allocations/{allocation.id}/reject",
                           headers=bearer(secret), data=json.dumps({"reason_code": "other"}),
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "reason_text"


def test_receipt_by_the_recipient(client: FlaskClient, db_session: Any) -> None:
    from aidregistry.models import OrgRole
    from tests.factories import member
    from tests.integration.test_shipments import shipment_between

    donor, recipient = member(OrgRole.DONOR), member(OrgRole.RECIPIENT, country="US")
    shipment = shipment_between(db_session, donor, recipient)
    db_session.commit()
    line = shipment.lines[0]
    assert client.get("/api/v1/shipments").json["data"][0]["id"] == shipment.id
    body = {"received_on": datetime.now(UTC).date().isoformat(),
            "lines": [{"line_id": line.id, "quantity_received": line.quantity,
                       "condition": "good", "decision": "accepted"}]}
    wrong = client.post(f"/api/v1/shipments/{shipment.id}/receipt", data=json.dumps(body),
                        content_type="application/json",
                        headers=bearer(token_for(db_session, donor)))
    assert wrong.status_code == 403
    done = client.post(f"/api/v1/shipments/{shipment.id}/receipt", data=json.dumps(body),
                       content_type="application/json",
                       headers=bearer(token_for(db_session, recipient)))
    assert done.status_code == 200, done.json
    assert done.json["status"] == "delivered"
