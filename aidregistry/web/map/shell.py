"""The folium map shell: tiles, controls and empty layer groups, with local assets only.

folium keeps its JS and CSS links on the classes, and ``add_js_link`` on one map changes
every later map in the process; so the links are replaced once, at start-up
(:func:`use_local_assets`), and no map changes them afterwards. No user text ever goes
into folium: its Popup and Tooltip put text inside a JavaScript template string where
``${...}`` runs even after HTML escaping (research/folium.md §5). The data are drawn by
static/js/map.js from the JSON endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import folium
from flask import Flask
from markupsafe import Markup

from aidregistry.web.assets import versions

# folium's page-level styles size html and body to the window; inside the site's layout
# they would hide the footer, so they are dropped (the map's own size is in map.css).
_PAGE_STYLES = re.compile(
    r"<style>\s*(html, body|#map)\s*\{[^}]*\}\s*</style>|<meta name=\"viewport\"[^>]*/>|"
    r"<meta http-equiv=[^>]*/>", re.S)
_OPEN_TAG = re.compile(r"<(script|style)>")
# Tile URLs that mean "no tile server": the outline is then the only base layer. An empty
# environment variable reads as unset (the default tiles), so operators write "none".
NO_TILES = ("", "none")


def use_local_assets(app: Flask) -> None:
    """Point folium's Leaflet links at this app's /assets/ URLs, once per process.

    Only Leaflet is kept: the map uses no folium Icon or Popup, so Bootstrap 5, jQuery
    and Font Awesome would only restyle the site and cost requests.
    """
    prefix = app.config.get("APPLICATION_ROOT", "/").rstrip("/")
    leaflet = f"{prefix}/assets/leaflet/{versions()['leaflet']}"
    folium.Map.default_js = [("leaflet", f"{leaflet}/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{leaflet}/leaflet.css")]


@dataclass(frozen=True)
class Shell:
    """The rendered parts of one map, and the JavaScript names of its map and layers."""

    header: str
    body: str
    script: str
    names: dict[str, str]

    def parts(self, nonce: str) -> dict[str, Markup]:
        """The three parts with this request's CSP nonce on every inline script and style.

        Safe to mark up: they are folium's output from trusted settings, never user text.
        """
        tag = rf'<\1 nonce="{nonce}">'
        return {"header": Markup(_OPEN_TAG.sub(tag, self.header)),  # noqa: S704
                "body": Markup(self.body), "script": Markup(self.script)}  # noqa: S704


def build_shell(tile_url: str, attribution: str, labels: dict[str, str]) -> Shell:
    """A world map with two base layers, three empty overlays and a layer switcher.

    The base layers are the configured tiles, shown first, and the offline outline (an
    empty group that static/js/map-outline.js fills); with no tile URL (or "none") the
    outline is the only one.
    """
    m = folium.Map(location=[30, 10], zoom_start=2, min_zoom=1, tiles=None,
                   prefer_canvas=True, maxZoom=18, worldCopyJump=False)
    layers: dict[str, Any] = {}
    if tile_url.strip().lower() not in NO_TILES:
        layers["tiles"] = folium.TileLayer(tiles=tile_url, attr=attribution,
                                           name=labels["tiles"], max_zoom=18).add_to(m)
    layers["outline"] = folium.FeatureGroup(name=labels["outline"], overlay=False,
                                            show="tiles" not in layers).add_to(m)
    for key in ("flows", "points", "needs"):
        layers[key] = folium.FeatureGroup(name=labels[key]).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    root: Any = m.get_root()  # a branca Figure, typed as its base Element
    root.render()
    header = _PAGE_STYLES.sub("", root.header.render())
    names = {"map": m.get_name(), **{key: layer.get_name() for key, layer in layers.items()}}
    return Shell(header, root.html.render(), root.script.render(), names)
