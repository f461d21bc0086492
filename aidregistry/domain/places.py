"""Places and coordinates: the values geocoding produces, and the port it sits behind.

Pure Python on purpose (no Flask, SQLAlchemy or geopy): services and the matcher depend on
`Geocoder` and `Place`, and the infrastructure in `aidregistry.geocoding` implements them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args, runtime_checkable

PlaceSource = Literal["geonames", "divisions", "airports", "nominatim", "manual"]
PLACE_SOURCES: tuple[PlaceSource, ...] = get_args(PlaceSource)

LATITUDE_RANGE = (-90.0, 90.0)
LONGITUDE_RANGE = (-180.0, 180.0)


class GeocodingError(Exception):
    """A geocoder could not answer; `message` is safe to show to the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCoordinatesError(ValueError):
    """Coordinates that are not numbers, not finite, or out of range."""


@dataclass(frozen=True, slots=True)
class Coordinates:
    """A validated WGS84 position in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        # Validate on construction, so no unchecked `Coordinates` can exist; numeric strings
        # from forms and CSV files are converted rather than compared as text.
        lat, lon = _as_float(self.lat, "Latitude"), _as_float(self.lon, "Longitude")
        _check_range(lat, lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with coordinates, as a geocoder found it (or as a person entered it)."""

    name: str
    admin1: str | None
    admin1_code: str | None
    country_code: str | None
    country_name: str | None
    lat: float
    lon: float
    population: int = 0
    geonameid: int | None = None
    source: PlaceSource = "geonames"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of every field (for a cache table or an API answer)."""
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Place:
        """Rebuild a place from `to_dict` output, re-validating coordinates and source."""
        if data.get("source") not in PLACE_SOURCES:
            raise ValueError(f"Unknown place source: {data.get('source')!r}.")
        point = parse_coordinates(data.get("lat"), data.get("lon"))
        geonameid = data.get("geonameid")
        return cls(
            name=str(data["name"]),
            admin1=_optional_text(data, "admin1"),
            admin1_code=_optional_text(data, "admin1_code"),
            country_code=_optional_text(data, "country_code"),
            country_name=_optional_text(data, "country_name"),
            lat=point.lat,
            lon=point.lon,
            population=int(data.get("population") or 0),
            geonameid=None if geonameid is None else int(geonameid),
            source=data["source"],
        )

    @property
    def coordinates(self) -> Coordinates:
        """The place's position as validated `Coordinates`."""
        return Coordinates(self.lat, self.lon)

    @property
    def label(self) -> str:
        """A human label such as "Newark, New Jersey, United States" (parts that are known)."""
        parts = [self.name, self.admin1, self.country_name or self.country_code]
        seen: list[str] = []
        for part in parts:
            # "Shanghai, Shanghai, China" reads as a stutter; drop a repeated part.
            if part and part not in seen:
                seen.append(part)
        return ", ".join(seen)


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _as_float(value: object, what: str) -> float:
    if isinstance(value, bool):
        # bool is an int subclass; True as a latitude is a bug upstream, not 1 degree.
        raise InvalidCoordinatesError(f"{what} must be a number, not a yes/no value.")
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidCoordinatesError(f"{what} must be a number in decimal degrees.") from None
    if not math.isfinite(number):
        raise InvalidCoordinatesError(f"{what} must be a finite number (not NaN or infinity).")
    return number


def parse_coordinates(lat: object, lon: object) -> Coordinates:
    """Validate a latitude and longitude (numbers or numeric strings) into `Coordinates`.

    Raises `InvalidCoordinatesError` (a `ValueError`) with a message fit for a form: latitude
    must lie in -90..90 and longitude in -180..180, and neither may be NaN or infinite.
    """
    return Coordinates(lat, lon)  # type: ignore[arg-type]  # __post_init__ converts and checks


def _check_range(lat: float, lon: float) -> None:
    if not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
        raise InvalidCoordinatesError(f"Latitude must be between -90 and 90 (got {lat:g}).")
    if not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
        raise InvalidCoordinatesError(f"Longitude must be between -180 and 180 (got {lon:g}).")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on the mean-radius sphere (one pair; `geo` has numpy's)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@runtime_checkable
class Geocoder(Protocol):
    """Turns text into places and coordinates into a place."""

    def search(self, query: str, *, country_hint: str | None = None, limit: int = 5) -> list[Place]:
        """Places matching `query`, best first; an empty list when nothing matches.

        `country_hint` is an ISO 3166-1 alpha-2 code that ranks places in that country first.
        Raises `GeocodingError` when the geocoder cannot answer at all.
        """
        ...

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The place nearest to the coordinates, or None when there is none close enough."""
        ...
