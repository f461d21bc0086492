"""Chinese addresses, airports and regional styles: what each candidate is and why."""

from __future__ import annotations

import pytest

from aidregistry.geocoding.chinese import Division, Divisions, read_divisions, town_in
from aidregistry.geocoding.gazetteer import OfflineGazetteer
from aidregistry.geocoding.text import has_cjk, prepare


@pytest.mark.parametrize(
    ("typed", "prepared"),
    [
        ("Ｎｅｗａｒｋ，Ｎ.Ｊ.", "Newark,NJ"),
        ("Washington, D.C.", "Washington, DC"),
        ("杭州市（余杭区）", "杭州市(余杭区)"),
        ("上海、北京", "上海,北京"),
        ("St. Louis, Mo.", "St. Louis, Mo."),
    ],
)
def test_prepare_makes_full_width_forms_ascii_and_joins_initials(typed: str, prepared: str) -> None:
    assert prepare(typed) == prepared


def test_has_cjk() -> None:
    assert has_cjk("Hangzhou, 浙江")
    assert not has_cjk("Liège")


def _divisions() -> Divisions:
    units = [
        Division(330000, None, 1, "CN", "02", 30.27, 120.15, "浙江省"),
        Division(330100, 330000, 2, "CN", "02", 30.25, 120.21, "杭州市"),
        Division(330110, 330100, 3, "CN", "02", None, None, "余杭区"),
        Division(330700, 330000, 2, "CN", "02", 29.08, 119.65, "金华市"),
        Division(330782, 330700, 3, "CN", "02", 29.31, 120.07, "义乌市"),
        Division(110000, None, 1, "CN", "22", 39.90, 116.40, "北京市"),
        Division(110105, 110000, 3, "CN", "22", 39.92, 116.44, "朝阳区"),
        Division(220100, None, 2, "CN", "05", 43.82, 125.32, "长春市"),
        Division(220104, 220100, 3, "CN", "05", 43.83, 125.28, "朝阳区"),
    ]
    divisions = Divisions(units={u.code: u for u in units})
    short = {
        "浙江": 330000,
        "杭州": 330100,
        "余杭": 330110,
        "金华": 330700,
        "义乌": 330782,
        "北京": 110000,
        "朝阳": 110105,
        "长春": 220100,
    }
    for unit in units:
        divisions.names.setdefault(unit.name, []).append((unit.code, True))
    for name, code in short.items():
        divisions.names.setdefault(name, []).append((code, False))
    divisions.names["朝阳"].append((220104, False))
    return divisions


@pytest.mark.parametrize(
    ("text", "codes", "rest"),
    [
        ("浙江省杭州市余杭区", (330110,), ""),
        ("浙江杭州余杭", (330110,), ""),
        ("杭州市余杭区文一西路969号", (330110,), "文一西路969号"),
        ("浙江省义乌市", (330782,), ""),  # the prefecture left out
        ("北京朝阳建国路", (110105,), "建国路"),
        ("朝阳区", (110105, 220104), ""),  # two districts of that name: both are candidates
    ],
)
def test_reads_divisions_run_together(text: str, codes: tuple[int, ...], rest: str) -> None:
    reading = read_divisions(_divisions(), text)
    assert reading is not None
    assert (reading.codes, reading.rest) == (codes, rest)


def test_a_county_needs_its_suffix_at_the_start() -> None:
    # "余杭" alone is also a town's name; only "余杭区" says the district.
    assert read_divisions(_divisions(), "余杭") is None
    reading = read_divisions(_divisions(), "余杭", loose=True)
    assert reading is not None
    assert reading.codes == (330110,)


def test_a_division_without_a_centre_takes_its_parents() -> None:
    divisions = _divisions()
    assert divisions.point(330110) == (30.25, 120.21)
    assert divisions.label(330110) == "杭州市余杭区"


@pytest.mark.parametrize(
    ("rest", "town"),
    [("乌镇镇", "乌镇"), ("仓前街道", "仓前"), ("九龙", "九龙"), ("文一西路969号", None)],
)
def test_town_in_the_rest(rest: str, town: str | None) -> None:
    assert town_in(rest) == town


def test_a_district_is_one_candidate_with_its_region(gazetteer: OfflineGazetteer) -> None:
    (place,) = gazetteer.search("浙江省杭州市萧山区")
    assert place.name == "杭州市萧山区"
    assert (place.admin1, place.country_code, place.source) == ("Zhejiang", "CN", "divisions")


def test_a_prefecture_answers_with_its_geonames_city(gazetteer: OfflineGazetteer) -> None:
    (place,) = gazetteer.search("浙江省杭州市")
    assert (place.name, place.source) == ("Hangzhou", "geonames")


def test_districts_of_the_same_name_are_all_offered(gazetteer: OfflineGazetteer) -> None:
    labels = [p.label for p in gazetteer.search("朝阳区")]
    assert "北京市朝阳区, Beijing, China" in labels
    assert "长春市朝阳区, Jilin, China" in labels


def test_street_and_number_are_ignored(gazetteer: OfflineGazetteer) -> None:
    with_street = gazetteer.search("北京市朝阳区建国路88号")
    assert with_street == gazetteer.search("北京市朝阳区")


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("PVG", "Shanghai Pudong International Airport (PVG), Shanghai, China"),
        ("LGG", "Liège Airport (LGG), Wallonia, Belgium"),
        ("上海浦东国际机场", "Shanghai Pudong International Airport (PVG), Shanghai, China"),
        ("Milan Malpensa", "Malpensa International Airport (MXP), Lombardy, Italy"),
    ],
)
def test_airports_by_code_and_name(gazetteer: OfflineGazetteer, query: str, label: str) -> None:
    place = gazetteer.search(query)[0]
    assert (place.label, place.source) == (label, "airports")


def test_an_airport_code_is_not_a_word(gazetteer: OfflineGazetteer) -> None:
    # "Bra" written as a word is the Italian town, "BRA" in capitals the airport's code.
    assert gazetteer.search("Bra", country_hint="IT")[0].name == "Bra"
    assert gazetteer.search("BRA")[0].source == "airports"


def test_several_airports_of_a_city_are_all_offered(gazetteer: OfflineGazetteer) -> None:
    codes = {p.name.rsplit("(", 1)[1].rstrip(")") for p in gazetteer.search("Milan airport")}
    assert codes >= {"MXP", "LIN", "BGY"}


@pytest.mark.parametrize(
    ("query", "admin1"),
    [
        ("Portland, Ore.", "Oregon"),
        ("Portland, Maine", "Maine"),
        ("Charleston, W.Va.", "West Virginia"),
        ("London, Ont.", "Ontario"),
        ("Washington, D.C.", "District of Columbia"),
    ],
)
def test_newspaper_style_region_abbreviations(
    gazetteer: OfflineGazetteer, query: str, admin1: str
) -> None:
    assert gazetteer.search(query)[0].admin1 == admin1


def test_a_code_that_is_also_a_town(gazetteer: OfflineGazetteer) -> None:
    ulm = gazetteer.search("ULM")  # New Ulm's airport, and Ulm (a city): the form asks
    assert ulm[0].source == "airports"
    assert "Ulm" in [p.name for p in ulm]
    assert [p.source for p in gazetteer.search("MAD")] == ["airports"]  # not the village Mád
    assert "Bra" in [p.name for p in gazetteer.search("BRA", country_hint="IT")]
    assert gazetteer.search("LIMA")[0].name == "Lima"  # an ICAO code comes after the city
