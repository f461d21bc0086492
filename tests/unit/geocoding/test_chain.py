"""The fallback chain with fake geocoders: cache first, online once, gazetteer on failure."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from aidregistry.domain.places import GeocodingError, Place
from aidregistry.geocoding.chain import (
    FallbackGeocoder,
    InMemoryGeocodeCache,
    cache_key,
    reverse_cache_key,
)

ONLINE_NEWARK = Place("Newark", "New Jersey", "NJ", "US", "United States", 40.73, -74.17,
                      source="nominatim")  # fmt: skip
OFFLINE_NEWARK = Place("Newark", "New Jersey", "NJ", "US", "United States", 40.74, -74.18,
                       population=281944, geonameid=5101798)  # fmt: skip


@dataclass
class FakeGeocoder:
    """Answers from a dict, or raises `error`; records every call."""

    answers: dict[str, list[Place]] = field(default_factory=dict)
    error: GeocodingError | None = None
    provider: str = "fake"
    calls: list[str] = field(default_factory=list)

    def search(self, query: str, *, country_hint: str | None = None, limit: int = 5) -> list[Place]:
        self.calls.append(query)
        if self.error is not None:
            raise self.error
        return self.answers.get(query, [])[:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        self.calls.append(f"{lat},{lon}")
        if self.error is not None:
            raise self.error
        return ONLINE_NEWARK if lat > 0 else None


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cache_key_normalises_text_and_hint() -> None:
    assert cache_key("Newark,  NJ", "us", "p") == cache_key("newark nj", "US", "p")
    assert cache_key("Newark", None, "p") != cache_key("Newark", "US", "p")
    assert cache_key("Newark", None, "p") != cache_key("Newark", None, "q")
    assert reverse_cache_key(40.123456, -74.1, "p") == "p|reverse|40.1235,-74.1000"


def test_without_online_the_gazetteer_answers() -> None:
    offline = FakeGeocoder({"Newark": [OFFLINE_NEWARK]})
    assert FallbackGeocoder(offline).search("Newark") == [OFFLINE_NEWARK]


def test_online_answer_is_cached_and_never_asked_again() -> None:
    online = FakeGeocoder({"Newark, NJ": [ONLINE_NEWARK]})
    offline = FakeGeocoder()
    cache = InMemoryGeocodeCache()
    chain = FallbackGeocoder(offline, online, cache)
    assert chain.search("Newark, NJ") == [ONLINE_NEWARK]
    assert chain.search("newark  nj") == [ONLINE_NEWARK]
    assert online.calls == ["Newark, NJ"]
    assert offline.calls == []
    assert cache.get(cache_key("Newark, NJ", None, "fake")) == [ONLINE_NEWARK]


def test_nothing_found_online_is_cached_too_and_the_gazetteer_is_asked() -> None:
    online = FakeGeocoder()
    offline = FakeGeocoder({"宁波": [OFFLINE_NEWARK]})
    chain = FallbackGeocoder(offline, online)
    assert chain.search("宁波") == [OFFLINE_NEWARK]
    assert chain.search("宁波") == [OFFLINE_NEWARK]
    assert online.calls == ["宁波"]
    assert offline.calls == ["宁波", "宁波"]


def test_online_failure_falls_back_and_pauses_online() -> None:
    clock = Clock()
    online = FakeGeocoder(error=GeocodingError("The online geocoder did not answer in time."))
    offline = FakeGeocoder({"Newark": [OFFLINE_NEWARK]})
    chain = FallbackGeocoder(offline, online, pause_after_failure_seconds=60, clock=clock)
    assert chain.search("Newark") == [OFFLINE_NEWARK]
    assert chain.last_error is not None
    assert "in time" in chain.last_error.message
    clock.now += 59
    assert chain.search("Newark") == [OFFLINE_NEWARK]
    assert online.calls == ["Newark"]  # paused: not asked during the outage
    clock.now += 2
    online.error = None
    online.answers = {"Newark": [ONLINE_NEWARK]}
    assert chain.search("Newark") == [ONLINE_NEWARK]
    assert online.calls == ["Newark", "Newark"]  # the failure was not cached as an answer


def test_reverse_uses_cache_then_online_then_gazetteer() -> None:
    online = FakeGeocoder()
    offline = FakeGeocoder()
    chain = FallbackGeocoder(offline, online)
    assert chain.reverse(40.73, -74.17) == ONLINE_NEWARK
    assert chain.reverse(40.73, -74.17) == ONLINE_NEWARK
    assert online.calls == ["40.73,-74.17"]
    assert chain.reverse(-40.0, 10.0) is None  # online found nothing; so did the offline fake
    assert offline.calls == ["-40.0,10.0"]


def test_reverse_rejects_invalid_coordinates_before_any_lookup() -> None:
    online = FakeGeocoder()
    chain = FallbackGeocoder(FakeGeocoder(), online)
    with pytest.raises(ValueError, match="Latitude"):
        chain.reverse(float("nan"), 0.0)
    assert online.calls == []


def test_blank_query_asks_nobody() -> None:
    online, offline = FakeGeocoder(), FakeGeocoder()
    assert FallbackGeocoder(offline, online).search("  ,  ") == []
    assert online.calls == offline.calls == []
