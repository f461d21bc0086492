"""The offline gazetteer: demo places, query formats, ranking, hints and reverse lookup."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from aidregistry.domain.places import Geocoder, InvalidCoordinatesError, haversine_km
from aidregistry.geocoding.gazetteer import OfflineGazetteer

TOLERANCE_KM = 25.0

# Every distinct place of the demo data (aidregistry/data/demo_events.csv), with where it is.
# Places written as "A / B" resolve to A; "(remarks)" are ignored; a county resolves to its
# seat. None marks a place the offline data cannot know (a mountain pass is not a city).
DEMO_PLACES: dict[tuple[str, str], tuple[float, float] | None] = {
    ("Addis Ababa", "ET"): (9.03, 38.74),
    ("Annapolis", "US"): (38.98, -76.49),
    ("Atlanta", "US"): (33.75, -84.39),
    ("Batonyterenye", "HU"): (47.99, 19.83),
    ("Beijing", "CN"): (39.90, 116.40),
    ("Belgrade", "RS"): (44.82, 20.46),
    ("Boston", "US"): (42.36, -71.06),
    ("Bra", "IT"): (44.70, 7.85),
    ("Busan", "KR"): (35.18, 129.08),
    ("Calw", "DE"): (48.71, 8.74),
    ("Changsha", "CN"): (28.23, 112.94),
    ("Chicago", "US"): (41.88, -87.63),
    ("Guangzhou", "CN"): (23.13, 113.26),
    ("Hangzhou", "CN"): (30.27, 120.16),
    ("Hangzhou (JMF)", "CN"): (30.27, 120.16),
    ("Houston", "US"): (29.76, -95.37),
    ("Huai'an", "CN"): (33.55, 119.11),
    ("Islamabad", "PK"): (33.69, 73.05),
    ("Jinchang (Yongchang County)", "CN"): (38.52, 102.19),
    ("Karachi", "PK"): (24.86, 67.01),
    ("Khunjerab Pass (border)", "PK"): None,
    ("Lanzhou", "CN"): (36.06, 103.83),
    ("Lima", "PE"): (-12.05, -77.04),
    ("Los Angeles", "US"): (34.05, -118.24),
    ("Los Angeles County", "US"): (34.05, -118.24),
    ("Madrid", "ES"): (40.42, -3.70),
    ("Manila", "PH"): (14.60, 120.98),
    ("Maribor", "SI"): (46.55, 15.65),
    ("Milan", "IT"): (45.46, 9.19),
    ("New York", "US"): (40.71, -74.01),
    ("Oakville", "CA"): (43.45, -79.68),
    ("Pardubice", "CZ"): (50.04, 15.78),
    ("Paris", "FR"): (48.86, 2.35),
    ("Prague", "CZ"): (50.08, 14.44),
    ("Redwood City", "US"): (37.49, -122.24),
    ("Rome", "IT"): (41.90, 12.50),
    ("Salem", "US"): (44.94, -123.04),  # the State of Oregon's capital
    ("San Francisco", "US"): (37.77, -122.42),
    ("Shanghai", "CN"): (31.23, 121.47),
    ("Shenzhen", "CN"): (22.54, 114.06),
    ("Suzhou", "CN"): (31.30, 120.59),  # Jiangsu, Venice's sister city
    ("Temple City / Alhambra", "US"): (34.11, -118.06),
    ("The Hague", "NL"): (52.08, 4.30),
    ("Tokyo", "JP"): (35.68, 139.69),
    ("Turin", "IT"): (45.07, 7.69),
    ("Venice", "IT"): (45.44, 12.33),
    ("Warsaw", "PL"): (52.23, 21.01),
    ("Wenzhou", "CN"): (28.00, 120.67),
    ("Wenzhou / Hangzhou", "CN"): (28.00, 120.67),
    ("Wroclaw", "PL"): (51.11, 17.03),
    ("Zaragoza", "ES"): (41.65, -0.88),
}
NOT_PLACES = {"", "(multiple)", "(various)"}


def _km(place_lat: float, place_lon: float, expected: tuple[float, float]) -> float:
    return haversine_km(place_lat, place_lon, *expected)


def test_the_table_covers_every_place_of_the_demo_data() -> None:
    text = resources.files("aidregistry").joinpath("data/demo_events.csv").read_text("utf-8")
    places = set()
    for row in csv.DictReader(text.splitlines()):
        for side in ("donor", "recipient"):
            place = (row[f"{side}_city"], row[f"{side}_country"])
            if place[0] not in NOT_PLACES:
                places.add(place)
    assert places <= DEMO_PLACES.keys(), places - DEMO_PLACES.keys()


@pytest.mark.parametrize(
    ("city", "country"), [k for k, v in DEMO_PLACES.items() if v is not None], ids=str
)
def test_resolves_demo_place(gazetteer: OfflineGazetteer, city: str, country: str) -> None:
    expected = DEMO_PLACES[(city, country)]
    assert expected is not None
    best = gazetteer.search(city, country_hint=country)[0]
    assert best.country_code == country
    assert _km(best.lat, best.lon, expected) < TOLERANCE_KM


def test_a_mountain_pass_is_not_in_the_city_data(gazetteer: OfflineGazetteer) -> None:
    assert gazetteer.search("Khunjerab Pass (border)", country_hint="PK") == []


@pytest.mark.parametrize(
    ("query", "name", "admin1", "country"),
    [
        ("Newark, NJ", "Newark", "New Jersey", "US"),
        ("Hartford CT", "Hartford", "Connecticut", "US"),
        ("Newark, New Jersey", "Newark", "New Jersey", "US"),
        ("Newark New Jersey", "Newark", "New Jersey", "US"),
        ("Madrid, Spain", "Madrid", None, "ES"),
        ("Milan, IT", "Milan", "Lombardy", "IT"),
        ("Milano", "Milan", "Lombardy", "IT"),
        ("宁波", "Ningbo", "Zhejiang", "CN"),
        ("宁波市", "Ningbo", "Zhejiang", "CN"),
        ("上海", "Shanghai", "Shanghai", "CN"),
        ("杭州", "Hangzhou", "Zhejiang", "CN"),
        ("Liège", "Liège", None, "BE"),
        ("LIEGE", "Liège", None, "BE"),
        ("Ningbo, Zhejiang", "Ningbo", "Zhejiang", "CN"),
        ("Ningbo, Zhejiang Province", "Ningbo", "Zhejiang", "CN"),
        ("Suzhou, Anhui", "Suzhou", "Anhui", "CN"),
        ("Seattle, WA, USA", "Seattle", "Washington", "US"),
        ("Oakville, ON", "Oakville", "Ontario", "CA"),
        ("Paris, Texas", "Paris", "Texas", "US"),
        ("Wrocław", "Wrocław", None, "PL"),
        ("  huai-an  ", "Huai'an", "Jiangsu", "CN"),
        ("City of Los Angeles", "Los Angeles", "California", "US"),
    ],
)
def test_query_formats(
    gazetteer: OfflineGazetteer, query: str, name: str, admin1: str | None, country: str
) -> None:
    best = gazetteer.search(query)[0]
    assert (best.name, best.country_code) == (name, country)
    if admin1 is not None:
        assert best.admin1 == admin1


def test_candidates_carry_labels_for_a_form(gazetteer: OfflineGazetteer) -> None:
    labels = [place.label for place in gazetteer.search("Newark", limit=8)]
    assert labels[0] == "Newark, New Jersey, United States"
    assert len(labels) == 8
    assert len(set(labels)) == len(labels)


def test_ambiguous_name_ranks_the_biggest_exact_match_first(gazetteer: OfflineGazetteer) -> None:
    results = gazetteer.search("Newark", limit=10)
    exact = [p for p in results if p.name == "Newark"]
    assert results[: len(exact)] == exact
    assert [p.population for p in exact] == sorted((p.population for p in exact), reverse=True)
    assert {p.admin1_code for p in exact} >= {"NJ", "OH", "CA", "DE"}


def test_primary_name_beats_a_bigger_alternate_name(gazetteer: OfflineGazetteer) -> None:
    # "York" is an alternate name of nothing bigger here, but "New York" is only an alternate
    # of New York City; an exact primary match ("York", England) must come first for "York".
    york = gazetteer.search("York", limit=5)
    assert all(p.name == "York" for p in york)
    assert york[0].country_code == "GB"


@pytest.mark.parametrize(
    ("query", "hint", "country", "admin1_code"),
    [("York", "US", "US", "PA"), ("Paris", "US", "US", "TX"), ("Suzhou", None, "CN", "04")],
)
def test_country_hint_moves_matching_places_first(
    gazetteer: OfflineGazetteer, query: str, hint: str | None, country: str, admin1_code: str
) -> None:
    results = gazetteer.search(query, country_hint=hint, limit=5)
    assert (results[0].country_code, results[0].admin1_code) == (country, admin1_code)


def test_a_hint_does_not_hide_other_countries(gazetteer: OfflineGazetteer) -> None:
    results = gazetteer.search("Milan", country_hint="US", limit=20)
    assert results[0].country_code == "US"
    assert "IT" in {p.country_code for p in results}


def test_an_explicit_country_filters(gazetteer: OfflineGazetteer) -> None:
    assert {p.country_code for p in gazetteer.search("Milan, Italy", limit=10)} == {"IT"}


@pytest.mark.parametrize("query", ["", "   ", ",,,", "Xqzzyplatz", "Newark, Narnia Province"])
def test_nothing_found_is_an_empty_list(gazetteer: OfflineGazetteer, query: str) -> None:
    results = gazetteer.search(query)
    # An unknown qualifier written after a comma is ignored rather than failing the search.
    assert results == [] or results[0].name == "Newark"


def test_limit(gazetteer: OfflineGazetteer) -> None:
    assert len(gazetteer.search("Springfield", limit=3)) == 3
    assert gazetteer.search("Springfield", limit=0) == []


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (31.23, 121.47, "Shanghai"),
        (40.7357, -74.1724, "Newark"),
        (40.7128, -74.0060, "New York City"),
        (45.4642, 9.19, "Milan"),
        (-33.87, 151.21, "Sydney"),
        (64.84, -147.72, "Fairbanks"),
        (-54.80, -68.30, "Ushuaia"),
    ],
)
def test_reverse(gazetteer: OfflineGazetteer, lat: float, lon: float, name: str) -> None:
    place = gazetteer.reverse(lat, lon)
    assert place is not None
    assert place.name == name


@pytest.mark.parametrize(("lat", "lon"), [(0.0, -150.0), (-89.0, 0.0), (90.0, 180.0)])
def test_reverse_far_from_any_place_is_none(
    gazetteer: OfflineGazetteer, lat: float, lon: float
) -> None:
    assert gazetteer.reverse(lat, lon) is None


def test_reverse_across_the_antimeridian(gazetteer: OfflineGazetteer) -> None:
    # Fiji's Labasa area straddles 180°; a point just east of it must still find it.
    place = gazetteer.reverse(-16.5, -179.99)
    assert place is not None
    assert place.country_code == "FJ"


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (float("nan"), 0.0, "finite"),
        (0.0, float("inf"), "finite"),
        (90.5, 0.0, "between -90 and 90"),
        (0.0, 180.5, "between -180 and 180"),
    ],
)
def test_reverse_rejects_invalid_coordinates(
    gazetteer: OfflineGazetteer, lat: float, lon: float, message: str
) -> None:
    with pytest.raises(InvalidCoordinatesError, match=message):
        gazetteer.reverse(lat, lon)


def test_is_a_geocoder(gazetteer: OfflineGazetteer) -> None:
    assert isinstance(gazetteer, Geocoder)
