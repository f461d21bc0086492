"""Fields a person may not set stay out of reach of forms and API bodies alike."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import (
    Donation,
    DonationStatus,
    Organisation,
    OrgRole,
    User,
    UserRole,
    VerificationState,
)
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, member

# Columns that belong to the registry, its coordinators or another organisation.
FORGED = {"organisation_id": None, "allocated": "19999", "status": "withdrawn",
          "version": "41", "id": "777", "state": "verified", "external_ref": "forged-1"}


def donation_form(**changes: Any) -> dict[str, Any]:
    form = {"item_code": "MASK_SURG", "quantity": "20000", "unit": "units",
            "standard_code": "YY0469", "cert_nmpa": "国械注准20203140000",
            "available_from": "2020-03-25", "place": "Shanghai", "modes": ["air"]}
    return {**form, **changes}


def test_a_donation_form_sets_only_its_own_fields(client: FlaskClient, db_session: Any) -> None:
    donor = member(OrgRole.DONOR)
    other = OrganisationFactory()
    db_session.commit()
    sign_in(client, donor.email)
    response = client.post("/donations/new",
                           data=donation_form(**{**FORGED, "organisation_id": str(other.id)}))
    assert response.status_code == 302
    donation = db_session.scalar(select(Donation))
    assert donation.organisation_id == donor.organisation_id
    assert (donation.allocated, donation.status, donation.version) == (
        0, DonationStatus.AVAILABLE, 1)
    assert donation.id != 777
    assert donation.external_ref is None


def test_a_sign_up_creates_a_pending_member_whatever_it_posts(app: Flask, client: FlaskClient,
                                                             db_session: Any) -> None:
    from aidregistry.services.mailer import outbox
    from tests.functional.test_accounts import confirmation_link, register

    refused = register(client, role="coordinator")  # not one of the form's choices
    assert b"Not a valid choice" in refused.data
    assert not outbox()
    register(client, state="verified", user_role="coordinator", is_coordinator="1",
             location_precision="exact")
    client.post(confirmation_link(app, "li.wei@example.cn"))
    org = db_session.scalar(select(Organisation))
    assert (org.state, org.role) == (VerificationState.PENDING, OrgRole.DONOR)
    assert db_session.scalar(select(User)).role is UserRole.MEMBER
    assert db_session.scalar(select(func.count()).select_from(Organisation)) == 1
