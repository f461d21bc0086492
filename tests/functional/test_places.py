"""Places on the forms: a choice among look-alikes, coordinates by hand, the nearest city."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.models import Donation, Need, OrgRole
from tests.conftest import sign_in
from tests.factories import member
from tests.functional.test_donations import GOOD

ILLINOIS = "39.8017,-89.6437"  # the key of Springfield, Illinois among the candidates


@pytest.fixture
def donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR, name="Ningbo Medical Supplies", city="Ningbo")
    db_session.commit()
    sign_in(client, user.email)
    return user


def stored(db_session: Any) -> Donation | None:
    return db_session.scalar(select(Donation))  # type: ignore[no-any-return]


def test_an_ambiguous_place_lists_candidates_and_stores_the_chosen_one(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    first = client.post("/donations/new", data={**GOOD, "place": "Springfield"})
    assert "Several places have this name; choose one." in first.text
    for label in ("Springfield, Illinois, United States", "Springfield, Missouri, United States"):
        assert label in first.text
    assert f'value="{ILLINOIS}"' in first.text
    assert stored(db_session) is None

    saved = client.post(
        "/donations/new", data={**GOOD, "place": "Springfield", "place_choice": ILLINOIS}
    )
    assert saved.status_code == 302
    donation = stored(db_session)
    assert donation is not None
    assert (donation.place, donation.place_region, donation.place_country) == (
        "Springfield",
        "Illinois",
        "US",
    )
    assert (donation.lat, donation.lon) == pytest.approx((39.80172, -89.64371), abs=1e-4)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("91", "10", "Latitude is -90 to 90."),
        ("-90.5", "10", "Latitude is -90 to 90."),
        ("10", "180.01", "Longitude is -180 to 180."),
        ("nan", "10", "Enter a real number."),
        ("10", "inf", "Enter a real number."),
        ("north", "10", "Not a valid float value."),
        ("10", "", "Give both latitude and longitude, or neither."),
    ],
)
def test_coordinates_by_hand_are_validated(
    client: FlaskClient, db_session: Any, donor: Any, lat: str, lon: str, message: str
) -> None:
    response = client.post(
        "/donations/new", data={**GOOD, "place": "Factory gate", "lat": lat, "lon": lon}
    )
    assert response.status_code == 200
    assert message in response.text
    assert stored(db_session) is None


def test_coordinates_with_a_description_store_the_nearest_city(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    response = client.post(
        "/donations/new",
        data={**GOOD, "place": "Warehouse 3, north gate", "lat": "29.87", "lon": "121.55"},
    )
    assert response.status_code == 302
    donation = stored(db_session)
    assert donation is not None
    assert (donation.place, donation.place_region, donation.place_country) == (
        "Warehouse 3, north gate",
        "Ningbo, Zhejiang",
        "CN",
    )
    assert (donation.lat, donation.lon) == (29.87, 121.55)
    page = client.get(response.headers["Location"]).text
    assert "near Ningbo, Zhejiang" in page
    assert "29.87000, 121.55000" in page


def test_coordinates_that_correct_a_named_place_keep_its_region(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    client.post("/donations/new", data={**GOOD, "place": "Ningbo", "lat": "29.95", "lon": "121.7"})
    donation = stored(db_session)
    assert donation is not None
    assert (donation.place_region, donation.place_country) == ("Zhejiang", "CN")
    assert (donation.lat, donation.lon) == (29.95, 121.7)


def test_a_failed_lookup_offers_to_use_coordinates(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    failed = client.post("/donations/new", data={**GOOD, "place": "Xyzzyville"})
    assert "We could not find this place" in failed.text
    assert 'name="use_coordinates"' in failed.text
    assert "<details class=\"mb-3\" open>" in failed.text

    empty = client.post(
        "/donations/new", data={**GOOD, "place": "Xyzzyville", "use_coordinates": "1"}
    )
    assert "Enter the latitude and longitude to use." in empty.text
    assert stored(db_session) is None

    used = client.post(
        "/donations/new",
        data={
            **GOOD,
            "place": "Xyzzyville",
            "lat": "39.80",
            "lon": "-89.65",
            "use_coordinates": "1",
        },
    )
    assert used.status_code == 302
    donation = stored(db_session)
    assert donation is not None
    assert (donation.place, donation.place_region) == ("Xyzzyville", "Springfield, Illinois")


def test_the_detail_page_shows_the_place_on_a_map_with_credits(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    response = client.post("/donations/new", data=GOOD)
    page = client.get(response.headers["Location"]).text
    assert 'class="place-map"' in page
    assert 'data-lat="29.87819" data-lon="121.54945"' in page
    assert "/js/place-map.js" in page
    assert "/assets/leaflet/" in page
    assert "GeoNames (geonames.org), CC BY 4.0" in page
    assert "ODbL" not in page  # Nominatim is off in tests
    assert "Zhejiang" in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_the_form_shows_a_resolved_place_on_its_map(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    # A rule of the service re-shows the form: the place it found is on the map already.
    response = client.post("/donations/new", data={**GOOD, "expires_on": "2020-03-01"})
    assert "The expiry date must be after" in response.text
    assert 'data-form="1"' in response.text
    assert 'data-lat="29.87819"' in response.text


def test_a_need_by_coordinates_says_near(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.RECIPIENT, name="Springfield Clinic", country="US", city="Springfield")
    db_session.commit()
    sign_in(client, user.email)
    data = {
        "item_code": "MASK_SURG",
        "quantity": "1000",
        "unit": "units",
        "accepted_standards": ["ASTM-F2100"],
        "priority": "2",
        "needed_by": "2031-01-01",
        "place": "Field hospital tent 4",
        "lat": "39.81",
        "lon": "-89.64",
    }
    response = client.post("/needs/new", data=data)
    assert response.status_code == 302, response.text
    need = db_session.scalar(select(Need))
    assert (need.place_region, need.place_country) == ("Springfield, Illinois", "US")
    page = client.get(response.headers["Location"]).text
    assert "near Springfield, Illinois" in page
    assert 'class="place-map"' in page


@pytest.mark.parametrize(
    ("precision", "shown"),
    [("exact", 'data-lat="31.2222"'), ("city", 'data-lat="31.22"'), ("region", None)],
)
def test_an_organisation_page_maps_it_only_as_precisely_as_it_allows(
    client: FlaskClient, db_session: Any, precision: str, shown: str | None
) -> None:
    from aidregistry.models import LocationPrecision
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(location_precision=LocationPrecision(precision))
    db_session.commit()
    page = client.get(f"/organisations/{organisation.id}").text
    if shown is None:
        assert 'class="place-map"' not in page
    else:
        assert shown in page
        assert "GeoNames" in page
