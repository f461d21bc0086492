"""Exports: formula neutralisation, the HXL row, GeoJSON, IATI XML, and the dump round trip."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from aidregistry.models import Allocation, AllocationStatus, OrgRole, VerificationState
from aidregistry.models.organisation import OrganisationIdentifier
from aidregistry.services.exports.dump import dump_chunks, load_dump
from aidregistry.services.exports.tabular import neutralise
from tests.factories import DonationFactory, NeedFactory, OrganisationFactory

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def world(db_session: Any) -> dict[str, Any]:
    donor = OrganisationFactory(name=HOSTILE[0], contact_email="hidden@example.org")
    db_session.add(OrganisationIdentifier(organisation=donor, scheme="CN-USCI", value="91330"))
    recipient = OrganisationFactory(role=OrgRole.RECIPIENT, name="Newark Hospital", country="US",
                                    city="Newark", lat=40.73, lon=-74.17)
    hidden = OrganisationFactory(state=VerificationState.PENDING, name="Pending org")
    donation = DonationFactory(organisation=donor, notes=HOSTILE[3], allocated=500)
    DonationFactory(organisation=hidden)
    need = NeedFactory(organisation=recipient, allocated=500, notes=HOSTILE[2])
    db_session.flush()
    delivered = Allocation(donation_id=donation.id, need_id=need.id, quantity=500,
                           status=AllocationStatus.DELIVERED, proposed_by="coordinator")
    db_session.add(delivered)
    db_session.commit()
    return {"donation": donation, "need": need, "allocation": delivered}


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert neutralise(-5) == -5
    assert neutralise("Shanghai") == "Shanghai"


def test_csv_neutralises_formulas_and_hides_private_data(client: FlaskClient,
                                                         world: dict[str, Any]) -> None:
    text = client.get("/exports/donations.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2  # header + the verified organisation's donation only
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["donor"] == "'" + HOSTILE[0]
    assert record["notes"] == "'" + HOSTILE[3]
    assert "hidden@example.org" not in text
    assert "Pending org" not in text


def test_hxl_row_sits_under_the_header(client: FlaskClient, world: dict[str, Any]) -> None:
    text = client.get("/exports/deliveries.hxl.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["id", "donation_id"]
    assert all(tag.startswith("#") for tag in rows[1])
    tags = dict(zip(rows[0], rows[1], strict=True))
    assert tags["donor"] == "#org+funding+name"
    assert tags["quantity"] == "#item+num"
    assert rows[2][rows[0].index("quantity")] == "500"


def test_xlsx_cells_are_text_not_formulas(client: FlaskClient, world: dict[str, Any]) -> None:
    data = client.get("/exports/needs.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    notes = sheet.cell(row=2, column=header.index("notes") + 1)
    assert notes.value == "'" + HOSTILE[2]
    assert notes.data_type == "s"


def test_geojson_is_a_valid_feature_collection(client: FlaskClient,
                                                world: dict[str, Any]) -> None:
    response = client.get("/exports/deliveries.geojson")
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"]["type"] == "LineString"
    for lon, lat in feature["geometry"]["coordinates"]:
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90
    assert feature["geometry"]["coordinates"][1] == [-118.2437, 34.0522]  # lon, lat order
    assert feature["properties"]["quantity"] == 500


def test_iati_xml_is_well_formed(client: FlaskClient, world: dict[str, Any]) -> None:
    root = ET.fromstring(client.get("/exports/iati.xml").data)  # noqa: S314 - our own output
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    (activity,) = root.findall("iati-activity")
    assert activity.findtext("iati-identifier", "").startswith("CN-USCI-91330-")
    types = [t.get("code") for t in activity.iter("transaction-type")]
    assert types == ["12", "3"]
    assert activity.find("humanitarian-scope").get("code") == "EP-2020-000012-001"


def test_exports_page(client: FlaskClient) -> None:
    text = client.get("/exports/").get_data(as_text=True)
    assert "HXL" in text
    assert "<script" not in text


def test_dump_round_trip(app: Flask, db_session: Any, world: dict[str, Any]) -> None:
    from sqlalchemy import text

    from tests.conftest import CATALOGUE_TABLES

    first = "".join(dump_chunks(db_session))
    db_session.rollback()
    from aidregistry.models import Base

    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in CATALOGUE_TABLES:
            db_session.execute(text(f"DELETE FROM {table.name}"))  # noqa: S608 - model tables
    db_session.commit()
    counts = load_dump(db_session, first)
    db_session.commit()
    assert counts == {"organisations": 2, "donations": 1, "needs": 1, "allocations": 1}
    assert "".join(dump_chunks(db_session)) == first
    NeedFactory()  # ids keep counting after the loaded ones (PostgreSQL sequences)
    db_session.commit()


def test_a_dump_loads_only_into_an_empty_registry(db_session: Any,
                                                   world: dict[str, Any]) -> None:
    from aidregistry.services.errors import ServiceError

    with pytest.raises(ServiceError, match="not empty"):
        load_dump(db_session, "".join(dump_chunks(db_session)))
