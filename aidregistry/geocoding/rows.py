"""Rows of the gazetteer index as `Place` values: GeoNames places, divisions, airports.

Shared by the readers of `gazetteer` (cities), `chinese` addresses and `airports`.
Data: GeoNames (CC BY 4.0), Vonng/adcode (CC BY 4.0), OurAirports (public domain).
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from aidregistry.domain.places import Place

_SELECT = """
SELECT p.id, p.name, p.cc, p.admin1_code, p.lat, p.lon, p.population,
       a.name, c.name, {extra}
FROM {source}
LEFT JOIN admin1 a ON a.cc = p.cc AND a.code = p.admin1_code
LEFT JOIN country c ON c.cc = p.cc
"""
BY_NAME = (
    _SELECT.format(extra="n.is_primary", source="name n JOIN place p ON p.id = n.place_id")
    + "WHERE n.key = ?"
)
IN_BOX = _SELECT.format(extra="0", source="place p") + (
    "WHERE p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?"
)  # fmt: skip


class Row(NamedTuple):
    """A GeoNames place with its region and country names."""

    geonameid: int
    name: str
    cc: str
    admin1_code: str
    lat: float
    lon: float
    population: int
    admin1: str | None
    country: str | None
    is_primary: int


def by_name(db: sqlite3.Connection, key: str) -> list[Row]:
    """The GeoNames places with this normalised name (primary or alternate)."""
    return [Row._make(r) for r in db.execute(BY_NAME, (key,))]


def to_place(row: Row) -> Place:
    """A GeoNames row as a `Place`."""
    return Place(
        name=row.name,
        admin1=row.admin1 or None,
        admin1_code=row.admin1_code or None,
        country_code=row.cc,
        country_name=row.country or None,
        lat=row.lat,
        lon=row.lon,
        population=row.population,
        geonameid=row.geonameid,
        source="geonames",
    )


def region_and_country(
    db: sqlite3.Connection, cc: str, admin1_code: str
) -> tuple[str | None, str | None]:
    """The names of a region (GeoNames admin1) and of its country, where known."""
    region = db.execute(
        "SELECT name FROM admin1 WHERE cc = ? AND code = ?", (cc, admin1_code)
    ).fetchone()
    country = db.execute("SELECT name FROM country WHERE cc = ?", (cc,)).fetchone()
    return (region[0] if region else None), (country[0] if country else None)
