"""In the browser: a donor in Hangzhou types her address in Chinese; a coordinator routes a
shipment through PVG and LGG by their codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import OrgRole
from tests.e2e.conftest import LiveServer, shot
from tests.e2e.test_places import fill_donation
from tests.e2e.test_shipments_flow import make_world, sign_in
from tests.factories import coordinator, member

pytestmark = pytest.mark.e2e


@pytest.fixture
def zh_page(browser: Any) -> Iterator[Any]:
    """A page whose browser asks for Chinese, with every request off this machine refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    opened = context.new_page()
    opened.route("**/*", lambda route: route.continue_()
                 if route.request.url.startswith(("http://127.0.0.1", "data:"))
                 else route.abort())  # fmt: skip
    yield opened
    context.close()


def donate_from(page: Any, base: str, place: str) -> None:
    fill_donation(page, base)
    page.fill("#place", place)
    page.click("main button[type=submit]")


def test_a_donor_in_hangzhou_types_her_address_in_chinese(
    zh_page: Any, live_server: LiveServer
) -> None:
    base, page = live_server.url, zh_page
    with live_server.app.app_context():
        email = member(OrgRole.DONOR, name="杭州市红十字会", country="CN", city="Hangzhou").email
        db.session.commit()
    sign_in(page, base, email)
    page.goto(f"{base}/donations/new")
    assert "浙江省杭州市余杭区" in page.inner_text("main form")  # the field's hint, in Chinese
    donate_from(page, base, "浙江省杭州市余杭区")
    page.wait_for_selector("text=捐赠已登记。")
    page.wait_for_load_state("domcontentloaded")
    main = page.inner_text("main")
    assert "浙江省杭州市余杭区" in main
    assert "30.27528, 119.9325" in main  # 余杭 (Yuhang), inside the district
    page.locator(".place-map .leaflet-marker-icon").wait_for(state="visible")
    shot(page, "zh-donation-district")

    donate_from(page, base, "杭州市余杭区文一西路969号")
    page.wait_for_selector("text=捐赠已登记。")
    page.wait_for_load_state("domcontentloaded")
    assert "30.27528, 119.9325" in page.inner_text("main")
    shot(page, "zh-donation-street")

    donate_from(page, base, "朝阳区")
    choice = page.wait_for_selector("#place_choice")
    labels = [option.inner_text() for option in choice.query_selector_all("option")]
    assert "北京市朝阳区, Beijing, China" in labels
    assert "长春市朝阳区, Jilin, China" in labels
    shot(page, "zh-donation-choice")


def test_a_coordinator_routes_a_shipment_through_pvg_and_lgg(
    page: Any, live_server: LiveServer
) -> None:
    base = live_server.url
    world = make_world(live_server)
    with live_server.app.app_context():
        email = coordinator().email
        db.session.commit()
    sign_in(page, base, email)
    page.goto(f"{base}/shipments/new?allocation={world['allocation']}")
    page.fill("#lines-0-quantity", "500,000")
    page.select_option("#mode", "air")
    page.fill("#carrier", "China Cargo Airlines")
    page.fill("#reference", "112-12345675")
    page.fill("#origin-place", "PVG")
    page.fill("#destination-place", "LGG")
    page.fill("#planned_departure", "2020-03-13")
    page.fill("#planned_arrival", "2020-03-14")
    assert "PVG" in page.inner_text("main form")  # the hint names airports
    shot(page, "leg-airport-codes-form")
    page.click("button:has-text('Record the shipment')")
    page.wait_for_selector("text=The shipment is recorded.")
    page.click("a:has-text('Add a leg')")
    assert page.input_value("#origin-place") == "LGG"
    page.select_option("#mode", "road")
    page.fill("#destination-place", "Rome, Italy")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=The leg is saved.")
    page.wait_for_load_state("domcontentloaded")
    legs = page.inner_text("#legs-table")
    assert "PVG" in legs
    assert "LGG" in legs
    assert "Rome" in legs
    shot(page, "shipment-through-pvg-and-lgg")
