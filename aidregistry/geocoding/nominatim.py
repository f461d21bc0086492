"""An online geocoder over OpenStreetMap's Nominatim, through geopy.

Used only when the operator configures it. Nominatim's usage policy asks for an identifying
User-Agent and at most one request per second, so both are enforced here: `user_agent` is
required, and every request goes through geopy's `RateLimiter` with at least one second between
calls. That limit is per process; gunicorn workers each keep their own, which is one more reason
the caller puts a shared cache (see `chain`) in front of this class.

Every failure (timeout, HTTP 429, 5xx, unreachable server, malformed JSON, an answer without
coordinates) becomes `GeocodingError` with a message fit for a form, so callers can fall back to
the offline gazetteer with one `except`.
Map data from OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from geopy.adapters import RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from aidregistry.domain.places import GeocodingError, Place, parse_coordinates

MIN_DELAY_SECONDS = 1.0  # Nominatim's policy: no more than one request per second
# Address keys that name the settlement, most specific first.
_SETTLEMENT_KEYS = ("city", "town", "village", "municipality", "hamlet", "suburb", "county")
_REGION_KEYS = ("state", "province", "region", "state_district")


class NominatimGeocoder:
    """`Geocoder` that asks a Nominatim server (the public one, or the operator's own)."""

    def __init__(
        self,
        user_agent: str,
        *,
        domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        timeout: float = 5.0,
        min_delay_seconds: float = MIN_DELAY_SECONDS,
    ) -> None:
        """Configure the client; nothing is sent until the first `search` or `reverse`.

        `user_agent` must identify this deployment (Nominatim blocks generic ones), e.g.
        "aidregistry/0.1 (ops@example.org)". `domain` may carry a port ("127.0.0.1:8080").
        """
        if not user_agent or not user_agent.strip():
            raise ValueError("Nominatim needs a User-Agent that identifies this deployment.")
        if min_delay_seconds < MIN_DELAY_SECONDS:
            raise ValueError("Nominatim allows at most one request per second.")
        self.provider = f"nominatim:{domain}"
        # geopy's requests adapter retries a broken connection twice by default, and that
        # includes a read timeout: one slow answer would cost three requests and 3x the wait.
        adapter = partial(RequestsAdapter, max_retries=0)
        client = Nominatim(
            user_agent=user_agent,
            domain=domain,
            scheme=scheme,
            timeout=timeout,
            adapter_factory=adapter,
        )
        # No retries and no swallowing: a failure should reach the caller at once (it has the
        # offline gazetteer), not hold a web request through retry waits. RateLimiter asserts
        # error_wait_seconds >= min_delay_seconds, so pass the same value for both.
        limits = {
            "min_delay_seconds": min_delay_seconds,
            "error_wait_seconds": min_delay_seconds,
            "max_retries": 0,
            "swallow_exceptions": False,
        }
        self._geocode: Callable[..., Any] = RateLimiter(client.geocode, **limits)
        self._reverse: Callable[..., Any] = RateLimiter(client.reverse, **limits)

    def search(self, query: str, *, country_hint: str | None = None, limit: int = 5) -> list[Place]:
        """Places Nominatim finds for `query`, best first; places in `country_hint` first."""
        if not query.strip() or limit <= 0:
            return []
        locations = _call(self._geocode, query, exactly_one=False, limit=limit, addressdetails=True)
        places = [_to_place(location.raw) for location in locations or ()]
        hint = (country_hint or "").upper()
        # Nominatim's own order is by importance; the hint reorders but never drops places.
        return sorted(places, key=lambda p: p.country_code != hint)[:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The settlement Nominatim finds at the coordinates, or None (raises if invalid)."""
        point = parse_coordinates(lat, lon)
        # zoom=10 asks for city-level detail rather than the nearest house.
        location = _call(
            self._reverse, (point.lat, point.lon), exactly_one=True, addressdetails=True, zoom=10
        )
        return None if location is None else _to_place(location.raw)


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except GeocoderTimedOut as error:
        raise GeocodingError("The online geocoder did not answer in time.") from error
    except GeocoderRateLimited as error:
        raise GeocodingError("The online geocoder is refusing requests (rate limit).") from error
    except GeocoderUnavailable as error:
        raise GeocodingError("The online geocoder cannot be reached.") from error
    except GeocoderParseError as error:
        raise GeocodingError(
            "The online geocoder sent an answer that could not be read."
        ) from error
    except GeocoderServiceError as error:  # HTTP 5xx and other refusals
        raise GeocodingError("The online geocoder returned an error.") from error
    except GeopyError as error:
        raise GeocodingError("The online geocoder failed.") from error
    except (KeyError, TypeError, ValueError) as error:
        # geopy indexes the JSON it receives; an answer of the wrong shape lands here.
        raise GeocodingError(
            "The online geocoder sent an answer that could not be read."
        ) from error


def _first(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((str(mapping[k]) for k in keys if mapping.get(k)), None)


def _region_code(address: Mapping[str, Any]) -> str | None:
    # Nominatim reports ISO 3166-2 codes such as "US-NJ"; the part after the dash is the
    # region code (which for the US matches GeoNames' admin1 codes).
    iso = address.get("ISO3166-2-lvl4") or address.get("ISO3166-2-lvl3")
    return str(iso).split("-", 1)[1] if iso and "-" in str(iso) else None


def _to_place(raw: Mapping[str, Any]) -> Place:
    """Map one Nominatim JSON result (format=json, addressdetails=1) to a `Place`."""
    try:
        point = parse_coordinates(raw["lat"], raw["lon"])
    except (KeyError, ValueError) as error:
        raise GeocodingError("The online geocoder sent a place without coordinates.") from error
    address: Mapping[str, Any] = raw.get("address") or {}
    display = str(raw.get("display_name") or "")
    name = _first(address, _SETTLEMENT_KEYS) or raw.get("name") or display.split(",")[0]
    country_code = address.get("country_code")
    return Place(
        name=str(name).strip() or "Unnamed place",
        admin1=_first(address, _REGION_KEYS),
        admin1_code=_region_code(address),
        country_code=str(country_code).upper() if country_code else None,
        country_name=address.get("country"),
        lat=point.lat,
        lon=point.lon,
        population=0,
        geonameid=None,
        source="nominatim",
    )
