"""Places as people write them: every string of the list resolves to its true place.

The list (data/places_as_written.tsv) holds Chinese addresses with their divisions run
together, airports by code and name, cities with a state or province in other countries'
styles and full-width punctuation; each row gives the true position, a tolerance and the
source of that position. `benchmarks/places_as_written.py` prints the hit rate.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aidregistry.domain.places import haversine_km
from aidregistry.geocoding.gazetteer import OfflineGazetteer

LIST = Path(__file__).parent / "data" / "places_as_written.tsv"


def _rows() -> list[dict[str, str]]:
    with open(LIST, encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()


def test_the_list_has_at_least_100_sourced_strings() -> None:
    assert len(ROWS) >= 100
    assert len({row["query"] for row in ROWS}) == len(ROWS)
    assert all(row["source"].strip() for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[row["query"] for row in ROWS])
def test_resolves_to_its_true_place(gazetteer: OfflineGazetteer, row: dict[str, str]) -> None:
    found = gazetteer.search(row["query"])
    assert found, "nothing found"
    km = haversine_km(found[0].lat, found[0].lon, float(row["lat"]), float(row["lon"]))
    assert km <= float(row["tolerance_km"]), f"{found[0].label}: {km:.0f} km off"
