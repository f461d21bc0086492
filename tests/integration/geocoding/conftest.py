"""Fixtures for the geocoding integration tests: the shared gazetteer index, a Nominatim stub.

The index lives beside pytest's per-run temporary folders (in `pytest-of-<user>/`), so later
runs and xdist workers reuse it; `ensure_index` rebuilds it whenever its sources change and
locks while building, so concurrent workers build it once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nominatim_stub import NEWARK_JSON, NominatimStub, serving

from aidregistry.geocoding.gazetteer import OfflineGazetteer
from aidregistry.geocoding.index_build import DEFAULT_MIN_POPULATION, ensure_index


@pytest.fixture(scope="session")
def gazetteer_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a current index over the default GeoNames cut-off (cities1000)."""
    base = tmp_path_factory.getbasetemp()
    # pytest-of-<user>/ holds every run's folders (and, under xdist, every worker's).
    root = next((p for p in base.parents if p.name.startswith("pytest-of-")), base)
    shared = root / "aidregistry-gazetteer"
    return ensure_index(shared / f"gazetteer-p{DEFAULT_MIN_POPULATION}.sqlite3")


@pytest.fixture(scope="session")
def gazetteer(gazetteer_index: Path) -> OfflineGazetteer:
    """The offline gazetteer over the shared index."""
    return OfflineGazetteer(gazetteer_index, build=False)


@pytest.fixture
def nominatim_stub() -> Iterator[NominatimStub]:
    """A Nominatim stub on 127.0.0.1 with a free port, serving while the test runs."""
    with serving(NominatimStub(search_results={"Newark, NJ": [NEWARK_JSON]})) as stub:
        yield stub
