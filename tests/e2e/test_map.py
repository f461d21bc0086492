"""The map draws demo-like flows in a real browser; filters change what is drawn."""

from __future__ import annotations

import time
from typing import Any

import pytest

from aidregistry.extensions import db
from tests.e2e.conftest import LiveServer, shot
from tests.flows import demo_world

pytestmark = pytest.mark.e2e


def seed(server: LiveServer) -> None:
    with server.app.app_context():
        demo_world()
        db.session.commit()


def wait_until_drawn(page: Any, timeout: float = 20.0) -> None:
    """Polls the page's ready flag (the strict CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate("() => document.getElementById('map-frame').dataset.ready === '1'"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(page.evaluate("() => document.getElementById('map-frame').dataset.error"))


def drawn(page: Any) -> dict[str, int]:
    return {key: int(page.get_attribute("#map-frame", f"data-{key}") or 0)
            for key in ("lines", "points", "needs")}


def painted_pixels(page: Any) -> int:
    """Non-transparent pixels on the map's canvas: the flows really reached the screen."""
    return int(page.evaluate("""() => {
        const canvas = document.querySelector('#map-frame canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { count++; } }
        return count;
    }"""))


def click_first(page: Any, group: str) -> None:
    """Clicks, with the mouse, the middle of the first feature in view on one of the layers."""
    x, y = page.evaluate("""(group) => {
        group = 'layer' + group[0].toUpperCase() + group.slice(1);
        const frame = document.getElementById('map-frame');
        const map = window[frame.dataset.map];
        map.setView([30, 10], 2, {animate: false});  // an opened popup may have panned it
        const size = map.getSize();
        for (const layer of window[frame.dataset[group]].getLayers()) {
            const latlngs = layer.getLatLngs ? layer.getLatLngs() : [layer.getLatLng()];
            const middle = Math.floor(latlngs.length / 2);
            // From the middle outwards: the first vertex well inside the view, off the points.
            for (let step = 0; step <= middle; step++) {
                for (const k of [middle - step, middle + step]) {
                    if (k < 0 || k >= latlngs.length) { continue; }
                    const point = map.latLngToContainerPoint(latlngs[k]);
                    const inside = point.x > 60 && point.x < size.x - 60;
                    if (inside && point.y > 60 && point.y < size.y - 30) {
                        const box = map.getContainer().getBoundingClientRect();
                        return [box.left + point.x, box.top + point.y];
                    }
                }
            }
        }
        throw new Error('no feature in view');
    }""", group)
    page.mouse.click(x, y)


def test_the_map_draws_flows_and_filters_change_them(page: Any, live_server: LiveServer) -> None:
    seed(live_server)
    page.goto(f"{live_server.url}/map/")
    wait_until_drawn(page)
    before = drawn(page)
    # Shanghai → Los Angeles delivered and in transit, Hangzhou → Rome delivered and pledged.
    assert before["lines"] >= 4
    assert before["points"] >= 3
    assert before["needs"] >= 1
    assert painted_pixels(page) > 500
    shot(page, "map")

    page.uncheck("#status-2")  # hide delivered flows
    wait_until_drawn(page)
    assert drawn(page)["lines"] < before["lines"]
    page.select_option("#filter-country", "IT")
    wait_until_drawn(page)
    only_italy = drawn(page)["lines"]
    assert only_italy >= 1
    page.click("button[type=reset]")
    page.wait_for_timeout(100)  # the form resets before the map redraws
    wait_until_drawn(page)
    assert drawn(page) == before
    assert page.dialogs == []


def test_a_popup_names_the_route_and_links_to_details(page: Any, live_server: LiveServer) -> None:
    seed(live_server)
    page.goto(f"{live_server.url}/map/")
    wait_until_drawn(page)
    click_first(page, "flows")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Shanghai Municipal Government" in text or "Jack Ma Foundation" in text
    assert popup.locator("a[href^='/organisations/']").count() >= 2


def test_the_dashboard_reads_at_a_glance(page: Any, live_server: LiveServer) -> None:
    seed(live_server)
    page.goto(f"{live_server.url}/")
    text = page.inner_text("main")
    # Masks delivered: Shanghai → Los Angeles 1,000,000 and Hangzhou → Rome 500,000.
    assert "1.5 million pieces" in text
    assert "800,000 pieces" in text
    assert page.locator("svg[role=img] title").count() >= 1
    shot(page, "dashboard")
    assert page.dialogs == []
