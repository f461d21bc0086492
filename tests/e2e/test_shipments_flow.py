"""A donor ships a confirmed allocation via Liège, correcting its route on the way; the recipient
confirms a short receipt."""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import Allocation, AllocationStatus, OrgKind, OrgRole
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import LiveServer, browser_sign_in, shot
from tests.factories import DonationFactory, NeedFactory, member

pytestmark = pytest.mark.e2e


def make_world(server: LiveServer) -> dict[str, Any]:
    with server.app.app_context():
        donor = member(OrgRole.DONOR, name="Jack Ma Foundation", kind=OrgKind.FOUNDATION,
                       city="Hangzhou")
        recipient = member(OrgRole.RECIPIENT, name="Italian Red Cross", country="IT",
                           city="Rome", lat=41.8919, lon=12.5113)
        donation = DonationFactory(organisation=donor.organisation, quantity=500_000,
                                   allocated=500_000, place="Hangzhou", lat=30.2937, lon=120.1614)
        need = NeedFactory(organisation=recipient.organisation, quantity=500_000,
                           allocated=500_000, place="Rome", place_country="IT", lat=41.8919,
                           lon=12.5113)
        allocation = Allocation(donation=donation, need=need, quantity=500_000,
                                status=AllocationStatus.CONFIRMED, proposed_by="coordinator")
        db.session.add(allocation)
        db.session.commit()
        world = {"donor": donor.email, "recipient": recipient.email, "allocation": allocation.id}
        db.session.remove()
        return world


def sign_in(page: Any, base: str, email: str) -> None:
    browser_sign_in(page, base, email, TEST_PASSWORD)


def record_shipment(page: Any, base: str, allocation_id: int) -> None:
    page.goto(f"{base}/shipments/new?allocation={allocation_id}")
    assert page.is_checked("#lines-0-include")
    page.fill("#lines-0-quantity", "500,000")
    page.select_option("#mode", "air")
    page.fill("#carrier", "China Cargo Airlines")
    page.fill("#reference", "112-12345675")
    page.fill("#gross_weight_kg", "31000")
    page.fill("#origin-place", "Hangzhou, China")
    page.fill("#destination-place", "Liège, Belgium")
    page.fill("#planned_departure", "2020-03-13")
    page.fill("#planned_arrival", "2020-03-14")
    page.select_option("#customs", "export_cleared")
    shot(page, "shipment-form")
    page.click("button:has-text('Record the shipment')")
    page.wait_for_selector("text=The shipment is recorded.")


def add_road_leg(page: Any) -> None:
    page.click("a:has-text('Add a leg')")
    assert page.input_value("#origin-place") == "Liège, Belgium"
    page.select_option("#mode", "road")
    page.fill("#destination-place", "Rome, Italy")
    page.fill("#planned_departure", "2020-03-15")
    page.fill("#planned_arrival", "2020-03-17")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=The leg is saved.")


def correct_route(page: Any) -> None:
    """Fix a mistyped air waybill, then take out a leg added by mistake."""
    page.click("#legs-table tr:nth-child(1) >> a.leg-correct")
    assert page.input_value("#reference") == "112-12345675"
    page.fill("#reference", "112-12345686")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=The leg is saved.")
    page.click("a:has-text('Add a leg')")
    page.fill("#destination-place", "Naples, Italy")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=The leg is saved.")
    page.click("#legs-table tr:nth-child(3) >> a.leg-remove")
    assert "Rome, Italy → Naples, Italy" in page.inner_text("#leg-summary")
    shot(page, "leg-remove")
    page.click("button:has-text('Remove the leg')")
    page.wait_for_selector("text=Leg 3 is removed")
    page.wait_for_load_state("domcontentloaded")
    assert "Naples" not in page.inner_text("#legs-table")
    assert "112-12345686" in page.inner_text("#legs-table")
    timeline = page.inner_text("#timeline")
    assert "Leg 1 corrected" in timeline
    assert "Leg 3 removed: Rome, Italy → Naples, Italy" in timeline
    shot(page, "shipment-route-corrected")


def mark_in_transit(page: Any) -> None:
    page.click("a:has-text('Change the status')")
    page.select_option("#status", "in_transit")
    page.fill("#occurred_on", "2020-03-13")
    page.fill("#document_ref", "CK217")
    page.click("button:has-text('Save the status')")
    page.wait_for_selector("text=The shipment is now In transit.")


def confirm_receipt(page: Any, base: str) -> None:
    page.goto(f"{base}/account/")
    page.click("#own-shipments >> text=Confirm receipt")
    page.fill("#lines-0-quantity_received", "480,000")
    page.select_option("#lines-0-condition", "damaged")
    page.fill("#lines-0-inspection_note", "Two cartons crushed in handling at Liège")
    page.fill("#received_on", "2020-03-17")
    page.fill("#document_ref", "Handover protocol 2020-017")
    shot(page, "receipt-form")
    page.click("main button:has-text('Confirm receipt')")
    page.wait_for_selector("text=The receipt is recorded.")


def test_donor_ships_and_recipient_confirms_receipt(browser: Any, page: Any,
                                                     live_server: LiveServer) -> None:
    base = live_server.url
    world = make_world(live_server)
    sign_in(page, base, world["donor"])
    record_shipment(page, base, world["allocation"])
    add_road_leg(page)
    correct_route(page)
    mark_in_transit(page)
    shot(page, "shipment-in-transit")
    legs = page.inner_text("#legs-table")
    assert [x for x in ("Liège", "Rome", "planned") if x not in legs] == []
    recipient = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(recipient, base, world["recipient"])
    confirm_receipt(recipient, base)
    assert recipient.inner_text("#shipment-status") == "Delivered"
    assert "20,000" in recipient.inner_text("#lines-table")  # the shortfall, shown
    shot(recipient, "shipment-delivered")
    recipient.click("#lines-table >> text=Rome")
    recipient.wait_for_selector("table.shipment-lines")  # the need page, fully parsed
    assert "Shipments and receipts" in recipient.inner_text("main")
    shot(recipient, "need-with-shipment")
    page.reload()  # the donor's view of the delivered shipment: its route is a record now
    assert "can no longer be corrected" in page.inner_text("#route-closed")
    assert page.locator("a.leg-remove").count() == 0
    assert_map_shows_delivery(page, base)
    assert page.dialogs == []


def assert_map_shows_delivery(page: Any, base: str) -> None:
    """The public map now draws the flow as delivered, through the Liège hub."""
    page.goto(f"{base}/map/")
    page.wait_for_function("() => window.aidMapReady === true")
    data = page.evaluate("fetch('/map/data.json').then(r => r.json())")
    names = [org[1] for org in data["orgs"]]  # flows refer to organisations by index
    flows = [f for f in data["flows"]
             if (names[f[1]], names[f[2]]) == ("Jack Ma Foundation", "Italian Red Cross")]
    assert [f[4] for f in flows] == [2]  # one flow, status code 2: delivered
    assert len(data["routes"][flows[0][0]]) == 3  # origin, the Liège hub, Rome
    shot(page, "map-after-receipt")
