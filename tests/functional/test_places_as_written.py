"""The forms and the import take places as people write them: Chinese addresses, airports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.models import Donation, Need, Organisation, OrgRole, Shipment
from aidregistry.services.imports import ImportKind, commit
from aidregistry.web.geocoder import get_geocoder
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, member
from tests.functional.test_accounts import confirmation_link, register
from tests.functional.test_donations import GOOD
from tests.functional.test_needs import GOOD as NEED
from tests.functional.test_shipments import LEG, new_shipment, shipment_world

# Where 杭州市萧山区 resolves (its seat, converted to WGS84), and the two airports.
XIAOSHAN = (30.186, 120.260)
PVG, LGG = (31.1434, 121.805), (50.6374, 5.4432)


@pytest.fixture
def donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR, name="Hangzhou Red Cross", city="Hangzhou")
    db_session.commit()
    sign_in(client, user.email)
    return user


def test_a_donation_from_a_chinese_address_with_a_street(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    typed = "浙江省杭州市萧山区市心中路818号"
    assert client.post("/donations/new", data={**GOOD, "place": typed}).status_code == 302
    donation = db_session.scalar(select(Donation))
    assert (donation.place, donation.place_region, donation.place_country) == (
        typed,
        "Zhejiang",
        "CN",
    )
    assert (donation.lat, donation.lon) == pytest.approx(XIAOSHAN, abs=0.01)


def test_two_districts_of_one_name_are_a_choice(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    first = client.post("/donations/new", data={**GOOD, "place": "朝阳区"})
    assert "Several places have this name; choose one." in first.text
    assert "北京市朝阳区, Beijing, China" in first.text
    assert "长春市朝阳区, Jilin, China" in first.text
    assert db_session.scalar(select(Donation)) is None


def test_a_need_in_washington_dc(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.RECIPIENT, name="DC Health", country="US", city="Washington")
    db_session.commit()
    sign_in(client, user.email)
    response = client.post("/needs/new", data={**NEED, "place": "Washington, D.C."})
    assert response.status_code == 302
    need = db_session.scalar(select(Need))
    assert (need.place_region, need.place_country) == ("District of Columbia", "US")


def test_an_organisation_registers_with_a_chinese_address(
    app: Flask, client: FlaskClient, db_session: Any
) -> None:
    assert register(client, place="浙江省杭州市萧山区").status_code == 200
    assert client.post(confirmation_link(app, "li.wei@example.cn")).status_code == 302
    org = db_session.scalar(select(Organisation))
    assert (org.region, org.country) == ("Zhejiang", "CN")
    assert (org.lat, org.lon) == pytest.approx(XIAOSHAN, abs=0.01)


def test_a_leg_through_airports_by_their_codes(client: FlaskClient, db_session: Any) -> None:
    world = shipment_world(db_session)
    sign_in(client, world["donor"].email)
    codes = {
        "origin-place": "PVG",
        "origin-lat": "",
        "origin-lon": "",
        "destination-place": "LGG",
        "destination-lat": "",
        "destination-lon": "",
    }
    assert set(codes) <= set(LEG)
    assert new_shipment(client, world, **codes).status_code == 302
    leg = db_session.scalars(select(Shipment)).one().legs[0]
    assert (leg.origin_lat, leg.origin_lon) == pytest.approx(PVG, abs=0.01)
    assert (leg.destination_lat, leg.destination_lon) == pytest.approx(LGG, abs=0.01)
    assert (leg.origin_country, leg.destination_country) == ("CN", "BE")


def test_the_import_reads_chinese_addresses_and_airports(
    app: Flask, db_session: Any, tmp_path: Path
) -> None:
    org = OrganisationFactory(role=OrgRole.DONOR)
    db_session.commit()
    path = tmp_path / "in.csv"
    path.write_text(
        "external_ref,item_code,quantity,unit,place,available_from,modes\n"
        "C1,MASK_SURG,20000,piece,浙江省杭州市萧山区,2020-03-15,air\n"
        "C2,MASK_SURG,20000,piece,Shanghai Pudong airport,2020-03-15,air\n",
        encoding="utf-8",
    )
    report = commit(db_session, None, get_geocoder(), path, ImportKind.DONATIONS, org)
    assert report.ok, report.errors
    db_session.commit()
    placed = {d.place: (d.lat, d.lon) for d in db_session.scalars(select(Donation))}
    assert placed["浙江省杭州市萧山区"] == pytest.approx(XIAOSHAN, abs=0.01)
    assert placed["Shanghai Pudong airport"] == pytest.approx(PVG, abs=0.01)
