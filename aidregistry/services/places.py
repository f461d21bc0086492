"""Resolving a typed place (and optional coordinates) without a person to ask.

The web forms let a person choose among look-alike places; the API and the bulk import
cannot ask, so they take the geocoder's best candidate, or coordinates when given.
"""

from __future__ import annotations

import math

from aidregistry.domain.places import Geocoder, GeocodingError, Place
from aidregistry.services.errors import ServiceError


def manual_place(name: str, lat: float, lon: float, country: str | None) -> Place:
    """A place given by coordinates; refuses non-finite or out-of-range values."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ServiceError("Coordinates must be real numbers.", field="lat")
    if not -90 <= lat <= 90:
        raise ServiceError("Latitude is -90 to 90.", field="lat")
    if not -180 <= lon <= 180:
        raise ServiceError("Longitude is -180 to 180.", field="lon")
    return Place(name=name.strip(), admin1=None, admin1_code=None, country_code=country,
                 country_name=None, lat=lat, lon=lon, source="manual")


def place_from(geocoder: Geocoder, text: str, country_hint: str | None,
               lat: float | None = None, lon: float | None = None) -> Place:
    """The place ``text`` names (the best candidate), or the given coordinates."""
    if not text.strip():
        raise ServiceError("Enter a place.", field="place")
    if (lat is None) != (lon is None):
        raise ServiceError("Give both latitude and longitude, or neither.", field="lat")
    if lat is not None and lon is not None:
        return manual_place(text, lat, lon, country_hint)
    try:
        candidates = geocoder.search(text, country_hint=country_hint, limit=5)
    except GeocodingError as exc:
        raise ServiceError(exc.message, field="place") from exc
    if not candidates:
        raise ServiceError("We could not find this place. Check the spelling, add the country, "
                           "or give coordinates.", field="place")
    return candidates[0]
