"""Places the city names alone do not find: Chinese addresses and airports, as candidates.

`chinese_places` turns the divisions a Chinese address names into places: a prefecture or a
municipality is answered with its GeoNames city (Hangzhou, Beijing); a county-level unit with
its own centre, or its prefecture's where the data have none; a town named after the last
division (乌镇镇) with that town, when GeoNames knows it nearby. `airport_places` answers codes and
airport names, including Chinese ones (上海浦东国际机场), whose divisions are translated into
the English words of OurAirports' names through GeoNames.
"""

from __future__ import annotations

import sqlite3

from aidregistry.domain.places import Place, haversine_km
from aidregistry.geocoding import airports
from aidregistry.geocoding.chinese import (
    AIRPORT_SUFFIX,
    Division,
    Divisions,
    clean,
    read_divisions,
    town_in,
)
from aidregistry.geocoding.rows import Row, by_name, region_and_country, to_place
from aidregistry.geocoding.text import normalise

CITY_MATCH_KM = 60.0  # a GeoNames city this close to a prefecture's centre is that prefecture
TOWN_KM = 40.0  # a town named after a district must lie this close to it


def load_divisions(db: sqlite3.Connection) -> Divisions:
    """Every division and the names it is written with, from the index."""
    divisions = Divisions()
    for row in db.execute(
        "SELECT code, parent, level, cc, admin1_code, lat, lon, name FROM division"
    ):
        divisions.units[row[0]] = Division(*row)
    for key, code, full in db.execute("SELECT key, code, is_full FROM division_name"):
        divisions.names.setdefault(key, []).append((code, bool(full)))
        divisions.written.setdefault(code, []).append(key)
    return divisions


def chinese_places(db: sqlite3.Connection, divisions: Divisions, text: str) -> list[Place]:
    """Candidates for a Chinese address, or [] when it does not start with a division."""
    reading = read_divisions(divisions, clean(text))
    if reading is None:
        return []
    places: list[Place] = []
    for code in reading.codes:
        town = _town(db, divisions, code, reading.rest)
        places.append(town or _division_place(db, divisions, code))
    return places


def _division_place(db: sqlite3.Connection, divisions: Divisions, code: int) -> Place:
    unit = divisions.units[code]
    if unit.level < 3:
        city = _geonames_city(db, divisions, unit)
        if city is not None:
            return to_place(city)
    point = divisions.point(code) or (0.0, 0.0)
    region, country = region_and_country(db, unit.cc, unit.admin1_code)
    return Place(name=divisions.label(code), admin1=region, admin1_code=unit.admin1_code or None,
                 country_code=unit.cc, country_name=country, lat=point[0], lon=point[1],
                 source="divisions")  # fmt: skip


def _geonames_city(db: sqlite3.Connection, divisions: Divisions, unit: Division) -> Row | None:
    """The GeoNames city a province-level or prefecture-level unit is named after, if any."""
    return _named_after(db, divisions, unit, divisions.point(unit.code))


def _named_after(
    db: sqlite3.Connection, divisions: Divisions, unit: Division, point: tuple[float, float] | None
) -> Row | None:
    """The most populous GeoNames place near the unit with one of its names."""
    found = [
        row
        for name in divisions.written.get(unit.code, [])
        for row in by_name(db, normalise(name))
        if row.cc == unit.cc and (point is None or _km(row, point) <= CITY_MATCH_KM)
    ]
    return max(found, key=lambda r: r.population, default=None)


def _town(db: sqlite3.Connection, divisions: Divisions, code: int, rest: str) -> Place | None:
    name, point = town_in(rest), divisions.point(code)
    if not name or point is None:
        return None
    cc = divisions.units[code].cc
    near = [r for r in by_name(db, normalise(name)) if r.cc == cc and _km(r, point) <= TOWN_KM]
    return to_place(min(near, key=lambda r: _km(r, point))) if near else None


def _km(row: Row, point: tuple[float, float]) -> float:
    return haversine_km(row.lat, row.lon, point[0], point[1])


def names_an_airport_cjk(text: str) -> bool:
    """True when a Chinese place name ends in 机场 (airport)."""
    return AIRPORT_SUFFIX.search(text.strip()) is not None


def airport_places(
    db: sqlite3.Connection, text: str, divisions: Divisions | None = None, *, by_code: bool = False
) -> list[Place]:
    """Airports the text names by name (or only by code); Chinese names need `divisions`."""
    stem = AIRPORT_SUFFIX.sub("", text.strip())
    if by_code:
        found = airports.by_code(db, text.strip())
    elif stem != text.strip() and divisions is not None:
        found = _chinese_airports(db, divisions, stem)
    else:
        found = airports.by_words(db, text)
    return [_airport_place(db, a) for a in found]


def _chinese_airports(
    db: sqlite3.Connection, divisions: Divisions, stem: str
) -> list[airports.Airport]:
    """上海浦东 -> the airports named "Shanghai Pudong ...", else those near 上海市浦东新区."""
    reading = read_divisions(divisions, clean(stem), loose=True)
    if reading is None:
        return []
    code = reading.codes[0]
    chain = [*reversed(divisions.ancestors(code)), divisions.units[code]]
    english = [_english(db, divisions, unit) for unit in chain if unit.level > 1 or len(chain) == 1]
    for words in (english, english[-1:]):
        found = airports.by_words(db, " ".join(w for w in words if w))
        if found and all(words):
            return found
    point = divisions.point(code)
    return airports.near(db, *point) if point else []


def _english(db: sqlite3.Connection, divisions: Divisions, unit: Division) -> str | None:
    """The GeoNames (English) name of the place a division is named after: 浦东新区 -> Pudong."""
    point = divisions.point(unit.code)
    best = _named_after(db, divisions, unit, point)
    return best.name if best else None


def _airport_place(db: sqlite3.Connection, airport: airports.Airport) -> Place:
    region, country = region_and_country(db, airport.cc, airport.admin1_code)
    name = f"{airport.name} ({airport.iata or airport.icao})"
    return Place(name=name, admin1=region, admin1_code=airport.admin1_code or None,
                 country_code=airport.cc, country_name=country, lat=airport.lat, lon=airport.lon,
                 source="airports")  # fmt: skip
