"""Names and notes that are code: the map and detail pages show them as text, and nothing runs."""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import AllocationStatus, OrgRole
from tests.e2e.conftest import LiveServer
from tests.e2e.test_map import click_first, wait_until_drawn
from tests.flows import allocate, org

pytestmark = pytest.mark.e2e

PAYLOADS = ("<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>",
            "${alert(document.domain)}")


def seed(server: LiveServer) -> dict[str, int]:
    """A donor, a recipient and records named and annotated with each payload."""
    with server.app.app_context():
        donor = org(PAYLOADS[0], "Shanghai", OrgRole.DONOR, name_local=PAYLOADS[2])
        recipient = org(PAYLOADS[1], "Los Angeles", OrgRole.RECIPIENT)
        allocation = allocate(donor, recipient, 1000, AllocationStatus.DELIVERED,
                              notes=PAYLOADS[2])
        allocation.donation.notes = "\n".join(PAYLOADS)
        allocation.donation.manufacturer = PAYLOADS[2]
        db.session.commit()
        return {"donor": donor.id, "recipient": recipient.id,
                "donation": allocation.donation_id, "need": allocation.need_id}


def open_popup(page: Any, group: str) -> str:
    page.evaluate("() => window[document.getElementById('map-frame').dataset.map].closePopup()")
    page.locator(".leaflet-popup").wait_for(state="detached")
    click_first(page, group)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    return str(popup.inner_text())


def test_hostile_text_is_shown_literally_and_never_runs(page: Any,
                                                        live_server: LiveServer) -> None:
    ids = seed(live_server)
    base = live_server.url
    page.goto(f"{base}/map/")
    wait_until_drawn(page)
    flow = open_popup(page, "flows")
    assert PAYLOADS[0] in flow
    assert PAYLOADS[1] in flow
    assert PAYLOADS[0] in open_popup(page, "points") or PAYLOADS[1] in open_popup(page, "points")
    assert PAYLOADS[1] in open_popup(page, "needs")
    assert page.locator("#map-frame img[src=x]").count() == 0

    pages = {f"/organisations/{ids['donor']}": (PAYLOADS[0], PAYLOADS[2]),
             f"/organisations/{ids['recipient']}": (PAYLOADS[1],),
             f"/donations/{ids['donation']}": PAYLOADS,
             f"/needs/{ids['need']}": (PAYLOADS[1], PAYLOADS[2]),
             "/": (PAYLOADS[0], PAYLOADS[1])}
    for path, expected in pages.items():
        page.goto(base + path)
        text = page.inner_text("main")
        for payload in expected:
            assert payload in text, (path, payload)
        assert page.locator("main img[src=x]").count() == 0
    assert page.dialogs == []
