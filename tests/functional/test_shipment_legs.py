"""Correcting and removing a shipment's legs through the pages: rules, refusals, history."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.models import AuditEvent, OrgRole, Shipment, ShipmentLeg, ShipmentStatus
from tests.conftest import sign_in
from tests.factories import UserFactory, coordinator, member
from tests.functional.test_shipments import LEG, new_shipment, shipment_world

ROAD = {**LEG, "mode": "road", "carrier": "DHL Freight", "reference": "CMR-0042",
        "gross_weight_kg": "", "origin-place": "Liège", "origin-lat": "50.6337",
        "origin-lon": "5.5675", "destination-place": "Rome", "destination-lat": "41.8919",
        "destination-lon": "12.5113", "planned_departure": "2020-03-15",
        "planned_arrival": "2020-03-17", "customs": "none"}


@pytest.fixture
def world(db_session: Any) -> dict[str, Any]:
    return shipment_world(db_session)


def two_legs(client: FlaskClient, world: dict[str, Any], db_session: Any) -> Shipment:
    """Hangzhou → Liège by air and Liège → Rome by road, recorded by the donor (signed in)."""
    sign_in(client, world["donor"].email)
    assert new_shipment(client, world).status_code == 302
    shipment = db_session.scalars(select(Shipment)).one()
    assert client.post(f"/shipments/{shipment.id}/legs/new",
                       data={**ROAD, "version": str(shipment.version)}).status_code == 302
    return shipment


def legs_url(shipment: Shipment, leg: ShipmentLeg | int, action: str) -> str:
    leg_id = leg if isinstance(leg, int) else leg.id
    return f"/shipments/{shipment.id}/legs/{leg_id}/{action}"


def test_a_corrected_leg_shows_before_and_after_in_the_history(
        client: FlaskClient, world: dict[str, Any], db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    first = shipment.legs[0]
    form = client.get(legs_url(shipment, first, "edit"))
    assert 'value="112-12345675"' in form.text
    assert "Remove this leg" in form.text
    fixed = {**LEG, "reference": "112-12345686", "destination-place": "Brussels",
             "destination-lat": "50.8467", "destination-lon": "4.3525",
             "version": str(shipment.version)}
    assert client.post(legs_url(shipment, first, "edit"), data=fixed).status_code == 302
    assert (first.reference, first.destination) == ("112-12345686", "Brussels")
    event = db_session.scalars(select(AuditEvent).filter_by(action="shipment.leg_edit")).one()
    assert (event.before["reference"], event.after["reference"]) == ("112-12345675",
                                                                      "112-12345686")
    assert event.actor_id == world["donor"].id
    page = client.get(f"/shipments/{shipment.id}").text
    assert "Leg 1 corrected" in page
    assert "<del>112-12345675</del> → 112-12345686" in page
    assert "<del>Liège</del> → Brussels" in page
    # Leg 2 still starts in Liège: the page says the route no longer meets there.
    assert "Leg 2 starts in Liège, but leg 1 ends in Brussels." in page
    client.post("/auth/logout")
    public = client.get(f"/shipments/{shipment.id}").text
    assert "112-12345686" in public
    assert "Leg 1 corrected" not in public


def test_a_retyped_hub_is_looked_up_not_left_at_the_old_position(
        client: FlaskClient, world: dict[str, Any], db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    first = shipment.legs[0]
    form = client.get(legs_url(shipment, first, "edit")).text
    assert 'value="31000"' in form  # the weight as typed, not "31000.0"
    stored = {"destination-lat": str(first.destination_lat),
              "destination-lon": str(first.destination_lon)}
    assert f'value="{stored["destination-lat"]}"' in form  # what the browser sends back
    retyped = {**LEG, **stored, "destination-place": "Rome, Italy",
               "version": str(shipment.version)}
    assert client.post(legs_url(shipment, first, "edit"), data=retyped).status_code == 302
    assert first.destination == "Rome, Italy"
    assert round(first.destination_lat, 1) == 41.9  # Rome's, no longer Liège's 50.6
    kept = {**LEG, **stored, "destination-place": "Rome, Italy", "destination-lat": "41.9",
            "destination-lon": "12.5", "version": str(shipment.version)}
    assert client.post(legs_url(shipment, first, "edit"), data=kept).status_code == 302
    assert (first.destination_lat, first.destination_lon) == (41.9, 12.5)  # typed: kept


@pytest.mark.parametrize(("changes", "message"), [
    ({"planned_arrival": "2020-03-12"}, "The arrival cannot be before the departure."),
    ({"gross_weight_kg": "nan"}, "Enter a real number."),
    ({"reference": "X" * 101}, "At most 100 characters."),
    ({"destination-place": ""}, "Enter a place."),
    ({"actual_departure": "2999-01-01"}, "An actual date cannot be in the future"),
])
def test_an_invalid_correction_says_what_to_fix_and_stores_nothing(
        client: FlaskClient, world: dict[str, Any], db_session: Any,
        changes: dict[str, str], message: str) -> None:
    shipment = two_legs(client, world, db_session)
    first, version = shipment.legs[0], shipment.version
    response = client.post(legs_url(shipment, first, "edit"),
                           data={**LEG, **changes, "version": str(version)})
    assert response.status_code == 200
    assert message in response.text
    assert (first.reference, first.destination, shipment.version) == (
        "112-12345675", "Liège", version)
    assert db_session.scalars(select(AuditEvent).filter_by(
        action="shipment.leg_edit")).first() is None


def test_remove_the_last_leg(client: FlaskClient, world: dict[str, Any],
                             db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    second = shipment.legs[1].id
    detail = client.get(f"/shipments/{shipment.id}").text
    assert legs_url(shipment, second, "remove") in detail
    confirm = client.get(legs_url(shipment, second, "remove"))
    assert "Remove the leg" in confirm.text
    assert "Liège → Rome" in confirm.text
    done = client.post(legs_url(shipment, second, "remove"),
                       data={"version": str(shipment.version)})
    assert done.headers["Location"].endswith(f"/shipments/{shipment.id}")
    done = client.get(f"/shipments/{shipment.id}")
    assert "Leg 2 is removed" in done.text
    assert "Leg 2 removed: Liège → Rome" in done.text  # in the timeline
    assert [x.destination for x in shipment.legs] == ["Liège"]
    assert db_session.get(ShipmentLeg, second) is None


def test_refusals_are_explained_and_change_nothing(client: FlaskClient, world: dict[str, Any],
                                                   db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    first, second = shipment.legs
    assert client.post(legs_url(shipment, first, "edit"), data={
        **LEG, "actual_departure": "2020-03-13", "version": str(shipment.version)},
    ).status_code == 302
    page = client.get(legs_url(shipment, first, "remove")).text
    assert "This leg cannot be removed." in page
    assert "If those dates were entered by mistake, correct the leg" in page
    assert 'id="remove-leg-form"' not in page
    refused = client.post(legs_url(shipment, first, "remove"),
                          data={"version": str(shipment.version)})
    assert "it cannot be removed" in refused.text
    assert len(shipment.legs) == 2
    client.post(f"/shipments/{shipment.id}/status", data={
        "status": "in_transit", "occurred_on": "2020-03-13", "version": str(shipment.version)})
    client.post(legs_url(shipment, second, "remove"), data={"version": str(shipment.version)})
    only = client.get(legs_url(shipment, first, "remove")).text
    assert "If those dates were entered by mistake" in only  # it travelled: the first reason
    assert shipment.status is ShipmentStatus.IN_TRANSIT
    assert len(shipment.legs) == 1


def test_the_only_leg_of_a_shipment_under_way_stays(client: FlaskClient, world: dict[str, Any],
                                                   db_session: Any) -> None:
    sign_in(client, world["donor"].email)
    new_shipment(client, world)
    shipment = db_session.scalars(select(Shipment)).one()
    client.post(f"/shipments/{shipment.id}/status", data={"status": "in_transit"})
    page = client.get(legs_url(shipment, shipment.legs[0], "remove")).text
    assert "It is the only leg, and a shipment that is under way keeps at least one." in page
    client.post(legs_url(shipment, shipment.legs[0], "remove"),
                data={"version": str(shipment.version)})
    assert len(shipment.legs) == 1


def test_a_middle_leg_that_would_leave_a_gap_stays(client: FlaskClient, world: dict[str, Any],
                                                  db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    naples = {**ROAD, "origin-place": "Rome", "origin-lat": "41.8919", "origin-lon": "12.5113",
              "destination-place": "Naples", "destination-lat": "40.8518",
              "destination-lon": "14.2681", "version": str(shipment.version)}
    client.post(f"/shipments/{shipment.id}/legs/new", data=naples)
    page = client.get(legs_url(shipment, shipment.legs[1], "remove")).text
    assert "leg 1 ends in Liège, but leg 3 starts in Rome" in page
    assert len(shipment.legs) == 3


def test_a_delivered_shipment_explains_why_its_route_is_fixed(
        client: FlaskClient, world: dict[str, Any], db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    client.post(f"/shipments/{shipment.id}/status", data={"status": "in_transit"})
    client.post("/auth/logout")
    sign_in(client, world["recipient"].email)
    client.post(f"/shipments/{shipment.id}/receipt", data={
        "received_on": "2020-03-17", "lines-0-line_id": str(shipment.lines[0].id),
        "lines-0-quantity_received": "500000", "lines-0-condition": "good",
        "lines-0-decision": "accepted"})
    assert shipment.status is ShipmentStatus.DELIVERED
    client.post("/auth/logout")
    sign_in(client, world["donor"].email)
    detail = client.get(f"/shipments/{shipment.id}").text
    assert "can no longer be corrected" in detail
    assert "/remove" not in detail
    edit = client.get(legs_url(shipment, shipment.legs[1], "edit")).text
    assert "This shipment is Delivered" in edit
    assert 'id="leg-form"' not in edit
    remove = client.get(legs_url(shipment, shipment.legs[1], "remove")).text
    assert "The shipment is Delivered: its route is a record" in remove
    client.post(legs_url(shipment, shipment.legs[1], "remove"),
                data={"version": str(shipment.version)})
    assert len(shipment.legs) == 2


def test_who_may_correct_and_remove(app: Flask, client: FlaskClient, world: dict[str, Any],
                                    db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    second = shipment.legs[1]
    for outsider in (world["recipient"], member(OrgRole.DONOR)):
        other = app.test_client()
        sign_in(other, outsider.email)
        assert other.get(legs_url(shipment, second, "remove")).status_code == 403
        assert other.post(legs_url(shipment, second, "remove"),
                          data={"version": str(shipment.version)}).status_code == 403
        assert other.post(legs_url(shipment, second, "edit"),
                          data={**ROAD, "version": str(shipment.version)}).status_code == 403
    assert len(shipment.legs) == 2
    staff = app.test_client()
    sign_in(staff, coordinator().email)
    assert staff.post(legs_url(shipment, second, "remove"),
                      data={"version": str(shipment.version)}).status_code == 302
    assert len(shipment.legs) == 1


def test_two_officers_do_not_overwrite_each_other(app: Flask, client: FlaskClient,
                                                  world: dict[str, Any], db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    first, second = shipment.legs[0], shipment.legs[1].id
    colleague = UserFactory(organisation=world["donor"].organisation)
    db_session.commit()
    bob = app.test_client()
    sign_in(bob, colleague.email)
    opened_at = str(shipment.version)  # both open the leg's form now
    saved = client.post(legs_url(shipment, first, "edit"),
                        data={**LEG, "reference": "112-11111111", "version": opened_at})
    refused = bob.post(legs_url(shipment, first, "edit"),
                       data={**LEG, "reference": "112-22222222", "version": opened_at})
    assert saved.status_code == 302
    assert "Someone else saved this shipment after you opened it." in refused.text
    assert first.reference == "112-11111111"  # the first save stands
    stale_removal = bob.post(legs_url(shipment, second, "remove"), data={"version": opened_at})
    assert "Someone else saved this shipment" in stale_removal.text
    assert len(shipment.legs) == 2
    # Removed by one officer while the other still has its form open.
    fresh = str(shipment.version)
    client.post(legs_url(shipment, second, "remove"), data={"version": fresh})
    assert bob.post(legs_url(shipment, second, "edit"),
                    data={**ROAD, "version": fresh}).status_code == 302
    gone = bob.get(f"/shipments/{shipment.id}")
    assert "This leg is no longer on the shipment: someone removed it" in gone.text
    assert len(shipment.legs) == 1
    assert [e.actor_id for e in db_session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(("shipment.leg_edit", "shipment.leg_remove"))))] == [
        world["donor"].id, world["donor"].id]


def test_the_map_data_follow_a_removed_leg(client: FlaskClient, world: dict[str, Any],
                                           db_session: Any) -> None:
    shipment = two_legs(client, world, db_session)
    first = client.get("/map/data.json")
    routes = json.loads(first.data)["routes"]
    assert [len(r) for r in routes] == [3]  # origin, the Liège hub, Rome
    client.post(legs_url(shipment, shipment.legs[1], "remove"),
                data={"version": str(shipment.version)})
    after = client.get("/map/data.json", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert [len(r) for r in json.loads(after.data)["routes"]] == [2]  # no hub any more
