"""The Nominatim geocoder against a real HTTP server on 127.0.0.1 speaking Nominatim's JSON."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from nominatim_stub import NEWARK_JSON, NominatimStub

from aidregistry.domain.places import GeocodingError, Place
from aidregistry.geocoding.chain import FallbackGeocoder, InMemoryGeocodeCache
from aidregistry.geocoding.gazetteer import OfflineGazetteer
from aidregistry.geocoding.nominatim import NominatimGeocoder

USER_AGENT = "aidregistry-tests/1.0 (tests@example.org)"


def _client(stub: NominatimStub, timeout: float = 3.0) -> NominatimGeocoder:
    return NominatimGeocoder(USER_AGENT, domain=stub.domain, scheme="http", timeout=timeout)


def test_search_maps_a_result_to_a_place(nominatim_stub: NominatimStub) -> None:
    places = _client(nominatim_stub).search("Newark, NJ")
    assert places == [
        Place(
            name="Newark",
            admin1="New Jersey",
            admin1_code="NJ",
            country_code="US",
            country_name="United States",
            lat=40.735657,
            lon=-74.1723667,
            population=0,
            geonameid=None,
            source="nominatim",
        )
    ]
    (request,) = nominatim_stub.requests
    assert request.path == "/search"
    assert request.user_agent == USER_AGENT
    assert request.params["q"] == "Newark, NJ"
    assert request.params["format"] == "json"
    assert request.params["addressdetails"] == "1"
    assert request.params["limit"] == "5"


def test_search_without_result_is_an_empty_list(nominatim_stub: NominatimStub) -> None:
    assert _client(nominatim_stub).search("Nowhere at all") == []


def test_reverse(nominatim_stub: NominatimStub) -> None:
    nominatim_stub.reverse_result = NEWARK_JSON
    place = _client(nominatim_stub).reverse(40.7357, -74.1724)
    assert place is not None
    assert place.label == "Newark, New Jersey, United States"
    (request,) = nominatim_stub.requests
    assert (request.path, request.params["lat"], request.params["zoom"]) == (
        "/reverse",
        "40.7357",
        "10",
    )


def test_reverse_without_result_is_none(nominatim_stub: NominatimStub) -> None:
    assert _client(nominatim_stub).reverse(0.0, -150.0) is None


def test_reverse_rejects_invalid_coordinates_without_a_request(
    nominatim_stub: NominatimStub,
) -> None:
    with pytest.raises(ValueError, match="Longitude must be between"):
        _client(nominatim_stub).reverse(10.0, 200.0)
    assert nominatim_stub.requests == []


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("status:429", "rate limit"),
        ("status:500", "returned an error"),
        ("status:503", "did not answer in time"),  # geopy reads 503 and 504 as timeouts
        ("malformed", "could not be read"),
        ("sleep:3.0", "did not answer in time"),
    ],
)
def test_failures_become_geocoding_errors(
    nominatim_stub: NominatimStub, mode: str, message: str
) -> None:
    nominatim_stub.mode = mode
    started = time.monotonic()
    with pytest.raises(GeocodingError, match=message) as caught:
        _client(nominatim_stub, timeout=0.3).search("Newark, NJ")
    assert caught.value.message == str(caught.value)
    # Well under the 3 s answer: no retries, no waiting it out (loose, for loaded machines).
    assert time.monotonic() - started < 2.0
    assert len(nominatim_stub.requests) == 1


def test_a_result_without_coordinates_is_a_geocoding_error(nominatim_stub: NominatimStub) -> None:
    nominatim_stub.search_results["Atlantis"] = [{"display_name": "Atlantis", "lat": None}]
    with pytest.raises(GeocodingError, match="without coordinates"):
        _client(nominatim_stub).search("Atlantis")


def test_a_dead_server_is_a_geocoding_error() -> None:
    dead = NominatimGeocoder(USER_AGENT, domain="127.0.0.1:9", scheme="http", timeout=1)
    with pytest.raises(GeocodingError, match="cannot be reached"):
        dead.search("Newark")


def test_at_most_one_request_per_second(nominatim_stub: NominatimStub) -> None:
    client = _client(nominatim_stub)
    client.search("Newark, NJ")
    client.search("Hartford, CT")
    first, second = nominatim_stub.requests
    assert second.at - first.at >= 0.95


@pytest.mark.parametrize("user_agent", ["", "   "])
def test_a_user_agent_is_required(user_agent: str) -> None:
    with pytest.raises(ValueError, match="User-Agent"):
        NominatimGeocoder(user_agent)


def test_a_faster_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="one request per second"):
        NominatimGeocoder(USER_AGENT, min_delay_seconds=0.5)


def test_fallback_to_the_gazetteer_and_the_cache_prevents_a_second_request(
    nominatim_stub: NominatimStub, gazetteer: OfflineGazetteer
) -> None:
    cache = InMemoryGeocodeCache()
    chain = FallbackGeocoder(gazetteer, _client(nominatim_stub), cache)

    assert chain.search("Newark, NJ")[0].source == "nominatim"
    assert chain.search("newark,   nj")[0].source == "nominatim"  # same text, from the cache
    assert [r.params["q"] for r in nominatim_stub.requests] == ["Newark, NJ"]

    nominatim_stub.mode = "status:500"
    best = chain.search("Ningbo, Zhejiang")[0]
    assert (best.name, best.source) == ("Ningbo", "geonames")
    assert chain.last_error is not None
    # During the pause after a failure the online service is left alone.
    assert chain.search("Milano")[0].name == "Milan"
    assert [r.params["q"] for r in nominatim_stub.requests] == ["Newark, NJ", "Ningbo, Zhejiang"]
    assert {r.user_agent for r in nominatim_stub.requests} == {USER_AGENT}
    assert len(cache) == 1


def test_a_new_chain_over_the_same_cache_does_not_ask_again(
    nominatim_stub: NominatimStub, gazetteer: OfflineGazetteer, tmp_path: Path
) -> None:
    cache = InMemoryGeocodeCache()
    FallbackGeocoder(gazetteer, _client(nominatim_stub), cache).search("Newark, NJ")
    # Another worker (a new client and chain) sharing the cache table.
    again = FallbackGeocoder(gazetteer, _client(nominatim_stub), cache).search("Newark, NJ")
    assert again[0].source == "nominatim"
    assert len(nominatim_stub.requests) == 1
