"""Finding airports and cargo hubs by IATA or ICAO code, or by the words of their names.

Shipment legs run through airports, and people name them as they read them on an air waybill:
"PVG", "EBLG", "Liège Airport", "Milan Malpensa", "New York JFK", "Madrid-Barajas". An airport
matches when every word of the query (less words such as "airport" or "international") is one
of its tokens: its name, city, keywords and codes (see `index_sources`). Larger airports with
scheduled service come first.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

from aidregistry.geocoding.text import normalise

# Words that say "an airport" rather than which one.
AIRPORT_WORDS = frozenset({
    "airport", "airports", "aeropuerto", "aeroporto", "aeroport", "aeroporty", "flughafen",
    "luchthaven", "lotnisko", "havalimani", "intl", "international", "internacional",
    "internazionale", "airfield", "cargo", "hub",
})  # fmt: skip
_CODE = re.compile(r"\b[A-Z]{3,4}\b")


class Airport(NamedTuple):
    """One row of the index's airport table."""

    id: int
    iata: str | None
    icao: str
    name: str
    cc: str
    admin1_code: str
    lat: float
    lon: float
    rank: int


_SELECT = (
    "SELECT a.id, a.iata, a.icao, a.name, a.cc, a.admin1_code, a.lat, a.lon, a.rank FROM airport a "
)


def names_an_airport(text: str) -> bool:
    """True when a word of the text says it is an airport ("Liège airport")."""
    return any(word in AIRPORT_WORDS for word in normalise(text).split())


def codes_in(db: sqlite3.Connection, text: str) -> list[str]:
    """The upper-case words of the text that are an airport's IATA or ICAO code ("PVG")."""
    sql = "SELECT 1 FROM airport WHERE iata = ? OR icao = ? LIMIT 1"
    return [w for w in _CODE.findall(text) if db.execute(sql, (w, w)).fetchone() is not None]


def by_code(db: sqlite3.Connection, code: str) -> list[Airport]:
    """The airports whose IATA or ICAO code this is (upper case), larger first."""
    rows = db.execute(_SELECT + "WHERE a.iata = ? OR a.icao = ?", (code, code))
    return sorted((Airport._make(r) for r in rows), key=lambda a: a.rank, reverse=True)


def by_words(db: sqlite3.Connection, text: str) -> list[Airport]:
    """Airports of which every significant word of the text is a token, best first."""
    words = [w for w in dict.fromkeys(normalise(text).split()) if w not in AIRPORT_WORDS]
    if not words:
        return []
    ids: set[int] | None = None
    for word in words:
        found = {row[0] for row in db.execute(
            "SELECT airport_id FROM airport_token WHERE token = ?", (word,))}  # fmt: skip
        ids = found if ids is None else ids & found
        if not ids:
            return []
    return _ranked(db, ids or set(), text)


def near(db: sqlite3.Connection, lat: float, lon: float, degrees: float = 0.6) -> list[Airport]:
    """Airports with scheduled service within about `degrees` of a point, best first."""
    sql = _SELECT + "WHERE a.rank >= 5 AND a.lat BETWEEN ? AND ? AND a.lon BETWEEN ? AND ?"
    box = (lat - degrees, lat + degrees, lon - degrees, lon + degrees)
    rows = [Airport._make(r) for r in db.execute(sql, box)]
    return sorted(rows, key=lambda a: (-a.rank, (a.lat - lat) ** 2 + (a.lon - lon) ** 2))


def _ranked(db: sqlite3.Connection, ids: set[int], text: str) -> list[Airport]:
    # One query per airport: the sets are small (a word or a code matches a few airports).
    rows = [Airport._make(db.execute(_SELECT + "WHERE a.id = ?", (i,)).fetchone()) for i in ids]
    codes = set(_CODE.findall(text))
    # A code written in the query first, then the larger airport with scheduled service.
    return sorted(rows, key=lambda a: (a.iata in codes or a.icao in codes, a.rank), reverse=True)
