"""Demo shipments: hub legs, receipts for delivered allocations, the Dutch FFP2 recall."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    AuditEvent,
    DonationStatus,
    ReasonCode,
    ReceiptDecision,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from aidregistry.services.demo import load_demo
from aidregistry.services.demo_shipments import build_demo_shipments


@pytest.fixture
def built(db_session: Any) -> Any:
    load_demo(db_session)
    report = build_demo_shipments(db_session)
    db_session.commit()
    return report


def by_ref(db_session: Any, ref: str) -> Shipment:
    return db_session.scalars(select(Shipment).filter_by(external_ref=ref)).one()


def test_every_confirmed_shipped_or_delivered_allocation_travels(db_session: Any,
                                                                 built: Any) -> None:
    carried = set(db_session.scalars(select(ShipmentLine.allocation_id)))
    waiting = set(db_session.scalars(select(Allocation.id).where(Allocation.status.in_(
        (AllocationStatus.CONFIRMED, AllocationStatus.SHIPPED, AllocationStatus.DELIVERED)))))
    assert waiting <= carried
    delivered = db_session.scalars(select(Allocation).filter_by(
        status=AllocationStatus.DELIVERED)).all()
    for allocation in delivered:  # only a receipt delivers
        line = db_session.scalars(select(ShipmentLine).filter_by(allocation_id=allocation.id)).one()
        assert line.shipment.receipt is not None
        assert line.decision is ReceiptDecision.ACCEPTED
    assert built.rejected == 1


def test_hubs_make_legs(db_session: Any, built: Any) -> None:
    e03 = by_ref(db_session, "demo:shipment:E03:1")
    assert [(x.origin, x.destination) for x in e03.legs] == [("Hangzhou", "Liège"),
                                                            ("Liège", "Rome")]
    assert e03.status is ShipmentStatus.AT_HUB
    e38 = by_ref(db_session, "demo:shipment:E38:1")  # "to Belgium, then truck to Turin"
    assert [(x.destination, x.mode.value) for x in e38.legs] == [("Liège", "air"),
                                                                ("Turin", "road")]
    e15 = by_ref(db_session, "demo:shipment:E15:1")  # Addis Ababa is the destination itself
    assert [x.destination for x in e15.legs] == ["Addis Ababa"]
    assert len(e15.lines) == 4
    e32 = by_ref(db_session, "demo:shipment:E32:1")
    assert [x.origin for x in e32.legs] == ["Tianjin", "Almaty"]
    assert e32.legs[0].gross_weight_kg == 81_300


def test_the_dutch_recall_is_a_rejected_receipt(db_session: Any, built: Any) -> None:
    line = by_ref(db_session, "demo:shipment:E12:2").lines[0]
    assert line.decision is ReceiptDecision.REJECTED
    assert line.inspection_note
    allocation = line.allocation
    assert (allocation.status, allocation.reason_code) == (AllocationStatus.REJECTED,
                                                           ReasonCode.QUALITY)
    assert allocation.donation.status is DonationStatus.WITHDRAWN
    assert allocation.donation.allocated == allocation.need.allocated == 0
    assert db_session.scalar(select(func.count()).select_from(AuditEvent).filter_by(
        entity_type="donation", entity_id=allocation.donation_id,
        action="donation.receipt_rejected")) == 1


def test_building_twice_changes_nothing(db_session: Any, built: Any) -> None:
    count = db_session.scalar(select(func.count()).select_from(Shipment))
    again = build_demo_shipments(db_session)
    assert (again.shipments, again.already_present) == (0, built.shipments)
    assert db_session.scalar(select(func.count()).select_from(Shipment)) == count


def test_recalled_donation_page_shows_the_rejection(client: Any, db_session: Any,
                                                    built: Any) -> None:
    line = by_ref(db_session, "demo:shipment:E12:2").lines[0]
    page = client.get(f"/donations/{line.allocation.donation_id}")
    assert "Rejected on receipt" in page.text
    assert client.get(f"/shipments/{line.shipment_id}").status_code == 200
