"""Shipment and receipt services: the lifecycle drives allocations, nothing is lost."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from aidregistry.domain.places import Place
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    AuditEvent,
    OrgRole,
    ReasonCode,
    Shipment,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
    User,
)
from aidregistry.models.base import today
from aidregistry.services import receipts, shipments
from aidregistry.services.errors import Conflict, NotAllowed, ServiceError
from tests.factories import DonationFactory, NeedFactory, coordinator, member

HANGZHOU = Place("Hangzhou", None, None, "CN", None, 30.2937, 120.1614)
LIEGE = Place("Liège", None, None, "BE", None, 50.6337, 5.5675)
ROME = Place("Rome", None, None, "IT", None, 41.8919, 12.5113)


def confirmed(db_session: Any, donor: User, recipient: User, quantity: int = 500_000,
              status: AllocationStatus = AllocationStatus.CONFIRMED) -> Allocation:
    """An allocation holding ``quantity`` on a new donation and need."""
    donation = DonationFactory(organisation=donor.organisation, quantity=quantity,
                               allocated=quantity)
    need = NeedFactory(organisation=recipient.organisation, quantity=quantity, allocated=quantity)
    allocation = Allocation(donation=donation, need=need, quantity=quantity, status=status,
                            proposed_by="coordinator")
    db_session.add(allocation)
    db_session.flush()
    return allocation


def leg(origin: Place = HANGZHOU, destination: Place = LIEGE, **extra: Any) -> shipments.LegInput:
    return shipments.LegInput(mode=extra.pop("mode", "air"), origin=origin,
                              origin_text=origin.name, destination=destination,
                              destination_text=destination.name, **extra)


@pytest.fixture
def parties(db_session: Any) -> dict[str, Any]:
    donor = member(OrgRole.DONOR, name="Jack Ma Foundation")
    recipient = member(OrgRole.RECIPIENT, name="Italian Red Cross", country="IT")
    allocation = confirmed(db_session, donor, recipient)
    return {"donor": donor, "recipient": recipient, "allocation": allocation}


def ship(db_session: Any, p: dict[str, Any], quantity: int = 500_000) -> Shipment:
    return shipments.record_shipment(
        db_session, p["donor"], [shipments.LineInput(p["allocation"].id, quantity)],
        leg(planned_departure=date(2020, 3, 13), reference="CK217", carrier="China Cargo"))


def status(db_session: Any, actor: User, shipment: Shipment, to: ShipmentStatus) -> None:
    shipments.change_status(db_session, actor, shipment,
                            shipments.StatusInput(to.value, occurred_on=date(2020, 3, 13)))


def receive(db_session: Any, p: dict[str, Any], shipment: Shipment, received: int,
            decision: str = "accepted", condition: str = "good", note: str | None = None) -> None:
    line = shipment.lines[0]
    receipts.confirm_receipt(db_session, p["recipient"], shipment, receipts.ReceiptInput(
        received_on=date(2020, 3, 16), document_ref="HANDOVER-1", lines=[
            receipts.ReceiptLineInput(line.id, received, condition, decision, note)]))


def test_lifecycle_drives_the_allocation_and_is_audited(db_session: Any,
                                                        parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    allocation = parties["allocation"]
    assert shipment.status is ShipmentStatus.PREPARING
    assert allocation.status is AllocationStatus.CONFIRMED
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    assert allocation.status is AllocationStatus.SHIPPED
    shipments.add_leg(db_session, parties["donor"], shipment, leg(LIEGE, ROME, mode="road"))
    status(db_session, parties["donor"], shipment, ShipmentStatus.AT_HUB)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    status(db_session, parties["donor"], shipment, ShipmentStatus.ARRIVED)
    assert allocation.status is AllocationStatus.SHIPPED  # only a receipt delivers
    receive(db_session, parties, shipment, 500_000)
    assert allocation.status is AllocationStatus.DELIVERED
    assert shipment.status is ShipmentStatus.DELIVERED
    assert [e.status.value for e in shipment.events] == [
        "preparing", "in_transit", "at_hub", "in_transit", "arrived", "delivered"]
    assert [(x.sequence, x.origin_lat) for x in shipment.legs] == [(1, 30.2937), (2, 50.6337)]
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"shipment.create", "shipment.status", "shipment.leg_add", "shipment.receipt",
            "allocation.shipped", "allocation.delivered", "donation.receipt",
            "need.receipt"} <= actions


def test_shortfall_is_recorded_not_hidden(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    receive(db_session, parties, shipment, 450_000, condition="damaged")
    line = shipment.lines[0]
    assert (line.quantity_received, line.shortfall) == (450_000, 50_000)
    need_lines = shipments.shipments_of(db_session, parties["allocation"].need)
    donation_lines = shipments.shipments_of(db_session, parties["allocation"].donation)
    assert [x.shortfall for x in need_lines] == [x.shortfall for x in donation_lines] == [50_000]


def test_rejection_releases_quantities_and_shows_in_the_donation_history(
        db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    note = "TNO test: filtration below FFP2; recalled from hospitals"
    receive(db_session, parties, shipment, 500_000, "rejected", "failed_inspection", note)
    allocation = parties["allocation"]
    assert allocation.status is AllocationStatus.REJECTED
    assert (allocation.reason_code, allocation.reason_text) == (ReasonCode.QUALITY, note)
    assert allocation.donation.allocated == 0
    assert allocation.need.allocated == 0
    history = db_session.scalars(select(AuditEvent).filter_by(
        entity_type="donation", entity_id=allocation.donation_id,
        action="donation.receipt_rejected")).all()
    assert [h.reason for h in history] == [note]


@pytest.mark.parametrize("after", [ShipmentStatus.PREPARING, ShipmentStatus.IN_TRANSIT])
def test_cancel_returns_allocations_to_their_status(db_session: Any, parties: dict[str, Any],
                                                    after: ShipmentStatus) -> None:
    shipment = ship(db_session, parties)
    if after is ShipmentStatus.IN_TRANSIT:
        status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    status(db_session, parties["donor"], shipment, ShipmentStatus.CANCELLED)
    allocation = parties["allocation"]
    assert allocation.status is AllocationStatus.CONFIRMED
    assert allocation.donation.allocated == allocation.need.allocated == 500_000
    again = ship(db_session, parties)  # the allocation can travel on another shipment
    assert again.lines[0].quantity == 500_000


def test_an_allocation_travels_on_one_shipment_at_a_time(db_session: Any,
                                                          parties: dict[str, Any]) -> None:
    first = ship(db_session, parties, 300_000)
    with pytest.raises(ServiceError, match=f"already on shipment {first.id}") as raised:
        ship(db_session, parties, 200_000)
    assert raised.value.field == "lines-0-quantity"
    assert shipments.shippable_allocations(db_session, parties["donor"]) == []


def test_returned_shipment_restores_accepted(db_session: Any) -> None:
    donor, recipient = member(OrgRole.DONOR), member(OrgRole.RECIPIENT)
    allocation = confirmed(db_session, donor, recipient, 1000, AllocationStatus.ACCEPTED)
    shipment = shipments.record_shipment(db_session, donor,
                                         [shipments.LineInput(allocation.id, 1000)])
    status(db_session, donor, shipment, ShipmentStatus.IN_TRANSIT)
    status(db_session, donor, shipment, ShipmentStatus.RETURNED)
    assert allocation.status is AllocationStatus.ACCEPTED


def _count(db_session: Any, model: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)))


@pytest.mark.parametrize(("quantity", "message"), [
    (0, "at least 1"), (-5, "at least 1"), (500_001, "Only 500,000"), (1.5, "whole number"),
    (math.nan, "whole number"), (math.inf, "whole number"), ("12", "whole number"),
])
def test_invalid_quantities_store_nothing(db_session: Any, parties: dict[str, Any],
                                          quantity: Any, message: str) -> None:
    with pytest.raises(ServiceError, match=message) as raised:
        ship(db_session, parties, quantity)
    assert raised.value.field == "lines-0-quantity"
    db_session.rollback()
    assert _count(db_session, Shipment) == 0


@pytest.mark.parametrize(("extra", "field"), [
    ({"planned_departure": date(2020, 3, 14), "planned_arrival": date(2020, 3, 13)},
     "planned_arrival"),
    ({"actual_departure": date(2020, 3, 14), "actual_arrival": date(2020, 3, 13)},
     "actual_arrival"),
    ({"actual_arrival": today() + timedelta(days=5)}, "actual_arrival"),
    ({"gross_weight_kg": math.nan}, "gross_weight_kg"),
    ({"gross_weight_kg": math.inf}, "gross_weight_kg"),
    ({"gross_weight_kg": -1.0}, "gross_weight_kg"),
    ({"reference": "X" * 101}, "reference"),
    ({"mode": "teleport"}, "mode"),
])
def test_invalid_legs_store_nothing(db_session: Any, parties: dict[str, Any],
                                    extra: dict[str, Any], field: str) -> None:
    with pytest.raises(ServiceError) as raised:
        shipments.record_shipment(db_session, parties["donor"],
                                  [shipments.LineInput(parties["allocation"].id, 10)], leg(**extra))
    assert raised.value.field == field
    db_session.rollback()
    assert _count(db_session, Shipment) == _count(db_session, ShipmentLeg) == 0


def test_only_own_allocations_and_one_recipient(db_session: Any, parties: dict[str, Any]) -> None:
    other_donor = member(OrgRole.DONOR)
    with pytest.raises(NotAllowed):
        shipments.record_shipment(db_session, other_donor,
                                  [shipments.LineInput(parties["allocation"].id, 10)])
    with pytest.raises(NotAllowed):
        shipments.record_shipment(db_session, parties["recipient"],
                                  [shipments.LineInput(parties["allocation"].id, 10)])
    second = confirmed(db_session, parties["donor"], member(OrgRole.RECIPIENT), 100)
    with pytest.raises(ServiceError, match="one recipient"):
        shipments.record_shipment(db_session, parties["donor"], [
            shipments.LineInput(parties["allocation"].id, 10), shipments.LineInput(second.id, 10)])
    proposed = confirmed(db_session, parties["donor"], parties["recipient"], 100,
                         AllocationStatus.PROPOSED)
    with pytest.raises(ServiceError, match="only accepted or confirmed"):
        shipments.record_shipment(db_session, parties["donor"],
                                  [shipments.LineInput(proposed.id, 10)])
    staff = coordinator()
    by_staff = shipments.record_shipment(db_session, staff,
                                         [shipments.LineInput(parties["allocation"].id, 10)])
    assert by_staff.donor_id == parties["donor"].organisation_id


def test_status_rules(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    with pytest.raises(ServiceError, match="cannot become arrived"):
        status(db_session, parties["donor"], shipment, ShipmentStatus.ARRIVED)
    with pytest.raises(ServiceError, match="cannot become delivered"):
        status(db_session, parties["donor"], shipment, ShipmentStatus.DELIVERED)
    with pytest.raises(NotAllowed):
        status(db_session, parties["recipient"], shipment, ShipmentStatus.IN_TRANSIT)
    with pytest.raises(Conflict):
        shipments.change_status(db_session, parties["donor"], shipment,
                                shipments.StatusInput("in_transit"), version=shipment.version + 1)
    with pytest.raises(ServiceError, match="cannot be received"):
        receive(db_session, parties, shipment, 10)


def test_concurrent_cancellation_of_the_allocation_is_a_conflict(
        db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    parties["allocation"].status = AllocationStatus.CANCELLED  # a coordinator, meanwhile
    db_session.flush()
    with pytest.raises(Conflict):
        status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)


@pytest.mark.parametrize(("received", "decision", "condition", "note", "field"), [
    (500_001, "accepted", "good", None, "lines-0-quantity_received"),
    (-1, "accepted", "good", None, "lines-0-quantity_received"),
    (math.nan, "accepted", "good", None, "lines-0-quantity_received"),
    (10, "rejected", "damaged", None, "lines-0-inspection_note"),
    (10, "accepted", "failed_inspection", None, "lines-0-decision"),
    (10, "maybe", "good", None, "lines-0-decision"),
])
def test_invalid_receipts_store_nothing(db_session: Any, parties: dict[str, Any], received: Any,
                                        decision: str, condition: str, note: str | None,
                                        field: str) -> None:
    shipment = ship(db_session, parties)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    db_session.commit()
    with pytest.raises(ServiceError) as raised:
        receive(db_session, parties, shipment, received, decision, condition, note)
    assert raised.value.field == field
    db_session.rollback()
    line = db_session.get(ShipmentLine, shipment.lines[0].id)
    assert line.quantity_received is None
    assert parties["allocation"].status is AllocationStatus.SHIPPED


def test_only_the_recipient_confirms_receipt(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties)
    status(db_session, parties["donor"], shipment, ShipmentStatus.IN_TRANSIT)
    for actor in (parties["donor"], coordinator(), member(OrgRole.RECIPIENT)):
        with pytest.raises(NotAllowed):
            receipts.confirm_receipt(db_session, actor, shipment, receipts.ReceiptInput(
                date(2020, 3, 16), [receipts.ReceiptLineInput(shipment.lines[0].id, 1, "good",
                                                              "accepted")]))


def test_database_refuses_received_above_shipped(db_session: Any, parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties, 100)
    db_session.commit()
    shipment.lines[0].quantity_received = 101
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_database_refuses_arrival_before_departure(db_session: Any,
                                                   parties: dict[str, Any]) -> None:
    shipment = ship(db_session, parties, 100)
    db_session.commit()
    shipment.legs[0].actual_departure = date(2020, 3, 14)
    shipment.legs[0].actual_arrival = date(2020, 3, 13)
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def shipment_between(db_session: Any, donor: User, recipient: User) -> Shipment:
    """A shipment in transit with one leg (for other tests' worlds)."""
    allocation = confirmed(db_session, donor, recipient, 1000)
    shipment = shipments.record_shipment(db_session, donor,
                                         [shipments.LineInput(allocation.id, 1000)], leg())
    status(db_session, donor, shipment, ShipmentStatus.IN_TRANSIT)
    return shipment
