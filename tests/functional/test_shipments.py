"""Shipment forms through the test client: per-field messages, nothing stored when invalid."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import (
    AllocationStatus,
    OrgRole,
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
    VerificationState,
)
from tests.conftest import sign_in
from tests.factories import member
from tests.integration.test_shipments import confirmed

LEG = {"mode": "air", "carrier": "China Cargo Airlines", "reference": "112-12345675",
       "gross_weight_kg": "31000", "origin-place": "Hangzhou", "origin-lat": "30.2937",
       "origin-lon": "120.1614", "destination-place": "Liège", "destination-lat": "50.6337",
       "destination-lon": "5.5675", "planned_departure": "2020-03-13",
       "planned_arrival": "2020-03-14", "customs": "export_cleared"}


def shipment_world(db_session: Any) -> dict[str, Any]:
    """A donor and a recipient with one confirmed allocation of 500,000 masks between them."""
    donor = member(OrgRole.DONOR, name="Jack Ma Foundation")
    recipient = member(OrgRole.RECIPIENT, name="Italian Red Cross", country="IT")
    allocation = confirmed(db_session, donor, recipient, 500_000)
    db_session.commit()
    return {"donor": donor, "recipient": recipient, "allocation": allocation}


@pytest.fixture
def world(db_session: Any) -> dict[str, Any]:
    return shipment_world(db_session)


def new_shipment(client: FlaskClient, world: dict[str, Any], **changes: str) -> Any:
    data = {**LEG, "lines-0-allocation_id": str(world["allocation"].id), "lines-0-include": "y",
            "lines-0-quantity": "500,000", **changes}
    return client.post("/shipments/new", data={k: v for k, v in data.items() if v is not None})


def count(db_session: Any, model: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)))


def test_donor_records_a_shipment(client: FlaskClient, world: dict[str, Any],
                                  db_session: Any) -> None:
    sign_in(client, world["donor"].email)
    form = client.get(f"/shipments/new?allocation={world['allocation'].id}")
    assert "Italian Red Cross" in form.text
    response = new_shipment(client, world)
    assert response.status_code == 302
    shipment = db_session.scalars(select(Shipment)).one()
    assert shipment.lines[0].quantity == 500_000
    assert (shipment.legs[0].origin, shipment.legs[0].destination_lat) == ("Hangzhou", 50.6337)
    page = client.get(f"/shipments/{shipment.id}")
    assert "112-12345675" in page.text
    assert "planned" in page.text


@pytest.mark.parametrize(("changes", "message"), [
    ({"lines-0-quantity": "0"}, "The quantity must be at least 1."),
    ({"lines-0-quantity": "1.5"}, "Enter a whole number"),
    ({"lines-0-quantity": "500,001"}, "Only 500,000 units are allocated; ship at most that."),
    ({"lines-0-quantity": ""}, "Enter a quantity."),
    ({"lines-0-include": None}, "Choose at least one allocation to ship."),
    ({"planned_arrival": "2020-03-12"}, "The arrival cannot be before the departure."),
    ({"actual_departure": "2020-03-14", "actual_arrival": "2020-03-13"},
     "The arrival cannot be before the departure."),
    ({"gross_weight_kg": "nan"}, "Enter a real number."),
    ({"gross_weight_kg": "inf"}, "Enter a real number."),
    ({"gross_weight_kg": "-3"}, "Enter a weight above 0"),
    ({"reference": "X" * 101}, "At most 100 characters."),
    ({"origin-lat": "95"}, "Latitude is -90 to 90."),
    ({"destination-place": ""}, "Enter a place."),
])
def test_invalid_shipment_says_what_to_fix_and_stores_nothing(
        client: FlaskClient, world: dict[str, Any], db_session: Any,
        changes: dict[str, Any], message: str) -> None:
    sign_in(client, world["donor"].email)
    response = new_shipment(client, world, **changes)
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    assert count(db_session, Shipment) == count(db_session, ShipmentLeg) == 0


def test_tampered_allocation_is_refused(client: FlaskClient, world: dict[str, Any],
                                        db_session: Any) -> None:
    other = member(OrgRole.DONOR)
    sign_in(client, other.email)
    response = new_shipment(client, world)
    assert "You can only ship your own organisation" in response.text
    assert count(db_session, Shipment) == 0


def ship_in_transit(client: FlaskClient, world: dict[str, Any], db_session: Any) -> Shipment:
    sign_in(client, world["donor"].email)
    new_shipment(client, world)
    shipment = db_session.scalars(select(Shipment)).one()
    response = client.post(f"/shipments/{shipment.id}/status", data={
        "status": "in_transit", "occurred_on": "2020-03-13", "document_ref": "CK217"})
    assert response.status_code == 302
    client.post("/auth/logout")
    return shipment


def test_status_and_receipt_through_the_forms(client: FlaskClient, world: dict[str, Any],
                                              db_session: Any) -> None:
    shipment = ship_in_transit(client, world, db_session)
    assert world["allocation"].status is AllocationStatus.SHIPPED
    sign_in(client, world["recipient"].email)
    line = shipment.lines[0]
    bad = client.post(f"/shipments/{shipment.id}/receipt", data={
        "received_on": "2020-03-16", "lines-0-line_id": str(line.id),
        "lines-0-quantity_received": "600000", "lines-0-condition": "good",
        "lines-0-decision": "accepted"})
    assert "Only 500,000 units were shipped on this line." in bad.text
    rejected = client.post(f"/shipments/{shipment.id}/receipt", data={
        "received_on": "2020-03-16", "lines-0-line_id": str(line.id),
        "lines-0-quantity_received": "500000", "lines-0-condition": "failed_inspection",
        "lines-0-decision": "rejected"})
    assert "Say why the goods are rejected" in rejected.text
    assert shipment.receipt is None
    good = client.post(f"/shipments/{shipment.id}/receipt", data={
        "received_on": "2020-03-16", "document_ref": "HANDOVER-7",
        "lines-0-line_id": str(line.id), "lines-0-quantity_received": "480,000",
        "lines-0-condition": "damaged", "lines-0-decision": "accepted"})
    assert good.status_code == 302
    assert shipment.status is ShipmentStatus.DELIVERED
    assert world["allocation"].status is AllocationStatus.DELIVERED
    need_page = client.get(f"/needs/{world['allocation'].need_id}")
    assert "20,000" in need_page.text  # the shortfall, on the need
    donation_page = client.get(f"/donations/{world['allocation'].donation_id}")
    assert "Shipments and receipts" in donation_page.text


def test_rejection_is_on_the_donation_page(client: FlaskClient, world: dict[str, Any],
                                           db_session: Any) -> None:
    shipment = ship_in_transit(client, world, db_session)
    sign_in(client, world["recipient"].email)
    client.post(f"/shipments/{shipment.id}/receipt", data={
        "received_on": "2020-03-28", "lines-0-line_id": str(shipment.lines[0].id),
        "lines-0-quantity_received": "500000", "lines-0-condition": "failed_inspection",
        "lines-0-decision": "rejected", "lines-0-inspection_note": "TNO: fails FFP2 filtration"})
    client.post("/auth/logout")
    page = client.get(f"/donations/{world['allocation'].donation_id}")
    assert "Rejected on receipt" in page.text
    assert "TNO: fails FFP2 filtration" in page.text


def test_status_form_refuses_impossible_moves(client: FlaskClient, world: dict[str, Any],
                                              db_session: Any) -> None:
    sign_in(client, world["donor"].email)
    new_shipment(client, world)
    shipment = db_session.scalars(select(Shipment)).one()
    response = client.post(f"/shipments/{shipment.id}/status", data={"status": "delivered"})
    assert "Not a valid choice" in response.text
    assert shipment.status is ShipmentStatus.PREPARING
    stale = client.post(f"/shipments/{shipment.id}/status",
                        data={"status": "in_transit", "version": str(shipment.version + 5)})
    assert "Someone else saved this shipment" in stale.text


def test_add_and_correct_a_leg(client: FlaskClient, world: dict[str, Any],
                               db_session: Any) -> None:
    sign_in(client, world["donor"].email)
    new_shipment(client, world)
    shipment = db_session.scalars(select(Shipment)).one()
    form = client.get(f"/shipments/{shipment.id}/legs/new")
    assert 'value="Liège"' in form.text  # the next leg starts where the last one ended
    road = {**LEG, "mode": "road", "origin-place": "Liège", "origin-lat": "50.6337",
            "origin-lon": "5.5675", "destination-place": "Rome", "destination-lat": "41.8919",
            "destination-lon": "12.5113", "planned_departure": "2020-03-15",
            "planned_arrival": "2020-03-17", "gross_weight_kg": ""}
    assert client.post(f"/shipments/{shipment.id}/legs/new", data=road).status_code == 302
    leg = shipment.legs[1]
    bad = client.post(f"/shipments/{shipment.id}/legs/{leg.id}/edit",
                      data={**road, "actual_departure": "2020-03-16",
                            "actual_arrival": "2020-03-15"})
    assert "The arrival cannot be before the departure." in bad.text
    assert client.post(f"/shipments/{shipment.id}/legs/{leg.id}/edit",
                       data={**road, "actual_departure": "2020-03-16"}).status_code == 302
    assert leg.actual_departure is not None


def test_unverified_shipments_are_not_public(client: FlaskClient, db_session: Any) -> None:
    donor = member(OrgRole.DONOR, VerificationState.PENDING)
    recipient = member(OrgRole.RECIPIENT)
    allocation = confirmed(db_session, donor, recipient, 10)
    db_session.commit()
    sign_in(client, donor.email)
    new_shipment(client, {"allocation": allocation}, **{"lines-0-quantity": "10"})
    shipment = db_session.scalars(select(Shipment)).one()
    assert client.get(f"/shipments/{shipment.id}").status_code == 200
    client.post("/auth/logout")
    assert client.get(f"/shipments/{shipment.id}").status_code == 404
    assert f"/shipments/{shipment.id}\"" not in client.get("/shipments/").text
