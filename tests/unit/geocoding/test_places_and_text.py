"""Pure pieces: coordinate validation, `Place` labels, name normalising and query readings."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidregistry.domain.places import (
    Coordinates,
    InvalidCoordinatesError,
    Place,
    haversine_km,
    parse_coordinates,
)
from aidregistry.geocoding.places_data import region_keys
from aidregistry.geocoding.text import QueryReading, name_variants, normalise, readings


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_valid_coordinates_round_trip(lat: float, lon: float) -> None:
    assert parse_coordinates(lat, lon) == Coordinates(lat, lon)


@given(st.floats().filter(lambda x: not -90 <= x <= 90))
def test_latitudes_outside_the_range_or_not_finite_are_rejected(lat: float) -> None:
    with pytest.raises(InvalidCoordinatesError, match="Latitude"):
        parse_coordinates(lat, 0.0)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("nan", 0, "Latitude must be a finite number"),
        (0, "-inf", "Longitude must be a finite number"),
        (-90.0001, 0, r"Latitude must be between -90 and 90 \(got -90.0001\)"),
        (0, 180.5, r"Longitude must be between -180 and 180 \(got 180.5\)"),
        ("north", 0, "Latitude must be a number in decimal degrees"),
        (None, 0, "Latitude must be a number"),
        (True, 0, "not a yes/no value"),
    ],
)
def test_invalid_coordinates_have_clear_messages(lat: object, lon: object, message: str) -> None:
    with pytest.raises(InvalidCoordinatesError, match=message):
        parse_coordinates(lat, lon)


def test_numeric_strings_are_accepted_and_converted() -> None:
    assert parse_coordinates(" 31.23 ", "121.47") == Coordinates(31.23, 121.47)


def test_coordinates_cannot_be_built_invalid() -> None:
    with pytest.raises(ValueError, match="between -90 and 90"):
        Coordinates(100.0, 0.0)


def test_place_label_skips_unknown_and_repeated_parts() -> None:
    newark = Place("Newark", "New Jersey", "NJ", "US", "United States", 40.7, -74.2)
    shanghai = Place("Shanghai", "Shanghai", "23", "CN", "China", 31.2, 121.5)
    manual = Place("Depot 4", None, None, None, None, 1.0, 2.0, source="manual")
    assert newark.label == "Newark, New Jersey, United States"
    assert shanghai.label == "Shanghai, China"
    assert manual.label == "Depot 4"
    assert newark.coordinates == Coordinates(40.7, -74.2)


def test_place_round_trips_through_json() -> None:
    newark = Place(
        "Newark", "New Jersey", "NJ", "US", "United States", 40.7, -74.2, 281944, 5101798
    )
    assert Place.from_dict(json.loads(json.dumps(newark.to_dict()))) == newark


@pytest.mark.parametrize(
    ("change", "message"),
    [({"source": "guess"}, "Unknown place source"), ({"lat": "NaN"}, "finite")],
)
def test_place_from_bad_dict_is_refused(change: dict[str, object], message: str) -> None:
    data = {**Place("X", None, None, None, None, 1.0, 2.0).to_dict(), **change}
    with pytest.raises(ValueError, match=message):
        Place.from_dict(data)


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 0) == 0
    assert math.isclose(haversine_km(0, 0, 0, 180), math.pi * 6371.0088, rel_tol=1e-9)
    assert 3900 < haversine_km(40.71, -74.01, 34.05, -118.24) < 3950  # New York - Los Angeles


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Liège", "liege"),
        ("  LIEGE ", "liege"),
        ("Huai'an", "huaian"),
        ("Huai’an", "huaian"),
        ("Wrocław", "wroclaw"),
        ("Bátonyterenye", "batonyterenye"),
        ("St. Louis", "st louis"),
        ("Winston-Salem", "winston salem"),
        ("上海", "上海"),
        ("Ｔｏｋｙｏ", "tokyo"),
        ("Straße", "strasse"),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key


def test_readings_of_comma_and_trailing_qualifiers() -> None:
    assert readings("Newark, NJ") == [QueryReading("newark", ("nj",))]
    assert readings("Hartford CT") == [
        QueryReading("hartford ct"),
        QueryReading("hartford", ("ct",), strict=True),
    ]
    assert readings("Seattle, WA, USA") == [QueryReading("seattle", ("wa", "usa"))]


def test_readings_drop_remarks_and_split_alternatives() -> None:
    assert readings("Khunjerab Pass (border)")[0] == QueryReading("khunjerab pass")
    assert [r.name for r in readings("Temple City / Alhambra") if not r.strict] == [
        "temple city",
        "alhambra",
    ]
    assert readings(" , ( ) / ") == []


def test_name_variants() -> None:
    assert name_variants("los angeles county") == ["los angeles county", "los angeles"]
    assert name_variants("city of los angeles") == ["city of los angeles", "los angeles"]
    assert name_variants("宁波市") == ["宁波市", "宁波"]


def test_region_keys() -> None:
    assert region_keys("Zhejiang Province") == {"zhejiang province", "zhejiang"}
    assert region_keys("浙江省") == {"浙江省", "浙江"}
