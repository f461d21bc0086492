"""Removing a shipment's legs: the rules, the renumbering, the audit and the map's version."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm.exc import StaleDataError

from aidregistry.domain.places import Place
from aidregistry.domain.routes import Refusal
from aidregistry.models import AuditEvent, OrgRole, Shipment, ShipmentLeg, ShipmentStatus
from aidregistry.services import shipment_legs, shipments
from aidregistry.services.errors import Conflict, NotAllowed, ServiceError
from aidregistry.services.map_data import data_version
from tests.conftest import PG_URL
from tests.factories import coordinator, member
from tests.integration.test_shipments import HANGZHOU, LIEGE, ROME, confirmed, leg, ship, status

MILAN = Place("Milan", None, None, "IT", None, 45.4643, 9.1895)


@pytest.fixture
def parties(db_session: Any) -> dict[str, Any]:
    donor = member(OrgRole.DONOR, name="Jack Ma Foundation")
    recipient = member(OrgRole.RECIPIENT, name="Italian Red Cross", country="IT")
    return {"donor": donor, "recipient": recipient,
            "allocation": confirmed(db_session, donor, recipient)}


def three_legs(db_session: Any, p: dict[str, Any]) -> Shipment:
    """Hangzhou → Liège (air), Liège → Milan, Milan → Rome (road), all planned."""
    shipment = ship(db_session, p)
    for origin, destination in ((LIEGE, MILAN), (MILAN, ROME)):
        shipments.add_leg(db_session, p["donor"], shipment, leg(origin, destination,
                                                                mode="road"))
    return shipment


def test_removal_renumbers_and_is_audited(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    first, middle, last = shipment.legs
    version = shipment.version
    shipment_legs.remove_leg(db_session, parties["donor"], first, version)
    assert [(x.id, x.sequence) for x in shipment.legs] == [(middle.id, 1), (last.id, 2)]
    assert db_session.get(ShipmentLeg, first.id) is None
    assert shipment.version == version + 1  # an open form of the route is stale now
    event = db_session.scalars(select(AuditEvent).filter_by(
        action="shipment.leg_remove", entity_id=shipment.id)).one()
    assert event.actor_id == parties["donor"].id
    assert (event.before["leg"], event.before["origin"], event.before["reference"]) == (
        first.id, "Hangzhou", "CK217")
    assert event.before["legs"] == [first.id, middle.id, last.id]
    assert event.after == {"legs": [middle.id, last.id]}
    assert [e.action for e in shipment_legs.route_changes(db_session, shipment)] == [
        "shipment.leg_add", "shipment.leg_add", "shipment.leg_remove"]


def test_a_coordinator_may_remove_and_the_recipient_may_not(
        db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    for outsider in (parties["recipient"], member()):
        with pytest.raises(NotAllowed):
            shipment_legs.remove_leg(db_session, outsider, shipment.legs[2])
    shipment_legs.remove_leg(db_session, coordinator(), shipment.legs[2])
    assert len(shipment.legs) == 2


def assert_refused(db_session: Any, p: dict[str, Any], shipment: Shipment, index: int,
                   refusal: Refusal, message: str) -> None:
    target = shipment.legs[index]
    assert shipment_legs.refusal_to_remove(shipment, target) is refusal
    db_session.commit()
    with pytest.raises(ServiceError, match=message):
        shipment_legs.remove_leg(db_session, p["donor"], target)
    db_session.rollback()
    assert db_session.get(ShipmentLeg, target.id) is not None
    assert db_session.scalars(select(AuditEvent).filter_by(
        action="shipment.leg_remove")).first() is None


def test_a_middle_leg_whose_neighbours_do_not_meet_stays(db_session: Any,
                                                          parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    assert_refused(db_session, parties, shipment, 1, Refusal.GAP, "gap in the route")
    # Once the last leg starts where the first ends, the middle one can go.
    shipments.edit_leg(db_session, parties["donor"], shipment.legs[2],
                       leg(LIEGE, ROME, mode="road"))
    shipment_legs.remove_leg(db_session, parties["donor"], shipment.legs[1])
    assert [(x.origin, x.destination) for x in shipment.legs] == [
        ("Hangzhou", "Liège"), ("Liège", "Rome")]


def test_a_travelled_leg_stays_until_its_actual_dates_are_cleared(
        db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    shipments.edit_leg(db_session, parties["donor"], shipment.legs[2], leg(
        MILAN, ROME, mode="road", actual_departure=date(2020, 3, 15)))
    assert_refused(db_session, parties, shipment, 2, Refusal.TRAVELLED, "actual departure")
    shipments.edit_leg(db_session, parties["donor"], shipment.legs[2],
                       leg(MILAN, ROME, mode="road"))
    shipment_legs.remove_leg(db_session, parties["donor"], shipment.legs[2])
    assert len(shipment.legs) == 2


def test_a_shipment_under_way_keeps_one_leg(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    assert_refused(db_session, parties, shipment, 0, Refusal.ONLY_LEG, "at least one leg")


def test_before_departure_the_only_leg_may_go(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    shipment_legs.remove_leg(db_session, parties["donor"], shipment.legs[0])
    assert shipment.legs == []


@pytest.mark.parametrize("end", [ShipmentStatus.ARRIVED, ShipmentStatus.CANCELLED])
def test_an_arrived_or_ended_shipment_keeps_its_route(db_session: Any, parties: dict[str, Any],
                                                      end: ShipmentStatus) -> None:
    shipment = three_legs(db_session, parties)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    status(db_session, parties["donor"], shipment, end)
    assert_refused(db_session, parties, shipment, 2, Refusal.CLOSED, "record now")


def test_a_stale_version_is_a_conflict_and_changes_nothing(
        db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    opened_at = shipment.version
    shipments.edit_leg(db_session, parties["donor"], shipment.legs[2],
                       leg(MILAN, ROME, mode="rail"), opened_at)  # someone else, first
    db_session.commit()
    with pytest.raises(Conflict, match="Someone else saved this shipment"):
        shipment_legs.remove_leg(db_session, parties["donor"], shipment.legs[2], opened_at)
    db_session.rollback()
    assert len(shipment.legs) == 3


def test_removal_changes_the_map_data_version(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    db_session.commit()
    before = data_version(db_session)
    shipment_legs.remove_leg(db_session, parties["donor"], shipment.legs[2])
    db_session.commit()
    assert data_version(db_session) != before


def test_route_gaps_name_both_legs(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    assert shipment_legs.route_gaps(shipment) == []
    shipments.edit_leg(db_session, parties["donor"], shipment.legs[0], leg(HANGZHOU, ROME))
    assert shipment_legs.route_gaps(shipment) == [(shipment.legs[0], shipment.legs[1])]


@pytest.mark.skipif(not PG_URL, reason="SQLite begins every transaction IMMEDIATE: no other "
                    "save can land between the version check and the write")
def test_a_removal_racing_past_the_version_check_writes_nothing(
        db_session: Any, parties: dict[str, Any]) -> None:
    shipment = three_legs(db_session, parties)
    db_session.commit()
    target, opened_at = shipment.legs[2], shipment.version
    # Another officer's save lands after our check, before our write.
    with db_session.get_bind().connect() as other:
        other.execute(text("UPDATE shipment SET version = version + 1 WHERE id = :i"),
                      {"i": shipment.id})
        other.commit()
    with pytest.raises(StaleDataError):
        shipment_legs.remove_leg(db_session, parties["donor"], target, opened_at)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(ShipmentLeg)) == 3
