"""Third-party JavaScript and CSS served by the app itself from XStatic packages.

Nothing is fetched from a CDN, so the site and its map work where CDNs are blocked
or there is no internet at all.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from flask.typing import ResponseReturnValue

bp = Blueprint("assets", __name__, url_prefix="/assets")

PACKAGES = {
    "leaflet": "xstatic.pkg.leaflet",
    "leaflet-markercluster": "xstatic.pkg.leaflet_markercluster",
    "jquery": "xstatic.pkg.jquery",
    "font-awesome": "xstatic.pkg.font_awesome",
    "bootstrap": "xstatic.pkg.bootstrap",
}
ONE_YEAR = 365 * 24 * 3600


def package_dir(name: str) -> Path:
    """The data folder of one XStatic package."""
    module = import_module(PACKAGES[name])
    return Path(module.BASE_DIR)


def versions() -> dict[str, str]:
    """Version of every served package (part of each asset URL, so caches can be long)."""
    return {name: import_module(module).VERSION for name, module in PACKAGES.items()}


@bp.get("/<name>/<version>/<path:filename>")
def asset(name: str, version: str, filename: str) -> ResponseReturnValue:
    """One file of one package; URLs carry the version, so they are cached for a year."""
    if name not in PACKAGES or versions()[name] != version:
        abort(404)
    return send_from_directory(package_dir(name), filename, max_age=ONE_YEAR)
