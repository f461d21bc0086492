"""Resolving a typed place (and optional coordinates) without a person to ask.

The web forms let a person choose among look-alike places; the API and the bulk import
cannot ask, so they take the geocoder's best candidate, or coordinates when given.

Coordinates a person gives come with a text that may name a place or only describe one
("Warehouse 3, north gate"). `place_by_coordinates` keeps both: the text's region and country
when the text names a place near the coordinates, otherwise the nearest city found by reverse
lookup, stored as "City, Region" in the region (the page then says "near City, Region").
"""

from __future__ import annotations

import dataclasses
import math

from aidregistry.domain.places import Geocoder, GeocodingError, Place, haversine_km
from aidregistry.services.errors import ServiceError

NEAR_KM = 50.0  # a named place this close to the coordinates is the place the text means
NEAR_LABEL_LENGTH = 64  # Organisation.region is the shortest column that receives it


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


def near_label(place: Place) -> str:
    """ "City, Region" of a reverse-lookup answer, short enough for a region column.

    Region names (GeoNames admin1) never contain a comma, so the comma is what tells a page
    that the region holds a nearby city rather than a region.
    """
    second = place.admin1 or place.country_name or place.country_code
    parts = [place.name, second] if second and second != place.name else [place.name]
    return ", ".join(parts)[:NEAR_LABEL_LENGTH]


def place_by_coordinates(
    geocoder: Geocoder, text: str, lat: float, lon: float, country_hint: str | None
) -> Place:
    """A place at coordinates a person gave, described by its text or by the nearest city."""
    point = manual_place(text, lat, lon, country_hint)
    named = _named_near(geocoder, point, country_hint)
    if named is not None:
        return dataclasses.replace(
            point,
            admin1=named.admin1,
            admin1_code=named.admin1_code,
            country_code=named.country_code,
            country_name=named.country_name,
        )
    try:
        nearest = geocoder.reverse(point.lat, point.lon)
    except GeocodingError:
        nearest = None
    if nearest is None:
        return point
    return dataclasses.replace(
        point,
        admin1=near_label(nearest),
        country_code=nearest.country_code,
        country_name=nearest.country_name,
    )


def _named_near(geocoder: Geocoder, point: Place, country_hint: str | None) -> Place | None:
    """The place the text names, if one of its candidates lies near the coordinates."""
    try:
        candidates = geocoder.search(point.name, country_hint=country_hint, limit=5)
    except GeocodingError:
        return None
    near = [c for c in candidates if haversine_km(c.lat, c.lon, point.lat, point.lon) <= NEAR_KM]
    return near[0] if near else None
