"""Fixtures for the geocoding integration tests: a Nominatim stub (the gazetteer fixtures are
those of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from nominatim_stub import NEWARK_JSON, NominatimStub, serving


@pytest.fixture
def nominatim_stub() -> Iterator[NominatimStub]:
    """A Nominatim stub on 127.0.0.1 with a free port, serving while the test runs."""
    with serving(NominatimStub(search_results={"Newark, NJ": [NEWARK_JSON]})) as stub:
        yield stub
