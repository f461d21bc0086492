"""Recording, editing and withdrawing donations through the web form."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import AuditEvent, Donation, DonationStatus, OrgRole, VerificationState
from aidregistry.models.base import today
from tests.conftest import sign_in
from tests.factories import DonationFactory, member

GOOD = {
    "item_code": "RESP_KN95",
    "quantity": "20,000",
    "unit": "units",
    "standard_code": "GB2626-KN95",
    "cert_nmpa": "国械注准20203140001",
    "cert_fda_eua": "EUA200412",
    "manufacturer": "Ningbo Mask Co.",
    "lot": "L2020-03",
    "expires_on": "2023-03-01",
    "available_from": "2020-03-25",
    "place": "Ningbo, China",
    "modes": ["air", "sea"],
    "notes": "Boxes of 50.",
}


@pytest.fixture
def donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR, name="Ningbo Medical Supplies", city="Ningbo")
    db_session.commit()
    sign_in(client, user.email)
    return user


def count(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Donation)))


def test_a_donor_records_a_donation(client: FlaskClient, db_session: Any, donor: Any) -> None:
    response = client.post("/donations/new", data=GOOD)
    assert response.status_code == 302
    donation = db_session.scalar(select(Donation))
    assert (donation.quantity, donation.item_code, donation.standard_code) == (
        20000,
        "RESP_KN95",
        "GB2626-KN95",
    )
    assert {c.scheme.value for c in donation.certificates} == {"NMPA", "FDA_EUA"}
    assert donation.mode_set == {"air", "sea"}
    assert donation.lat == pytest.approx(29.87, abs=0.1)
    assert donation.place_country == "CN"
    assert db_session.scalar(select(AuditEvent).filter_by(action="donation.create"))
    page = client.get(response.headers["Location"])
    assert "Ningbo Mask Co." in page.text
    assert "20,000" in page.text


def test_packs_are_converted_to_base_units(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    client.post(
        "/donations/new",
        data={**GOOD, "quantity": "400", "unit": "packs", "pack_size": "50", "pack_label": "box"},
    )
    donation = db_session.scalar(select(Donation))
    assert (donation.quantity, donation.pack_size, donation.pack_label) == (20000, 50, "box")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": ""}, "Enter a quantity"),
        ({"quantity": "0"}, "Enter a quantity from 1"),
        ({"quantity": "-5"}, "Enter a quantity from 1"),
        ({"quantity": "99999999999999"}, "Enter a quantity from 1"),
        ({"quantity": "NaN"}, "whole number"),
        ({"quantity": "Infinity"}, "whole number"),
        ({"quantity": "1e6"}, "whole number"),
        ({"quantity": "12.5"}, "whole number"),
        ({"unit": "packs"}, "units in one pack"),
        ({"unit": "packs", "pack_size": "0", "quantity": "10"}, "From 1 to 1,000,000"),
        ({"item_code": "UNOBTAINIUM"}, "Not a valid choice"),
        ({"item_code": ""}, "This field is required"),
        ({"standard_code": "NIOSH-N95"}, "not one of the item"),
        ({"standard_code": "MADE-UP"}, "Unknown standard"),
        ({"available_from": ""}, "ready"),
        ({"available_from": "31/02/2020"}, "Not a valid date"),
        ({"expires_on": "2020-03-01"}, "after the available-from date"),
        ({"modes": []}, "at least one way"),
        ({"place": ""}, "Enter a place"),
        ({"place": "Qwzx Imaginary Town"}, "could not find this place"),
        ({"lat": "NaN", "lon": "120"}, "real number"),
        ({"lat": "inf", "lon": "120"}, "real number"),
        ({"lat": "91", "lon": "120"}, "Latitude is -90 to 90"),
        ({"lat": "30", "lon": "-181"}, "Longitude is -180 to 180"),
        ({"lat": "30"}, "both latitude and longitude"),
    ],
)
def test_invalid_input_is_explained_and_nothing_is_stored(
    client: FlaskClient, db_session: Any, donor: Any, changes: dict[str, Any], message: str
) -> None:
    response = client.post("/donations/new", data={**GOOD, **changes})
    assert response.status_code == 200
    assert message in response.text
    assert count(db_session) == 0


def test_entered_coordinates_are_used(client: FlaskClient, db_session: Any, donor: Any) -> None:
    client.post(
        "/donations/new", data={**GOOD, "place": "Factory gate", "lat": "29.9", "lon": "121.6"}
    )
    donation = db_session.scalar(select(Donation))
    assert (donation.lat, donation.lon, donation.place) == (29.9, 121.6, "Factory gate")


def test_an_ambiguous_place_asks_which_one(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    response = client.post("/donations/new", data={**GOOD, "place": "Springfield"})
    assert "choose one" in response.text
    assert count(db_session) == 0


def test_edit_and_withdraw(client: FlaskClient, db_session: Any, donor: Any) -> None:
    client.post("/donations/new", data=GOOD)
    donation = db_session.scalar(select(Donation))
    response = client.post(
        f"/donations/{donation.id}/edit",
        data={**GOOD, "quantity": "30000", "version": str(donation.version)},
    )
    assert response.status_code == 302
    assert db_session.get(Donation, donation.id).quantity == 30000
    response = client.post(f"/donations/{donation.id}/withdraw", data={"reason": "Sold out."})
    assert response.status_code == 302
    withdrawn = db_session.get(Donation, donation.id)
    assert withdrawn.status is DonationStatus.WITHDRAWN
    assert withdrawn.status_reason == "Sold out."


def test_a_second_save_of_a_stale_form_is_refused(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    client.post("/donations/new", data=GOOD)
    donation = db_session.scalar(select(Donation))
    stale = str(donation.version)
    client.post(
        f"/donations/{donation.id}/edit", data={**GOOD, "quantity": "30000", "version": stale}
    )
    response = client.post(
        f"/donations/{donation.id}/edit", data={**GOOD, "quantity": "40000", "version": stale}
    )
    assert "Someone else saved this record" in response.text
    assert db_session.get(Donation, donation.id).quantity == 30000


def test_an_allocated_donation_cannot_be_edited(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    donation = DonationFactory(organisation=donor.organisation, allocated=100)
    db_session.commit()
    response = client.post(
        f"/donations/{donation.id}/edit", data={**GOOD, "version": str(donation.version)}
    )
    assert "can no longer be edited" in response.text
    assert db_session.get(Donation, donation.id).quantity == 20000


def test_public_list_shows_only_verified_donors(client: FlaskClient, db_session: Any) -> None:
    DonationFactory(
        organisation=member(OrgRole.DONOR, name="Verified Donor").organisation,
        item_code="GOGGLES",
        standard_code=None,
    )
    hidden = DonationFactory(
        organisation=member(
            OrgRole.DONOR, VerificationState.PENDING, name="Pending Donor"
        ).organisation
    )
    db_session.commit()
    page = client.get("/donations/").text
    assert "Verified Donor" in page
    assert "Pending Donor" not in page
    assert client.get(f"/donations/{hidden.id}").status_code == 404
    assert "Verified Donor" not in client.get("/donations/?item=MASK_SURG").text
    assert "Verified Donor" in client.get("/donations/?country=CN").text
    assert "Verified Donor" not in client.get("/donations/?country=US").text
    assert (
        "Verified Donor"
        not in client.get(
            f"/donations/?from={today().replace(year=today().year + 1)}"
        ).text
    )


def test_public_pages_never_show_contact_details(client: FlaskClient, db_session: Any) -> None:
    user = member(
        OrgRole.DONOR,
        name="Open Donor",
        contact_email="secret@example.org",
        contact_phone="+86 555 0100",
    )
    donation = DonationFactory(organisation=user.organisation)
    db_session.commit()
    for path in (
        "/donations/",
        f"/donations/{donation.id}",
        f"/organisations/{user.organisation_id}",
    ):
        body = client.get(path).text
        assert "secret@example.org" not in body
        assert "555 0100" not in body
        assert user.email not in body
