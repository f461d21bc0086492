"""In the browser: an ambiguous place, a choice among candidates, and the small place map.

Tiles cannot load here (the page fixture blocks every request off this machine): the marker
must show anyway, since its image is served by the app.
"""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import OrgRole
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import LiveServer, shot
from tests.factories import member

pytestmark = pytest.mark.e2e
ILLINOIS = "Springfield, Illinois, United States"


def sign_in_donor(page: Any, server: LiveServer) -> None:
    with server.app.app_context():
        user = member(OrgRole.DONOR, name="Springfield Relief", country="US", city="Chicago")
        email = user.email
        db.session.commit()
    page.goto(f"{server.url}/auth/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url("**/account/**")


def fill_donation(page: Any, base: str) -> None:
    page.goto(f"{base}/donations/new")
    page.select_option("#item_code", "MASK_SURG")
    page.fill("#quantity", "20,000")
    page.select_option("#standard_code", "YY0469")
    page.fill("#cert_nmpa", "国械注准20203140000")
    page.fill("#available_from", "2020-03-13")
    page.fill("#place", "Springfield")
    page.check("input[name=modes][value=air]")


def test_choose_among_springfields_and_see_the_marker(
    page: Any, live_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in_donor(page, live_server)
    fill_donation(page, live_server.url)
    page.click("button[type=submit]:has-text('Save')")

    choice = page.wait_for_selector("#place_choice")
    labels = [option.inner_text() for option in choice.query_selector_all("option")]
    assert ILLINOIS in labels
    assert "Springfield, Missouri, United States" in labels
    page.select_option("#place_choice", label=ILLINOIS)
    form_map = page.locator(".place-map[data-form='1']")
    form_map.locator(".leaflet-marker-icon").wait_for(state="visible")
    assert form_map.get_attribute("data-shown") == "39.80170,-89.64370"  # the choice key
    shot(page, "place-choice")

    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector("text=The donation is recorded.")
    page.wait_for_load_state("domcontentloaded")  # the flash is parsed before the page's end
    main = page.inner_text("main")
    assert "Springfield (Illinois, US)" in main
    assert "39.80172, -89.64371" in main
    detail_map = page.locator(".place-map")
    detail_map.locator(".leaflet-marker-icon").wait_for(state="visible")
    assert detail_map.locator(".leaflet-marker-icon").get_attribute("title") == "Springfield"
    assert "GeoNames (geonames.org), CC BY 4.0" in main
    shot(page, "place-detail-map")
    # Blocked tiles log errors; nothing else may (a CSP refusal of a script would).
    assert [e for e in errors if "ERR_FAILED" not in e and "tile" not in e] == []
    assert page.dialogs == []
