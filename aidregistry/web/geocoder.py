"""The app's geocoder: the offline gazetteer, built once per process."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from aidregistry.domain.places import Geocoder

EXTENSION_KEY = "aidregistry.geocoder"


def get_geocoder() -> Geocoder:
    """The geocoder for this app (opened on first use, then shared)."""
    geocoder: Geocoder | None = current_app.extensions.get(EXTENSION_KEY)
    if geocoder is None:
        from aidregistry.geocoding.gazetteer import OfflineGazetteer

        configured = current_app.config.get("AIDREGISTRY_GAZETTEER_PATH")
        path = (
            Path(configured) if configured else Path(current_app.instance_path) / "gazetteer.sqlite"
        )
        geocoder = OfflineGazetteer(path)
        current_app.extensions[EXTENSION_KEY] = geocoder
    return geocoder
