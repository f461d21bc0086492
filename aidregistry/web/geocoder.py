"""The app's geocoder, built once per process: database cache, then Nominatim, then GeoNames.

The offline gazetteer always answers; Nominatim is asked first only when the operator sets
AIDREGISTRY_NOMINATIM_URL (with an identifying AIDREGISTRY_NOMINATIM_USER_AGENT), and its
answers are kept in the `geocode_cache` table so that no worker sends the same text twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g, has_app_context
from flask.signals import appcontext_tearing_down

from aidregistry.config import nominatim_settings
from aidregistry.domain.places import Geocoder
from aidregistry.geocoding.index_build import DEFAULT_MIN_POPULATION

if TYPE_CHECKING:
    from aidregistry.geocoding.chain import OnlineGeocoder

EXTENSION_KEY = "aidregistry.geocoder"
_PENDING = "geocode_cache_pending"


def get_geocoder() -> Geocoder:
    """The geocoder for this app (opened on first use, then shared)."""
    geocoder: Geocoder | None = current_app.extensions.get(EXTENSION_KEY)
    if geocoder is None:
        geocoder = build_geocoder(current_app._get_current_object())  # type: ignore[attr-defined]
        current_app.extensions[EXTENSION_KEY] = geocoder
    return geocoder


def gazetteer_settings(app: Flask) -> tuple[Path, int]:
    """Where the offline index lives and its population cut-off, from the settings."""
    configured = app.config.get("AIDREGISTRY_GAZETTEER_PATH")
    path = Path(configured) if configured else Path(app.instance_path) / "gazetteer.sqlite"
    population = int(app.config.get("AIDREGISTRY_GAZETTEER_MIN_POPULATION") or 0)
    return path, population or DEFAULT_MIN_POPULATION


def build_geocoder(app: Flask) -> Geocoder:
    """The chain for `app`: refuses an online geocoder that does not identify itself."""
    from aidregistry.extensions import db
    from aidregistry.geocoding.chain import FallbackGeocoder
    from aidregistry.geocoding.gazetteer import OfflineGazetteer
    from aidregistry.services.geocode_cache import DatabaseGeocodeCache

    online = nominatim_from_config(app.config)
    path, population = gazetteer_settings(app)
    offline = OfflineGazetteer(path, min_population=population)
    engine = _engine_of(app, db)
    sqlite = engine.dialect.name == "sqlite"
    cache = DatabaseGeocodeCache(engine, pending=_pending_store if sqlite else None)
    if sqlite:
        # Answers kept during a request are written once its session is gone (see
        # services/geocode_cache.py): the signal comes after Flask-SQLAlchemy's teardown.
        def flush(_sender: Flask, **_kwargs: Any) -> None:
            waiting = g.pop(_PENDING, None)
            if waiting:
                cache.flush(waiting)

        appcontext_tearing_down.connect(flush, app, weak=False)
    return FallbackGeocoder(offline, online=online, cache=cache)


def _engine_of(app: Flask, db: Any) -> Any:
    # Pushing a second app context inside a request would tear it down again with its hooks.
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        return db.engine
    with app.app_context():
        return db.engine


def _pending_store() -> dict[str, Any] | None:
    if not has_app_context():
        return None
    if _PENDING not in g:
        setattr(g, _PENDING, {})
    store: dict[str, Any] = getattr(g, _PENDING)
    return store


def nominatim_from_config(config: Mapping[str, Any]) -> OnlineGeocoder | None:
    """A `NominatimGeocoder` when AIDREGISTRY_NOMINATIM_URL is set, else None."""
    wanted = nominatim_settings(config)
    if wanted is None:
        return None
    from aidregistry.geocoding.nominatim import NominatimGeocoder

    scheme, domain, agent = wanted
    timeout = float(config.get("AIDREGISTRY_NOMINATIM_TIMEOUT", 5.0))
    return NominatimGeocoder(agent, domain=domain, scheme=scheme, timeout=timeout)


def flush_pending() -> None:
    """Write the answers this app context kept back (SQLite), e.g. after a batch's commit."""
    from aidregistry.services.geocode_cache import DatabaseGeocodeCache

    geocoder = current_app.extensions.get(EXTENSION_KEY)
    cache = getattr(geocoder, "cache", None)
    waiting = g.get(_PENDING)
    if isinstance(cache, DatabaseGeocodeCache) and waiting:
        cache.flush(waiting)
