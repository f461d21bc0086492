"""Putting geocoders together: a cache, an optional online geocoder, the offline gazetteer.

`FallbackGeocoder` answers from the cache when it can; otherwise asks the online geocoder (if
one is configured) and stores its answer, including "nothing found", so the same text is
never sent online twice; and falls back to the offline gazetteer when the online geocoder
fails or finds nothing. After a failure it leaves the online geocoder alone for a while, so
that an outage costs one timeout rather than one per request.

The cache is a small port (`GeocodeCache`); the app implements it with a database table shared
by all workers, and `InMemoryGeocodeCache` serves tests and scripts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from aidregistry.domain.places import Geocoder, GeocodingError, Place, parse_coordinates
from aidregistry.geocoding.text import normalise


class GeocodeCache(Protocol):
    """Where answers of the online geocoder are kept, by `cache_key`."""

    def get(self, key: str) -> list[Place] | None:
        """The places stored under `key` ([] for a stored "nothing found"), or None."""
        ...

    def put(self, key: str, places: list[Place]) -> None:
        """Store `places` under `key`, replacing any earlier answer."""
        ...


class OnlineGeocoder(Geocoder, Protocol):
    """A geocoder with a name for the cache key ("nominatim:nominatim.openstreetmap.org")."""

    provider: str


def cache_key(query: str, country_hint: str | None, provider: str) -> str:
    """The key of a forward query: provider, country hint and the normalised text.

    "Newark,  NJ" and "newark nj" share a key, so spacing and case never cause a second lookup.
    """
    return f"{provider}|{(country_hint or '').strip().upper()}|{normalise(query)}"


def reverse_cache_key(lat: float, lon: float, provider: str) -> str:
    """The key of a reverse query; 4 decimals (about 11 m) is finer than any settlement."""
    return f"{provider}|reverse|{lat:.4f},{lon:.4f}"


class InMemoryGeocodeCache:
    """A thread-safe dictionary cache, for tests and single-process scripts."""

    def __init__(self) -> None:
        """Start empty."""
        self._data: dict[str, list[Place]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> list[Place] | None:
        """The places stored under `key`, or None."""
        with self._lock:
            found = self._data.get(key)
            return None if found is None else list(found)

    def put(self, key: str, places: list[Place]) -> None:
        """Store `places` under `key`."""
        with self._lock:
            self._data[key] = list(places)

    def __len__(self) -> int:
        """How many answers are stored."""
        return len(self._data)


class FallbackGeocoder:
    """`Geocoder`: cache, then online (if configured), then the offline gazetteer."""

    def __init__(
        self,
        offline: Geocoder,
        online: OnlineGeocoder | None = None,
        cache: GeocodeCache | None = None,
        *,
        pause_after_failure_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Wire the parts; with `online` None this is the gazetteer plus nothing."""
        self.offline = offline
        self.online = online
        self.cache: GeocodeCache = cache if cache is not None else InMemoryGeocodeCache()
        self.pause_after_failure_seconds = pause_after_failure_seconds
        self._clock = clock
        self._online_paused_until = float("-inf")
        self.last_error: GeocodingError | None = None
        # Online requests are serialised anyway (the rate limiter), so one lock lets a thread
        # that waited re-read the cache instead of asking again for the text just fetched.
        self._online_lock = threading.Lock()

    def search(self, query: str, *, country_hint: str | None = None, limit: int = 5) -> list[Place]:
        """Places for `query`, best first, from the first source that has an answer."""
        if not normalise(query):
            return []
        online = self._online_available()
        if online is not None:
            key = cache_key(query, country_hint, online.provider)
            places = self._cached_or_fetched(
                key, lambda: online.search(query, country_hint=country_hint, limit=limit)
            )
            if places:
                return places[:limit]
        return self.offline.search(query, country_hint=country_hint, limit=limit)

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The place at the coordinates, online if possible, else from the gazetteer."""
        point = parse_coordinates(lat, lon)
        online = self._online_available()
        if online is not None:
            key = reverse_cache_key(point.lat, point.lon, online.provider)

            def fetch() -> list[Place]:
                found = online.reverse(point.lat, point.lon)
                return [] if found is None else [found]

            places = self._cached_or_fetched(key, fetch)
            if places:
                return places[0]
        return self.offline.reverse(point.lat, point.lon)

    def _online_available(self) -> OnlineGeocoder | None:
        if self.online is None or self._clock() < self._online_paused_until:
            return None
        return self.online

    def _cached_or_fetched(self, key: str, fetch: Callable[[], list[Place]]) -> list[Place] | None:
        """The cached answer, or a fresh online one (then cached); None if the fetch failed.

        A failure is not cached: it is not an answer, and the pause already keeps an outage
        from being asked about again and again.
        """
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with self._online_lock:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
            try:
                places = fetch()
            except GeocodingError as error:
                self.last_error = error
                self._online_paused_until = self._clock() + self.pause_after_failure_seconds
                return None
            self.cache.put(key, places)
            return places
