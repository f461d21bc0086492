"""The public map page and its data endpoint."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import ItemType, Organisation, OrgKind, VerificationState
from aidregistry.services.map_data import build_map_data, data_version
from aidregistry.web.auth.forms import KIND_LABELS
from aidregistry.web.map.cache import IMMUTABLE, Payload, PayloadCache, VersionCheck, json_response
from aidregistry.web.map.shell import Shell, build_shell, use_local_assets
from aidregistry.web.quantities import CATEGORY_LABELS, unit_plurals
from aidregistry.web.security import csp_nonce

bp = Blueprint("map", __name__, url_prefix="/map")
CACHE_KEY = "aidregistry.map_cache"
SHELLS_KEY = "aidregistry.map_shells"


VERSION_KEY = "aidregistry.map_version"
VERSION_TTL_SECONDS = 2.0
OUTLINE_KEY = "aidregistry.map_outline"
# Natural Earth land, coasts and borders as TopoJSON, made by scripts/build_basemap.py.
OUTLINE_FILE = Path("basemap", "world.json")


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    # The one place folium's asset links change (they are class attributes: see shell.py).
    use_local_assets(state.app)  # type: ignore[arg-type]  # always a Flask app here
    state.app.extensions[CACHE_KEY] = PayloadCache()
    state.app.extensions[SHELLS_KEY] = {}
    state.app.extensions[VERSION_KEY] = VersionCheck(VERSION_TTL_SECONDS)


def _shell() -> Shell:
    """The rendered shell for this locale (it holds translated layer names only)."""
    shells: dict[str, Shell] = current_app.extensions[SHELLS_KEY]
    locale = str(get_locale() or "en")
    if locale not in shells:
        labels = {"tiles": _("Street map"), "outline": _("Outline map (offline)"),
                  "flows": _("Flows of goods"),
                  "points": _("Donors and recipients"), "needs": _("Open needs")}
        shells[locale] = build_shell(current_app.config["AIDREGISTRY_TILE_URL"],
                                     current_app.config["AIDREGISTRY_TILE_ATTRIBUTION"], labels)
    return shells[locale]


def _countries() -> list[tuple[str, str]]:
    codes = db.session.scalars(select(Organisation.country).distinct().where(
        Organisation.state == VerificationState.VERIFIED)).all()
    names = get_locale().territories if get_locale() else {}
    return sorted(((code, names[code]) for code in codes if code in names),
                  key=lambda pair: pair[1])


@bp.get("/")
def index() -> ResponseReturnValue:
    """The map of flows, donors, recipients and open needs, with filters and a legend."""
    shell = _shell()
    items = db.session.scalars(select(ItemType).order_by(ItemType.sort_order)).all()
    categories = [(category, CATEGORY_LABELS.get(category, category))
                  for category in dict.fromkeys(item.category for item in items)]
    kinds = [(kind.value, label) for kind, label in KIND_LABELS.items() if kind in OrgKind]
    return render_template("map/index.html", parts=shell.parts(csp_nonce()), names=shell.names,
                           items=items, categories=categories, kinds=kinds,
                           countries=_countries(), labels=script_labels(),
                           outline_digest=outline_digest())


def script_labels() -> dict[str, object]:
    """Every string map.js shows, in the reader's language."""
    return {
        "pledged": _("Pledged"), "in_transit": _("In transit"), "delivered": _("Delivered"),
        "from": _("From"), "to": _("To"), "via": _("via"), "item": _("Item"),
        "quantity": _("Quantity"), "deliveries": _("Records"), "donor": _("Donor"),
        "recipient": _("Recipient"), "given": _("Given"), "received": _("Received"),
        "need": _("Open need"), "priority": _("Priority"), "needed_by": _("Needed by"),
        "still_needed": _("Still needed"), "open_donation": _("Open the donation"),
        "open_need": _("Open the need"), "open_org": _("Open the organisation's page"),
        "places": _("places"), "shown": _("Showing %(shown)s of %(total)s routes", shown="{shown}",
                                           total="{total}"),
        "nothing": _("Nothing matches these filters."), "loading": _("Loading the map data…"),
        "failed": _("The map data could not be loaded."), "units": unit_plurals(),
    }


@lru_cache(maxsize=65536)
def _city_of(lat: float, lon: float) -> tuple[float, float] | None:
    from aidregistry.web.geocoder import get_geocoder

    place = get_geocoder().reverse(lat, lon)
    return None if place is None else (place.lat, place.lon)


def _snap_to_city(lat: float, lon: float) -> tuple[float, float] | None:
    try:
        return _city_of(round(lat, 3), round(lon, 3))
    except Exception:  # without a gazetteer, positions are rounded instead
        return None


@bp.get("/data.json")
def data() -> ResponseReturnValue:
    """Flows, places and open needs (public data only), cached per data version."""
    cache: PayloadCache = current_app.extensions[CACHE_KEY]
    session = db.session()
    check: VersionCheck = current_app.extensions[VERSION_KEY]
    version = check.current(lambda: data_version(session))
    payload = cache.get("map", version, lambda: build_map_data(session, _snap_to_city))
    return json_response(payload, request)


def _outline() -> Payload:
    """The outline file, read and compressed once per process."""
    if OUTLINE_KEY not in current_app.extensions:
        path = Path(current_app.static_folder or "static", OUTLINE_FILE)
        current_app.extensions[OUTLINE_KEY] = Payload.of_bytes(path.read_bytes())
    payload: Payload = current_app.extensions[OUTLINE_KEY]
    return payload


def outline_digest() -> str:
    """The part of the outline file's URL that names its content."""
    return _outline().etag[:16]


@bp.get("/outline-<digest>.json")
def outline(digest: str) -> ResponseReturnValue:
    """The offline base map; its URL names its content, so browsers keep it for a year."""
    if digest != outline_digest():
        abort(404)
    return json_response(_outline(), request, IMMUTABLE)


def cache_of(app: Flask) -> PayloadCache:
    """The app's payload cache (tests and benchmarks clear it)."""
    cache: PayloadCache = app.extensions[CACHE_KEY]
    return cache
