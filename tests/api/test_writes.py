"""Writes through the API: the same services and rules as the forms, and problem documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from aidregistry.models import ApiScope, AuditEvent, Donation, DonationStatus, Need, NeedStatus
from tests.api.conftest import bearer, token_for
from tests.factories import DonationFactory, NeedFactory, OrganisationFactory

TODAY = datetime.now(UTC).date()


def donation_body(**changes: Any) -> dict[str, Any]:
    body = {"item_code": "MASK_SURG", "quantity": 5000, "standard_code": "YY0469",
            "place": "Shanghai", "available_from": TODAY.isoformat(), "modes": ["air"],
            "certificates": [{"scheme": "NMPA", "number": "国械注准20203140000"}]}
    return {**body, **changes}


def need_body(**changes: Any) -> dict[str, Any]:
    body = {"item_code": "MASK_SURG", "quantity": 100, "unit": "packs", "pack_size": 50,
            "accepted_standards": ["YY0469"], "priority": 1,
            "needed_by": (TODAY + timedelta(days=10)).isoformat(), "place": "Newark",
            "lat": 40.7357, "lon": -74.1724}
    return {**body, **changes}


def post(client: FlaskClient, path: str, body: Any, secret: str | None,
         method: str = "POST") -> Any:
    headers = bearer(secret) if secret else {}
    return client.open(f"/api/v1{path}", method=method, data=json.dumps(body),
                       content_type="application/json", headers=headers)


def test_a_donor_records_a_donation(client: FlaskClient, donor_token: str, db_session: Any) -> None:
    response = post(client, "/donations", donation_body(), donor_token)
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"/api/v1/donations/{response.json['id']}"
    donation = db_session.get(Donation, response.json["id"])
    assert donation.quantity == 5000
    assert donation.place_country == "CN"
    assert db_session.query(AuditEvent).filter_by(action="donation.create").count() == 1


def test_packs_become_base_units(client: FlaskClient, recipient_token: str) -> None:
    response = post(client, "/needs", need_body(), recipient_token)
    assert response.status_code == 201, response.json
    assert response.json["quantity"] == 5000
    assert response.json["pack_size"] == 50


def test_no_token_is_401_with_a_challenge(client: FlaskClient) -> None:
    response = post(client, "/donations", donation_body(), None)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_does_not_authenticate_writes(client: FlaskClient, donor: Any) -> None:
    from tests.conftest import sign_in

    sign_in(client, donor.email)
    assert post(client, "/donations", donation_body(), None).status_code == 401


def test_a_read_token_cannot_write(client: FlaskClient, donor: Any, db_session: Any) -> None:
    secret = token_for(db_session, donor, ApiScope.READ)
    response = post(client, "/donations", donation_body(), secret)
    assert response.status_code == 403
    assert client.get("/api/v1/me", headers=bearer(secret)).json["scope"] == "read"


def test_unknown_and_revoked_tokens_are_401(client: FlaskClient, donor: Any,
                                            db_session: Any) -> None:
    from aidregistry.services.api_tokens import create_token, revoke_token

    made = create_token(db_session, donor, "old", ApiScope.WRITE)
    revoke_token(db_session, donor, made.token.id)
    db_session.commit()
    assert post(client, "/donations", donation_body(), made.secret).status_code == 401
    assert post(client, "/donations", donation_body(), "ar_nonsense").status_code == 401
    basic = client.get("/api/v1/donations", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_an_expired_token_is_401(client: FlaskClient, donor: Any, db_session: Any) -> None:
    from aidregistry.models.base import utcnow

    secret = token_for(db_session, donor)
    from aidregistry.models import ApiToken

    token = db_session.query(ApiToken).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_use_is_recorded(client: FlaskClient, donor_token: str, db_session: Any) -> None:
    from aidregistry.models import ApiToken

    assert client.get("/api/v1/me", headers=bearer(donor_token)).status_code == 200
    assert db_session.query(ApiToken).one().last_used_at is not None


def test_a_recipient_may_not_record_donations(client: FlaskClient, recipient_token: str) -> None:
    assert post(client, "/donations", donation_body(), recipient_token).status_code == 403


def test_service_errors_name_the_field(client: FlaskClient, donor_token: str) -> None:
    response = post(client, "/donations", donation_body(item_code="NOPE"), donor_token)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "item_code",
                                        "message": "Choose an item from the catalogue."}]


def test_an_unknown_place_is_a_field_error(client: FlaskClient, donor_token: str) -> None:
    response = post(client, "/donations", donation_body(place="Qwxzyville Nowhere"), donor_token)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "place"


def test_edit_and_version_conflict(client: FlaskClient, donor: Any, donor_token: str,
                                   db_session: Any) -> None:
    donation = DonationFactory(organisation=donor.organisation)
    db_session.commit()
    path = f"/donations/{donation.id}"
    ok = post(client, path, donation_body(quantity=7, version=1), donor_token, "PUT")
    assert ok.status_code == 200
    assert ok.json["quantity"] == 7
    stale = post(client, path, donation_body(quantity=8, version=1), donor_token, "PUT")
    assert stale.status_code == 409


def test_others_records_are_403_and_missing_are_404(client: FlaskClient, donor_token: str,
                                                    db_session: Any) -> None:
    other = DonationFactory()
    db_session.commit()
    assert post(client, f"/donations/{other.id}", donation_body(), donor_token, "PUT"
                ).status_code == 403
    assert post(client, "/donations/999999", donation_body(), donor_token, "PUT").status_code == 404


def test_withdraw(client: FlaskClient, donor: Any, donor_token: str, db_session: Any) -> None:
    donation = DonationFactory(organisation=donor.organisation)
    db_session.commit()
    response = post(client, f"/donations/{donation.id}/withdraw", {"reason": "sold out"},
                    donor_token)
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    assert db_session.get(Donation, donation.id).status is DonationStatus.WITHDRAWN
    again = post(client, f"/donations/{donation.id}/withdraw", {"reason": "x"}, donor_token)
    assert again.status_code == 422


def test_need_edit_close_and_reconfirm(client: FlaskClient, recipient: Any,
                                       recipient_token: str, db_session: Any) -> None:
    need = NeedFactory(organisation=recipient.organisation)
    db_session.commit()
    edited = post(client, f"/needs/{need.id}", need_body(priority=3), recipient_token, "PUT")
    assert edited.status_code == 200
    assert edited.json["priority"] == 3
    assert post(client, f"/needs/{need.id}/reconfirm", {}, recipient_token).status_code == 200
    closed = post(client, f"/needs/{need.id}/close", {}, recipient_token)
    assert closed.status_code == 200
    assert closed.json["closed_quantity"] == 5000
    assert db_session.get(Need, need.id).status is NeedStatus.CLOSED


@pytest.mark.parametrize("field", ["organisation_id", "allocated", "status", "id", "state"])
def test_a_body_naming_a_protected_field_is_refused(client: FlaskClient, donor_token: str,
                                                    db_session: Any, field: str) -> None:
    other = OrganisationFactory()
    value: Any = "withdrawn" if field == "status" else "verified" if field == "state" \
        else other.id if field == "organisation_id" else 1
    response = post(client, "/donations", donation_body(**{field: value}), donor_token)
    assert response.status_code == 422, response.json
    assert field in [error["field"] for error in response.json["errors"]]
    assert db_session.query(Donation).count() == 0
