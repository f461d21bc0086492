"""A coordinator sees where a donation could go, runs the matcher, reads why, accepts one
proposal and rejects the other; the donor pledges the accepted one and the recipient sees it
coming."""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import OrgKind, OrgRole
from aidregistry.models.base import today
from tests.e2e.conftest import LiveServer, shot
from tests.e2e.test_shipments_flow import sign_in
from tests.factories import DonationFactory, NeedFactory, coordinator, member

pytestmark = pytest.mark.e2e


def make_world(server: LiveServer) -> dict[str, str]:
    """Shanghai's masks, and two needs: Los Angeles (in reach by air) and Milan."""
    with server.app.app_context():
        donor = member(OrgRole.DONOR, name="Shanghai Municipal Government", city="Shanghai")
        los_angeles = member(OrgRole.RECIPIENT, name="City of Los Angeles", country="US",
                             city="Los Angeles", lat=34.0522, lon=-118.2437)
        milan = member(OrgRole.RECIPIENT, name="Lombardy Region", country="IT", city="Milan",
                       kind=OrgKind.REGIONAL_GOVERNMENT, lat=45.4643, lon=9.1895)
        # Available today, needed within two weeks (the factories' dates).
        donation = DonationFactory(organisation=donor.organisation, quantity=25_000)
        NeedFactory(organisation=los_angeles.organisation, quantity=20_000, priority=2)
        NeedFactory(organisation=milan.organisation, quantity=5_000, priority=3, place="Milan",
                    place_country="IT", lat=45.4643, lon=9.1895, accepted=["EN14683", "YY0469"])
        staff = coordinator()
        db.session.commit()
        world = {"coordinator": staff.email, "donor": donor.email,
                 "recipient": los_angeles.email, "donation": str(donation.id)}
        db.session.remove()
        return world


def run_the_matcher(page: Any, base: str) -> None:
    page.click("nav >> text=Matcher")
    assert page.input_value("#run_date") == today().isoformat()  # plans as of today
    page.click("button:has-text('Propose allocations')")
    page.wait_for_selector("#proposals")
    summary = page.inner_text("main p >> nth=0")
    assert "1 donation and 2 needs considered; 2 proposals moving 25,000 units" in summary
    shot(page, "matcher-run")


def decide(page: Any) -> None:
    rows = page.locator("#proposals tbody tr")
    la = rows.filter(has_text="City of Los Angeles")
    milan = rows.filter(has_text="Lombardy Region")
    assert "covers priority 2" in la.inner_text()
    la.locator("input[type=checkbox]").check()
    page.click("button:has-text('Apply to the selected proposals')")
    page.wait_for_selector("text=1 proposal accepted.")
    milan.locator("input[type=checkbox]").check()
    page.select_option("#action", "reject")
    page.select_option("#reason_code", "prefers_different")
    page.fill("#reason_text", "Lombardy asked for FFP2 first")
    page.click("button:has-text('Apply to the selected proposals')")
    page.wait_for_selector("text=1 proposal rejected.")
    assert "accepted" in la.inner_text()
    assert "Lombardy asked for FFP2 first" in milan.inner_text()
    shot(page, "matcher-decided")


def test_run_decide_pledge_and_see_it_coming(
    browser: Any, page: Any, live_server: LiveServer
) -> None:
    base = live_server.url
    world = make_world(live_server)
    sign_in(page, base, world["coordinator"])
    page.goto(f"{base}/donations/{world['donation']}")
    where = page.inner_text("#suggested-needs")
    # Ranked by transport cost: Milan is nearer to Shanghai than Los Angeles.
    assert where.index("Lombardy Region") < where.index("City of Los Angeles")
    shot(page, "donation-suggested-needs")
    run_the_matcher(page, base)
    decide(page)
    donor = browser.new_context().new_page()
    sign_in(donor, base, world["donor"])
    donor.goto(f"{base}/account/")
    donor.click("#to-confirm >> text=City of Los Angeles")
    assert "20,000 pieces" in donor.inner_text("main .lead")
    donor.click("button:has-text('Confirm our pledge')")
    donor.wait_for_load_state()
    assert "confirmed" in donor.inner_text("main h1")
    recipient = browser.new_context().new_page()
    sign_in(recipient, base, world["recipient"])
    recipient.goto(f"{base}/account/")
    coming = recipient.inner_text("#coming")
    assert "20,000 pieces" in coming
    assert "Shanghai Municipal Government" in coming
    assert "confirmed" in coming
    shot(recipient, "recipient-coming")
