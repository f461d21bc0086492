"""The app's geocoder with Nominatim on: the database cache, its own transactions, fallbacks.

Nominatim is the stub of tests/integration/geocoding on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidregistry.app import create_app
from aidregistry.config import ConfigError
from aidregistry.domain.places import Place
from aidregistry.models import Donation, GeocodeCacheEntry, OrgRole
from aidregistry.services.geocode_cache import DatabaseGeocodeCache, stored_key
from aidregistry.web.geocoder import get_geocoder
from tests.conftest import base_config, sign_in
from tests.factories import member
from tests.functional.test_donations import GOOD
from tests.integration.geocoding.nominatim_stub import NEWARK_JSON, NominatimStub, serving

USER_AGENT = "aidregistry-tests/1.0 (tests@example.org)"
NEWARK = {**GOOD, "place": "Newark, NJ"}


@pytest.fixture
def stub() -> Iterator[NominatimStub]:
    with serving(NominatimStub(search_results={"Newark, NJ": [NEWARK_JSON]})) as running:
        yield running


@pytest.fixture
def app_config(database_url: str, gazetteer_path: Path, stub: NominatimStub) -> dict[str, Any]:
    return {
        **base_config(database_url, gazetteer_path),
        "AIDREGISTRY_NOMINATIM_URL": f"http://{stub.domain}",
        "AIDREGISTRY_NOMINATIM_USER_AGENT": USER_AGENT,
        "AIDREGISTRY_NOMINATIM_TIMEOUT": 0.5,
    }


@pytest.fixture
def donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR, name="Newark Relief", country="US", city="Newark")
    db_session.commit()
    sign_in(client, user.email)
    return user


def searches(stub: NominatimStub) -> int:
    return sum(1 for request in stub.requests if request.path == "/search")


def cached(db_session: Any) -> list[GeocodeCacheEntry]:
    db_session.commit()  # end the test's read transaction; the rows were written apart
    return list(db_session.scalars(select(GeocodeCacheEntry)))


def test_the_same_text_is_never_looked_up_online_twice(
    client: FlaskClient, db_session: Any, donor: Any, stub: NominatimStub, app_config: Any
) -> None:
    assert client.post("/donations/new", data=NEWARK).status_code == 302
    assert client.post("/donations/new", data={**NEWARK, "place": "newark  nj"}).status_code == 302
    donation = db_session.scalars(select(Donation)).first()
    assert (donation.lat, donation.lon) == (40.735657, -74.1723667)  # Nominatim's answer
    assert searches(stub) == 1
    assert stub.requests[0].user_agent == USER_AGENT

    db_session.commit()  # end the test's read, as a finished request would

    # Another worker (a second app on the same database) answers from the table too.
    other = create_app(app_config)
    with other.app_context():
        (place,) = get_geocoder().search("NEWARK, nj", country_hint="US")
    assert (place.name, place.source) == ("Newark", "nominatim")
    assert searches(stub) == 1


def test_the_cache_survives_a_request_that_rolls_back(
    client: FlaskClient, db_session: Any, donor: Any, stub: NominatimStub, app: Flask
) -> None:
    response = client.post("/donations/new", data={**NEWARK, "expires_on": "2020-03-01"})
    assert "The expiry date must be after" in response.text  # the service refused: rollback
    assert db_session.scalar(select(func.count()).select_from(Donation)) == 0
    (entry,) = cached(db_session)
    assert entry.key.endswith("|US|newark nj")
    assert entry.provider == f"nominatim:{stub.domain}"
    assert entry.results[0]["lat"] == 40.735657
    assert client.post("/donations/new", data=NEWARK).status_code == 302
    assert searches(stub) == 1


@pytest.mark.parametrize("mode", ["sleep:2", "malformed", "status:500", "status:429"])
def test_a_failing_online_geocoder_falls_back_to_the_gazetteer(
    client: FlaskClient, db_session: Any, donor: Any, stub: NominatimStub, app: Flask, mode: str
) -> None:
    stub.mode = mode
    response = client.post("/donations/new", data=NEWARK)
    assert response.status_code == 302
    donation = db_session.scalar(select(Donation))
    assert (donation.place_country, donation.place_region) == ("US", "New Jersey")
    assert (donation.lat, donation.lon) == pytest.approx((40.7357, -74.1724), abs=0.01)
    assert cached(db_session) == []  # a failure is not an answer: nothing is stored
    assert searches(stub) == 1


def test_nothing_found_online_is_cached_and_the_gazetteer_answers(
    client: FlaskClient, db_session: Any, donor: Any, stub: NominatimStub, app: Flask
) -> None:
    assert client.post("/donations/new", data={**NEWARK, "place": "Ningbo"}).status_code == 302
    assert db_session.scalar(select(Donation)).place_country == "CN"
    (entry,) = cached(db_session)
    assert entry.results == []
    client.post("/donations/new", data={**NEWARK, "place": "Ningbo"})
    assert searches(stub) == 1


def test_pages_credit_openstreetmap_when_nominatim_is_on(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    response = client.post("/donations/new", data=NEWARK)
    page = client.get(response.headers["Location"]).text
    assert "OpenStreetMap contributors, ODbL" in page
    assert "GeoNames" in page
    about = client.get("/about").text
    assert "Open Database License (ODbL)" in about
    assert "CC BY 4.0" in about


def test_a_concurrent_insert_of_the_same_key_is_ignored(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from aidregistry.extensions import db

    cache = DatabaseGeocodeCache(db.engine)  # no pending store: writes at once
    newark = Place.from_dict({**_newark_dict(), "source": "nominatim"})
    cache.put("nominatim:x|US|newark", [newark])
    # The other worker's row appears between our look and our insert.
    monkeypatch.setattr(Session, "get", lambda *args, **kwargs: None)
    with caplog.at_level(logging.INFO, logger="aidregistry"):
        cache.put("nominatim:x|US|newark", [])
    monkeypatch.undo()
    assert "stored by another worker first" in caplog.text
    assert cache.get("nominatim:x|US|newark") == [newark]
    assert DatabaseGeocodeCache(db.engine, memo_size=0).get("nominatim:x|US|newark") == [newark]


def test_long_keys_fit_the_table(app: Flask) -> None:
    from aidregistry.extensions import db

    cache = DatabaseGeocodeCache(db.engine)
    key = "nominatim:x|US|" + "very long place " * 40
    cache.put(key, [])
    assert cache.get(key) == []
    assert len(stored_key(key)) == 400
    assert stored_key(key) != stored_key(key + "x")


def test_an_online_geocoder_without_user_agent_refuses_to_start(
    app_config: dict[str, Any],
) -> None:
    with pytest.raises(ConfigError, match="AIDREGISTRY_NOMINATIM_USER_AGENT is not"):
        create_app({**app_config, "AIDREGISTRY_NOMINATIM_USER_AGENT": ""})
    with pytest.raises(ConfigError, match="must be an http"):
        create_app({**app_config, "AIDREGISTRY_NOMINATIM_URL": "nominatim.example.org"})


def _newark_dict() -> dict[str, Any]:
    return {
        "name": "Newark",
        "admin1": "New Jersey",
        "admin1_code": "NJ",
        "country_code": "US",
        "country_name": "United States",
        "lat": 40.735657,
        "lon": -74.1723667,
    }
