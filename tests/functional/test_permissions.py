"""Every route × every role → the expected status.

A new route without a row here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aidregistry.models import AttachmentKind, Manufacturer, OrgRole, VerificationState
from aidregistry.models.base import today
from aidregistry.services import attachments, matching
from aidregistry.web.evidence.attachments import get_storage
from aidregistry.web.map import views as map_views
from tests.conftest import sign_in
from tests.factories import DonationFactory, NeedFactory, coordinator, member
from tests.files import samples
from tests.integration.test_shipments import shipment_between

ROLES = ("anonymous", "pending", "donor", "recipient", "coordinator")


def row(anonymous: int, pending: int, donor: int, recipient: int, coord: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, pending, donor, recipient, coord), strict=True))


ALL_200 = row(200, 200, 200, 200, 200)
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/"): ALL_200,
    ("GET", "/about"): ALL_200,
    ("GET", "/map/"): ALL_200,
    ("GET", "/map/data.json"): ALL_200,
    ("GET", "/map/outline-<digest>.json"): ALL_200,
    ("GET", "/donations/"): ALL_200,
    ("GET", "/needs/"): ALL_200,
    ("GET", "/auth/login"): ALL_200,
    ("GET", "/auth/register"): ALL_200,
    ("GET", "/auth/register/confirm/<token>"): row(400, 400, 400, 400, 400),
    ("GET", "/auth/reset"): ALL_200,
    ("GET", "/healthz"): ALL_200,
    ("GET", "/auth/reset/<token>"): row(400, 400, 400, 400, 400),
    ("GET", "/organisations/<int:org_id>"): ALL_200,
    ("GET", "/language/<code>"): row(302, 302, 302, 302, 302),
    ("GET", "/static/<path:filename>"): ALL_200,
    ("GET", "/assets/<name>/<version>/<path:filename>"): ALL_200,
    ("GET", "/account/"): row(302, 200, 200, 200, 302),
    ("GET", "/account/password"): row(302, 200, 200, 200, 200),
    ("POST", "/auth/logout"): row(302, 302, 302, 302, 302),
    ("GET", "/donations/new"): row(302, 200, 200, 403, 403),
    ("GET", "/donations/<int:donation_id>"): ALL_200,
    ("GET", "/donations/<int:donation_id>/edit"): row(302, 403, 200, 403, 403),
    ("GET", "/donations/<int:donation_id>/withdraw"): row(302, 403, 200, 403, 403),
    ("GET", "/needs/new"): row(302, 403, 403, 200, 403),
    ("GET", "/needs/<int:need_id>"): ALL_200,
    ("GET", "/needs/<int:need_id>/edit"): row(302, 403, 403, 200, 403),
    ("POST", "/needs/<int:need_id>/reconfirm"): row(302, 403, 403, 302, 403),
    ("POST", "/needs/<int:need_id>/close"): row(302, 403, 403, 302, 403),
    ("GET", "/coordination/"): row(302, 403, 403, 403, 200),
    ("GET", "/coordination/organisations/<int:org_id>"): row(302, 403, 403, 403, 200),
    ("GET", "/coordination/history/<entity_type>/<int:entity_id>"): row(302, 403, 403, 403, 200),
    ("GET", "/coordination/match"): row(302, 403, 403, 403, 200),
    ("GET", "/coordination/match/<int:run_id>"): row(302, 403, 403, 403, 200),
    ("POST", "/coordination/match/<int:run_id>/decide"): row(302, 403, 403, 403, 400),
    ("GET", "/coordination/needs/<int:need_id>/allocate"): row(302, 403, 403, 403, 200),
    ("GET", "/allocations/<int:allocation_id>"): row(302, 403, 200, 200, 200),
    ("POST", "/allocations/<int:allocation_id>/confirm"): row(302, 403, 302, 403, 403),
    ("POST", "/allocations/<int:allocation_id>/cancel"): row(302, 403, 403, 403, 302),
    ("POST", "/coordination/users/<int:user_id>/active"): row(302, 403, 403, 403, 302),
    ("POST", "/coordination/users/<int:user_id>/second-factor/reset"): row(302, 403, 403, 403, 302),
    ("GET", "/auth/second-factor"): row(302, 302, 302, 302, 302),
    ("GET", "/auth/second-factor/enrol"): row(302, 200, 200, 200, 404),
    ("GET", "/account/security"): row(302, 200, 200, 200, 200),
    ("POST", "/account/security/recovery-codes"): row(302, 200, 200, 200, 200),
    ("POST", "/account/security/off"): row(302, 200, 200, 200, 200),
    ("GET", "/shipments/"): ALL_200,
    ("GET", "/shipments/<int:shipment_id>"): ALL_200,
    ("GET", "/shipments/new"): row(302, 200, 200, 403, 200),
    ("GET", "/shipments/<int:shipment_id>/legs/new"): row(302, 403, 200, 403, 200),
    ("GET", "/shipments/<int:shipment_id>/legs/<int:leg_id>/edit"): row(302, 403, 200, 403, 200),
    ("GET", "/shipments/<int:shipment_id>/legs/<int:leg_id>/remove"): row(302, 403, 200, 403, 200),
    ("GET", "/shipments/<int:shipment_id>/status"): row(302, 403, 200, 403, 200),
    ("GET", "/shipments/<int:shipment_id>/receipt"): row(302, 403, 403, 200, 403),
    ("GET", "/account/tokens/"): row(302, 200, 200, 200, 200),
    ("POST", "/account/tokens/<int:token_id>/revoke"): row(302, 302, 302, 302, 302),
    ("GET", "/exports/"): ALL_200,
    ("GET", "/exports/<dataset>.csv"): ALL_200,
    ("GET", "/exports/<dataset>.hxl.csv"): ALL_200,
    ("GET", "/exports/<dataset>.xlsx"): ALL_200,
    ("GET", "/exports/deliveries.geojson"): ALL_200,
    ("GET", "/exports/dump.json"): ALL_200,
    ("GET", "/exports/iati.xml"): ALL_200,
    ("GET", "/imports/"): row(302, 200, 200, 200, 403),
    ("POST", "/imports/commit"): row(302, 400, 400, 400, 400),
    ("GET", "/imports/columns"): row(302, 400, 400, 400, 400),
    ("POST", "/imports/columns"): row(302, 400, 400, 400, 400),
    ("GET", "/imports/template/<kind>.<fmt>"): ALL_200,
    ("GET", "/evidence/manufacturers/<int:manufacturer_id>"): ALL_200,
    ("GET", "/evidence/donations/<int:donation_id>/attachments"): row(302, 403, 200, 403, 200),
    # a private file: its donor and coordinators (the recipient's allocation is only proposed)
    ("GET", "/evidence/attachments/<int:attachment_id>"): row(404, 404, 200, 404, 200),
    ("POST", "/evidence/attachments/<int:attachment_id>/public"): row(302, 302, 302, 302, 302),
}


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method in ("GET", "POST")
    }
    # A route that answers both GET and POST is listed once, by its GET.
    listed = {(m, r) for m, r in MATRIX} | {("POST", r) for m, r in MATRIX if m == "GET"}
    # /api/ routes answer JSON to tokens, not pages to sessions: tests/api/test_permissions_api.py
    # holds their matrix (every operation × token scope and role).
    routes = {(m, r) for m, r in routes if not r.startswith("/api/")}
    assert routes - listed == set()


@pytest.fixture
def world(db_session: Any) -> dict[str, Any]:
    donor = member(OrgRole.DONOR, name="Verified donor")
    recipient = member(OrgRole.RECIPIENT, name="Verified recipient", country="US")
    pending = member(OrgRole.DONOR, VerificationState.PENDING, name="Pending donor")
    staff = coordinator()
    maker = Manufacturer(name="Ningbo Mask Co.", name_key="ningbo mask")
    donation = DonationFactory(organisation=donor.organisation, maker=maker)
    need = NeedFactory(organisation=recipient.organisation)
    run = matching.propose(db_session, staff, matching.Scope(), today())
    allocation = matching.proposals(db_session, run)[0]
    shipment = shipment_between(db_session, donor, recipient)
    upload = attachments.Upload(samples.clean_pdf(), "certificate.pdf",
                                AttachmentKind.CERTIFICATE)
    attachment = attachments.attach_to_donation(db_session, get_storage(), donor, donation,
                                                upload, 10_000_000)
    db_session.commit()
    return {
        "users": {"pending": pending, "donor": donor, "recipient": recipient, "coordinator": staff},
        "values": {
            "org_id": donor.organisation_id,
            "donation_id": donation.id,
            "manufacturer_id": maker.id,
            "attachment_id": attachment.id,
            "need_id": need.id,
            "run_id": run.id,
            "allocation_id": allocation.id,
            "shipment_id": shipment.id,
            "leg_id": shipment.legs[0].id,
            "code": "zh",
            "name": "leaflet",
            "version": "1.9.3",
            "filename": "leaflet.css",
            "token_id": 999999,
            "user_id": donor.id,
            "token": "not-a-valid-token",
            "entity_type": "donation",
            "entity_id": donation.id,
            "dataset": "donations",
            "kind": "needs",
            "fmt": "csv",
            "digest": map_views.outline_digest(),
        },
    }


def concrete(rule: str, values: dict[str, Any]) -> str:
    path = rule
    for name, value in values.items():
        for converter in ("int:", "path:", ""):
            path = path.replace(f"<{converter}{name}>", str(value))
    return path.replace("/static/css/site.css", "/static/css/site.css")


@pytest.mark.parametrize("role", ROLES)
def test_matrix(app: Flask, world: dict[str, Any], role: str) -> None:
    client: FlaskClient = app.test_client()
    if role != "anonymous":
        sign_in(client, world["users"][role].email)
    values = {**world["values"]}
    failures = []
    for (method, rule), expected in MATRIX.items():
        path = concrete(
            rule, {**values, "filename": "css/site.css"} if "static" in rule else values
        )
        response = client.open(path, method=method)
        if response.status_code != expected[role]:
            failures.append(f"{method} {path}: {response.status_code} != {expected[role]}")
        if method == "POST" and rule == "/auth/logout" and role != "anonymous":
            sign_in(client, world["users"][role].email)
    assert failures == []
