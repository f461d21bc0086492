"""With no tile server, the map switches to its offline outline, and the data still draw on it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, shot
from tests.e2e.test_map import drawn, painted_pixels, seed, wait_until_drawn

pytestmark = pytest.mark.e2e


def wait_for_outline(page: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.get_attribute("#map-frame", "data-outline") == "1":
            return
        page.wait_for_timeout(100)
    raise AssertionError(page.get_attribute("#map-frame", "data-outline-error"))


def in_land(page: Any, lat: float, lon: float) -> bool:
    """Whether this point (longitude unwrapped, as map.js draws) lies inside a drawn land path."""
    return bool(page.evaluate("""([lat, lon]) => {
        const map = window[document.getElementById('map-frame').dataset.map];
        const p = map.latLngToLayerPoint([lat, lon]);
        return [...document.querySelectorAll('.leaflet-outline-pane path.outline-land')]
            .some((path) => path.isPointInFill(new DOMPoint(p.x, p.y)));
    }""", [lat, lon]))


def set_view(page: Any, lat: float, lon: float, zoom: int) -> None:
    page.evaluate("""([lat, lon, zoom]) => {
        window[document.getElementById('map-frame').dataset.map].setView([lat, lon], zoom,
                                                                          {animate: false});
    }""", [lat, lon, zoom])
    wait_for_outline(page)
    wait_until_drawn(page)


def test_when_the_tiles_fail_the_outline_is_drawn_under_the_data(
    page: Any, live_server: LiveServer
) -> None:
    seed(live_server)
    page.goto(f"{live_server.url}/map/")
    wait_until_drawn(page)
    wait_for_outline(page)
    paths = page.locator(".leaflet-outline-pane path")
    classes = {paths.nth(k).get_attribute("class").split()[0] for k in range(paths.count())}
    assert classes == {"outline-land", "outline-coast", "outline-borders"}
    assert all(len(paths.nth(k).get_attribute("d") or "") > 1000 for k in range(paths.count()))
    assert in_land(page, 48.85, 2.35)  # Paris
    assert not in_land(page, 30.0, -40.0)  # the Atlantic
    # The switcher shows the outline chosen, the page says why, and the credit is there.
    checked = page.locator(".leaflet-control-layers-base input:checked + span")
    assert checked.inner_text().strip() == "Outline map (offline)"
    assert page.locator("#map-outline-note").is_visible()
    assert "Natural Earth" in page.inner_text(".leaflet-control-attribution")
    assert page.locator(".leaflet-tile-pane img").count() == 0
    # The data draw as before, on their canvas above the outline.
    assert drawn(page)["lines"] >= 4
    assert painted_pixels(page) > 500
    shot(page, "map-outline")
    assert page.dialogs == []


def test_centred_on_the_pacific_land_shows_on_both_sides(page: Any,
                                                        live_server: LiveServer) -> None:
    seed(live_server)
    page.goto(f"{live_server.url}/map/")
    wait_until_drawn(page)
    set_view(page, 35.0, 180.0, 3)
    # Japan west of the date line, California east of it (-120 + 360): both land.
    assert in_land(page, 36.0, 138.0)
    assert in_land(page, 37.0, 240.0)
    assert not in_land(page, 30.0, 180.0)  # the open Pacific
    # Chukotka straddles the date line: land on both sides of it, no seam in the outline.
    assert in_land(page, 66.0, 179.0)
    assert in_land(page, 66.0, 181.0)
    assert drawn(page)["lines"] >= 4
    shot(page, "map-outline-pacific")


def test_the_reader_can_switch_back_to_the_street_map(page: Any,
                                                     live_server: LiveServer) -> None:
    seed(live_server)
    page.goto(f"{live_server.url}/map/")
    wait_for_outline(page)
    page.hover(".leaflet-control-layers")
    page.get_by_label("Street map").check()
    assert page.locator(".leaflet-outline-pane path").count() == 0
    page.get_by_label("Outline map (offline)").check()
    wait_for_outline(page)
    assert page.locator(".leaflet-outline-pane path").count() == 3
