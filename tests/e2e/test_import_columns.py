"""A donor uploads a spreadsheet with its own headers, says which column is which, and imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import Donation, OrgKind, OrgRole
from tests.e2e.conftest import LiveServer, shot
from tests.e2e.test_shipments_flow import sign_in
from tests.factories import member

pytestmark = pytest.mark.e2e
OWN = ("Item name,Qty,数量,City,Ready on,Contact person\n"
       "MASK_SURG,5,20000,Hangzhou,2020-03-15,Li Wei\n"
       "GLOVE_EXAM,7,3000,Shanghai,2020-03-16,Li Wei\n")


def make_donor(server: LiveServer) -> tuple[str, int]:
    with server.app.app_context():
        user = member(OrgRole.DONOR, name="Hangzhou Municipal Government",
                      kind=OrgKind.MUNICIPAL_GOVERNMENT, city="Hangzhou")
        db.session.commit()
        found = (user.email, user.organisation_id)
        db.session.remove()
        return found


def stored(server: LiveServer) -> list[tuple[str, int, int]]:
    with server.app.app_context():
        rows = [(d.item_code, d.quantity, d.organisation_id) for d in
                db.session.query(Donation).order_by(Donation.quantity)]
        db.session.remove()
        return rows


def test_upload_choose_columns_preview_and_import(
        page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    base = live_server.url
    email, org_id = make_donor(live_server)
    sign_in(page, base, email)
    spreadsheet = tmp_path / "hangzhou-donations.csv"
    spreadsheet.write_bytes(OWN.encode("utf-8-sig"))
    page.goto(f"{base}/imports/")
    page.select_option("#kind", "donations")
    page.set_input_files("#file", str(spreadsheet))
    page.click("button:has-text('Check the file')")
    page.wait_for_selector("#import-columns")
    # What the headers already say is chosen; the date column is the donor's to pick.
    assert page.input_value("#map_item_code") == "0"
    assert page.input_value("#map_quantity") == "1"
    assert page.input_value("#map_place") == "3"
    assert page.input_value("#map_available_from") == ""
    page.click("button:has-text('Check the file')")  # the CSRF token travels with the form
    page.wait_for_selector("text=This field is required: choose the column")
    assert stored(live_server) == []
    shot(page, "import-mapping")
    page.select_option("#map_quantity", label="column C: 数量 (e.g. 20000)")
    page.select_option("#map_available_from", "4")
    page.click("button:has-text('Check the file')")
    page.wait_for_selector("text=All 2 rows are valid")
    page.wait_for_load_state("domcontentloaded")
    assert "column C: 数量" in page.inner_text("#import-columns-used")
    assert stored(live_server) == []
    page.click("button:has-text('Import all 2 rows')")
    page.wait_for_selector("text=2 rows imported")
    assert stored(live_server) == [("GLOVE_EXAM", 3000, org_id), ("MASK_SURG", 20000, org_id)]
    assert page.dialogs == []
