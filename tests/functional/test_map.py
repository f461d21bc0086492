"""The map page and its JSON: shape, public data only, caching, gzip, privacy, CSP."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aidregistry.models import AllocationStatus, LocationPrecision, OrgRole, VerificationState
from aidregistry.services.map_data import public_position
from tests.flows import World, allocate, demo_world, org


@pytest.fixture
def world(db_session: Any) -> World:
    built = demo_world()
    db_session.commit()
    return built


def fetch(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/map/data.json")
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.data)
    return document


def test_the_document_is_compact_arrays(client: FlaskClient, world: World) -> None:
    data = fetch(client)
    assert set(data) == {"v", "day0", "items", "kinds", "orgs", "places", "routes", "flows",
                         "needs"}
    assert data["day0"] == "2020-03-13"  # the shipment's departure, not the donation's date
    assert all(len(row) == 10 for row in data["flows"])
    # Three routes for four status rows: identical routes share one route entry, and the
    # shipment Hangzhou → Liège → Rome makes the delivered one a route of its own.
    assert len(data["routes"]) == 3
    liege = data["places"].index([50.63, 5.57])
    assert any(len(stops) == 3 and stops[1] == liege for stops in data["routes"])
    assert sorted(row[4] for row in data["flows"]) == [0, 1, 2, 2]
    assert {row[0] for row in data["items"]} >= {"MASK_SURG", "RESP_KN95"}
    assert any(row[0] == world.allocations[0].need.id or row[3] for row in data["needs"])


def test_identical_flows_merge_into_one_weighted_row(client: FlaskClient, world: World,
                                                     db_session: Any) -> None:
    allocate(world.shanghai, world.los_angeles, 5, AllocationStatus.DELIVERED)
    db_session.commit()
    delivered = [row for row in fetch(client)["flows"] if row[4] == 2 and row[6] > 500_000]
    shanghai_la = next(row for row in delivered if row[6] > 999_999)
    assert shanghai_la[6] == 1_000_005
    assert shanghai_la[7] == 2
    assert shanghai_la[8] == 0  # several donations: no single detail link


def test_only_verified_organisations_and_no_contact_details(
    client: FlaskClient, world: World, db_session: Any
) -> None:
    pending = org("Pending Donor Ltd", "Shanghai", OrgRole.DONOR,
                  state=VerificationState.PENDING)
    allocate(pending, world.rome, 777, AllocationStatus.DELIVERED)
    db_session.commit()
    raw = client.get("/map/data.json").data.decode()
    assert "Pending Donor Ltd" not in raw
    assert all(row[6] != 777 for row in json.loads(raw)["flows"])
    for organisation in (world.shanghai, world.los_angeles, pending):
        for secret in (organisation.contact_email, organisation.contact_phone):
            assert secret
            for path in ("/map/data.json", "/map/", "/", f"/organisations/{organisation.id}",
                         f"/donations/{world.allocations[0].donation_id}",
                         f"/needs/{world.allocations[0].need_id}"):
                assert secret not in client.get(path).data.decode(), path


def test_positions_follow_each_organisations_precision(client: FlaskClient,
                                                       world: World) -> None:
    places = {tuple(place) for place in fetch(client)["places"]}
    assert (42.0, 13.0) in places  # Rome, region precision: a one-degree grid point
    assert (34.05, -118.24) in places  # Los Angeles, city precision: the city's coordinates
    assert not any(place == (41.8919, 12.5113) for place in places)


def test_public_position_rounds_by_precision() -> None:
    assert public_position(31.22222, 121.45806, LocationPrecision.EXACT) == (31.222, 121.458)
    assert public_position(41.8919, 12.5113, LocationPrecision.REGION) == (42.0, 13.0)
    assert public_position(40.7, -74.0, LocationPrecision.CITY, lambda a, b: (40.71, -74.01)) \
        == (40.71, -74.01)
    assert public_position(40.7312, -74.0, LocationPrecision.CITY, lambda a, b: None) \
        == (40.7, -74.0)


def test_etag_and_304(client: FlaskClient, world: World) -> None:
    first = client.get("/map/data.json")
    etag = first.headers["ETag"]
    again = client.get("/map/data.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_gzip_when_the_client_accepts_it(client: FlaskClient, world: World) -> None:
    plain = client.get("/map/data.json")
    zipped = client.get("/map/data.json", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"].startswith("Accept-Encoding")
    assert gzip.decompress(zipped.data) == plain.data


def test_a_change_invalidates_the_cache(client: FlaskClient, world: World,
                                        db_session: Any) -> None:
    etag = client.get("/map/data.json").headers["ETag"]
    pledged = world.allocations[3]
    pledged.status = AllocationStatus.SHIPPED
    db_session.commit()
    response = client.get("/map/data.json", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert sorted(row[4] for row in json.loads(response.data)["flows"]) == [1, 1, 2, 2]
    world.rome.state = VerificationState.SUSPENDED
    db_session.commit()
    assert {row[1] for row in fetch(client)["orgs"]} == {
        "Shanghai Municipal Government", "City of Los Angeles"}


def test_the_page_loads_nothing_from_elsewhere(client: FlaskClient, world: World) -> None:
    html = client.get("/map/").data.decode()
    references = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert references, "the page loads its scripts and styles"
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in references)
    assert "cdn" not in html.lower()


def test_every_inline_script_and_style_carries_the_nonce(client: FlaskClient,
                                                         world: World) -> None:
    response = client.get("/map/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce
    html = response.data.decode()
    inline = re.findall(r"<(script|style)\b([^>]*)>", html)
    assert len(inline) >= 3
    for tag, attributes in inline:
        if tag == "script" and "src=" in attributes:
            continue
        assert f'nonce="{nonce.group(1)}"' in attributes, (tag, attributes)
    assert "html, body" not in html  # folium's full-window page styles are dropped


def test_the_page_is_small_and_translated(client: FlaskClient, world: World) -> None:
    english = client.get("/map/")
    assert len(english.data) < 60_000
    chinese = client.get("/map/?lang=zh").data.decode()
    assert 'lang="zh"' in chinese


def outline_url(html: str) -> str:
    found = re.search(r'data-outline-src="(/map/outline-[0-9a-f]{16}\.json)"', html)
    assert found, "the page names the outline map's file"
    return found.group(1)


def test_the_outline_map_is_a_separate_file_cached_for_a_year(client: FlaskClient) -> None:
    html = client.get("/map/").data.decode()
    url = outline_url(html)
    assert '"basemap' not in html
    assert '"arcs"' not in html
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 200_000
    topology = json.loads(gzip.decompress(response.data))
    assert topology["type"] == "Topology"
    assert {"land", "coast", "borders", "land_low", "coast_low", "borders_low"} <= set(
        topology["objects"])
    assert "Natural Earth" in topology["source"]
    etag = response.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Another digest is another file, which this site does not have.
    assert client.get("/map/outline-0123456789abcdef.json").status_code == 404


def test_the_outline_file_is_the_one_on_disk(client: FlaskClient, app: Flask) -> None:
    raw = Path(app.static_folder or "", "basemap", "world.json").read_bytes()
    assert client.get(outline_url(client.get("/map/").data.decode())).data == raw
    assert hashlib.sha256(raw).hexdigest()[:16] in outline_url(client.get("/map/").data.decode())


def test_both_base_layers_are_in_the_switcher_tiles_first(client: FlaskClient) -> None:
    html = client.get("/map/").data.decode()
    layers = re.search(r"base_layers : \{(.*?)\}", html, re.S)
    assert layers
    assert re.findall(r'"([^"]+)" :', layers.group(1)) == ["Street map", "Outline map (offline)"]
    outline = re.search(r'data-layer-outline="(feature_group_\w+)"', html)
    tiles = re.search(r'data-layer-tiles="(tile_layer_\w+)"', html)
    assert outline
    assert tiles
    assert f"{tiles.group(1)}.addTo(" in html  # the tiles are shown while they work
    assert f"{outline.group(1)}.addTo(" not in html


@pytest.mark.parametrize("setting", ["", "none", " None "])
def test_without_a_tile_url_the_outline_is_the_only_base_layer(
    app_config: dict[str, Any], request: pytest.FixtureRequest, setting: str
) -> None:
    app_config["AIDREGISTRY_TILE_URL"] = setting
    client: FlaskClient = request.getfixturevalue("client")
    response = client.get("/map/")
    html = response.data.decode()
    assert 'data-layer-tiles=""' in html
    assert "tile_layer_" not in html
    outline = re.search(r'data-layer-outline="(feature_group_\w+)"', html)
    assert outline
    assert f"{outline.group(1)}.addTo(" in html
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]
