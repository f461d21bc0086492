"""Every API route × every caller → the expected status (the API's permission matrix).

Callers: no token, a read token, and write tokens of a donor, a recipient and a
coordinator. Bodies are empty objects, so a caller that may act gets 422 (or 200 where
nothing is required) and one that may not gets 401/403 before the body is read.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aidregistry.models import ApiScope, OrgRole
from aidregistry.models.base import today
from aidregistry.services import matching
from tests.api.conftest import bearer, token_for
from tests.factories import DonationFactory, NeedFactory, coordinator, member
from tests.integration.test_shipments import shipment_between

CALLERS = ("anonymous", "read", "donor", "recipient", "coordinator")


def row(anonymous: int, read: int, donor: int, recipient: int, coord: int) -> dict[str, int]:
    return dict(zip(CALLERS, (anonymous, read, donor, recipient, coord), strict=True))


OPEN = row(200, 200, 200, 200, 200)
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/openapi.json"): OPEN,
    ("GET", "/api/v1/docs"): OPEN,
    ("GET", "/api/v1/<path:_rest>"): row(404, 404, 404, 404, 404),
    ("GET", "/api/v1/me"): row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/organisations"): OPEN,
    ("GET", "/api/v1/organisations/<int:org_id>"): OPEN,
    ("GET", "/api/v1/donations"): OPEN,
    ("GET", "/api/v1/donations/<int:donation_id>"): OPEN,
    ("GET", "/api/v1/needs"): OPEN,
    ("GET", "/api/v1/needs/<int:need_id>"): OPEN,
    ("GET", "/api/v1/allocations"): OPEN,
    ("GET", "/api/v1/statistics"): OPEN,
    ("GET", "/api/v1/shipments"): OPEN,
    ("GET", "/api/v1/shipments/<int:shipment_id>"): OPEN,
    ("POST", "/api/v1/donations"): row(401, 403, 422, 403, 403),
    ("PUT", "/api/v1/donations/<int:donation_id>"): row(401, 403, 422, 403, 403),
    ("POST", "/api/v1/donations/<int:donation_id>/withdraw"): row(401, 403, 422, 403, 403),
    ("POST", "/api/v1/needs"): row(401, 403, 403, 422, 403),
    ("PUT", "/api/v1/needs/<int:need_id>"): row(401, 403, 403, 422, 403),
    ("POST", "/api/v1/needs/<int:need_id>/reconfirm"): row(401, 403, 403, 200, 403),
    ("POST", "/api/v1/needs/<int:need_id>/close"): row(401, 403, 403, 200, 403),
    ("POST", "/api/v1/allocations/<int:allocation_id>/reject"): row(401, 403, 403, 403, 422),
    ("POST", "/api/v1/allocations/<int:allocation_id>/accept"): row(401, 403, 403, 403, 200),
    ("POST", "/api/v1/shipments/<int:shipment_id>/receipt"): row(401, 403, 403, 422, 403),
}


def test_every_api_route_is_in_the_matrix(app: Flask) -> None:
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")
              for method in rule.methods or () if method in ("GET", "POST", "PUT")}
    catch_all = {(m, "/api/v1/<path:_rest>") for m in ("POST", "PUT")}
    assert routes - set(MATRIX) - catch_all == set()


@pytest.fixture
def world(db_session: Any) -> dict[str, Any]:
    donor, recipient = member(OrgRole.DONOR), member(OrgRole.RECIPIENT, country="US")
    staff = coordinator()
    donation = DonationFactory(organisation=donor.organisation)
    need = NeedFactory(organisation=recipient.organisation)
    run = matching.propose(db_session, staff, matching.Scope(), today())
    allocation = matching.proposals(db_session, run)[0]
    shipment = shipment_between(db_session, donor, recipient)
    db_session.commit()
    tokens = {"read": token_for(db_session, donor, ApiScope.READ),
              "donor": token_for(db_session, donor), "recipient": token_for(db_session, recipient),
              "coordinator": token_for(db_session, staff)}
    values = {"org_id": donor.organisation_id, "donation_id": donation.id, "need_id": need.id,
              "allocation_id": allocation.id, "shipment_id": shipment.id, "_rest": "nothing"}
    return {"tokens": tokens, "values": values}


def concrete(rule: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        for converter in ("int:", "path:", ""):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    return rule


@pytest.mark.parametrize("caller", CALLERS)
def test_matrix(client: FlaskClient, world: dict[str, Any], caller: str) -> None:
    headers = bearer(world["tokens"][caller]) if caller != "anonymous" else {}
    failures = []
    for (method, rule), expected in MATRIX.items():
        path = concrete(rule, world["values"])
        body = "{}" if method != "GET" else None
        response = client.open(path, method=method, headers=headers, data=body,
                               content_type="application/json" if body else None)
        if response.status_code != expected[caller]:
            failures.append(f"{method} {path}: {response.status_code} != {expected[caller]}")
    assert failures == []
