"""Synthetic matching instances for the benchmark: 15 items, hubs, local donors, deadlines.

Offers: ~82 % from 30 origin hubs (identical coordinates per hub, as geocoding gives), the rest
local donations in destination cities. Needs: ~200 destination cities in 25 countries.
Heavy-tailed lognormal quantities, priorities 1–4 with deadlines by priority, available-from
days 0–21, certificate requirements, dated substitutions and mixed transport modes.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from aidregistry.domain.certification import Equivalence, Standard
from aidregistry.domain.matching import Mode, Need, Offer, Policy

RUN_DATE = date(2020, 4, 15)
# item → (share of rows, supply/demand ratio, [(standard, certificates, market)])
# market: "US" standards are accepted in the US, "EU" in Europe, "CN" where the item is asked
# for by that standard, "*" everywhere.
ITEMS: dict[str, tuple[float, float, list[tuple[str, frozenset[str], str]]]] = {
    "RESP_N95": (0.14, 0.45, [("NIOSH-N95", frozenset({"NIOSH"}), "US")]),
    "RESP_KN95": (0.10, 1.5, [("GB2626-KN95", frozenset({"NMPA"}), "CN")]),
    "RESP_FFP2": (0.10, 0.7, [("EN149-FFP2", frozenset({"CE"}), "EU")]),
    "RESP_FFP3": (0.04, 0.6, [("EN149-FFP3", frozenset({"CE"}), "EU")]),
    "MASK_SURG": (0.12, 1.2, [("ASTM-F2100", frozenset({"FDA_510K"}), "US"),
                              ("EN14683-IIR", frozenset({"CE"}), "EU"),
                              ("YY0469", frozenset({"NMPA"}), "CN")]),
    "GLOVE_EXAM": (0.10, 1.1, [("ASTM-D6319", frozenset({"FDA_510K"}), "US"),
                               ("EN455", frozenset({"CE"}), "EU")]),
    "GOWN_ISO": (0.07, 0.8, [("AAMI-PB70", frozenset({"FDA_510K"}), "US"),
                             ("EN13795", frozenset({"CE"}), "EU")]),
    "COVERALL": (0.06, 0.9, [("GB19082", frozenset({"NMPA"}), "CN"),
                             ("EN14126", frozenset({"CE"}), "EU")]),
    "FACE_SHIELD": (0.05, 1.3, [("ANSI-Z87", frozenset(), "US"), ("EN166", frozenset(), "EU")]),
    "GOGGLES": (0.04, 1.0, [("GB14866", frozenset({"NMPA"}), "CN"),
                            ("EN166-G", frozenset({"CE"}), "EU")]),
    "THERM_IR": (0.04, 1.4, [("ISO80601-2-56", frozenset(), "*")]),
    "VENT_INV": (0.02, 0.5, [("VENT-EUA", frozenset({"FDA_EUA"}), "US"),
                             ("VENT-CE", frozenset({"CE"}), "EU")]),
    "TEST_PCR": (0.06, 0.8, [("PCR-EUA", frozenset({"FDA_EUA"}), "US"),
                             ("PCR-IVD", frozenset({"CE"}), "EU")]),
    "TEST_AB": (0.03, 1.2, [("AB-EUA", frozenset({"FDA_EUA"}), "*")]),
    "SWAB_VTM": (0.03, 1.0, [("SWAB", frozenset(), "*")]),
}
MEDIAN_QTY = {"VENT_INV": 20, "TEST_PCR": 2000, "THERM_IR": 500}
EQUIVALENCES = (
    Equivalence("NIOSH-N95", "GB2626-KN95", "US", date(2020, 4, 3), date(2020, 10, 15),
                frozenset({"FDA_EUA"}), "KN95 under the FDA EUA of 3 April 2020 (Appendix A)"),
    Equivalence("NIOSH-N95", "EN149-FFP2", "US", date(2020, 3, 28), None, frozenset(),
                "FFP2 under the FDA EUA of 28 March 2020"),
    Equivalence("EN149-FFP2", "GB2626-KN95", "*", date(2020, 3, 13), None, frozenset({"CE"}),
                "KN95 accepted under Recommendation (EU) 2020/403"),
    Equivalence("EN149-FFP2", "NIOSH-N95", "*", date(2020, 3, 13), None, frozenset(),
                "N95 accepted under Recommendation (EU) 2020/403"),
    Equivalence("EN14683-IIR", "YY0469", "*", date(2020, 3, 13), None, frozenset({"CE"}),
                "YY 0469 surgical masks with CE marking"),
    Equivalence("EN14126", "GB19082", "*", date(2020, 3, 13), None, frozenset({"CE"}),
                "GB 19082 protective clothing with CE marking"),
)
# Origin hubs: China and Asia (30), as (lat, lon).
HUBS = [
    (31.23, 121.47), (22.54, 114.06), (23.13, 113.26), (30.59, 114.31), (39.90, 116.41),
    (30.27, 120.16), (32.06, 118.80), (29.56, 106.55), (30.57, 104.07), (36.07, 120.38),
    (24.48, 118.09), (39.13, 117.20), (34.26, 108.94), (28.23, 112.94), (26.07, 119.30),
    (38.04, 114.51), (36.65, 117.12), (31.82, 117.23), (22.82, 108.32), (25.04, 102.71),
    (37.57, 126.98), (35.68, 139.69), (1.35, 103.82), (13.76, 100.50), (10.82, 106.63),
    (19.08, 72.88), (28.61, 77.21), (41.01, 28.98), (25.20, 55.27), (3.14, 101.69),
]
# Destination countries: (ISO code, market, number of cities, lat range, lon range).
COUNTRIES = [
    ("US", "US", 60, (29, 47), (-122, -71)), ("IT", "EU", 18, (38, 46), (8, 16)),
    ("ES", "EU", 14, (37, 43), (-8, 2)), ("FR", "EU", 14, (43, 50), (-1, 7)),
    ("DE", "EU", 12, (48, 54), (7, 14)), ("GB", "EU", 8, (51, 56), (-4, 1)),
    ("NL", "EU", 4, (51, 53), (4, 7)), ("BE", "EU", 3, (50, 51), (3, 6)),
    ("PL", "EU", 4, (50, 54), (15, 23)), ("RS", "*", 3, (43, 46), (19, 22)),
    ("NG", "*", 6, (6, 12), (3, 9)), ("KE", "*", 4, (-4, 1), (35, 40)),
    ("ZA", "*", 5, (-34, -25), (18, 31)), ("ET", "*", 4, (6, 13), (36, 42)),
    ("EG", "*", 3, (26, 31), (29, 33)), ("GH", "*", 3, (5, 9), (-3, 0)),
    ("CD", "*", 3, (-5, 1), (15, 28)), ("SN", "*", 2, (13, 16), (-17, -13)),
    ("BR", "*", 8, (-30, -3), (-55, -35)), ("MX", "*", 6, (17, 30), (-110, -90)),
    ("PE", "*", 3, (-16, -4), (-80, -70)), ("CL", "*", 2, (-40, -20), (-72, -70)),
    ("PK", "*", 3, (24, 34), (67, 74)), ("IR", "*", 3, (27, 37), (48, 58)),
    ("PH", "*", 4, (7, 18), (120, 125)),
]
MODE_SETS = [
    frozenset({Mode.AIR}), frozenset({Mode.SEA}), frozenset({Mode.AIR, Mode.SEA}),
    frozenset({Mode.RAIL, Mode.ROAD}), frozenset({Mode.AIR, Mode.SEA, Mode.RAIL, Mode.ROAD}),
]
LOCAL_MODE_SETS = [frozenset({Mode.ROAD}), frozenset({Mode.ROAD, Mode.AIR}),
                   frozenset({Mode.ROAD, Mode.RAIL})]
DEADLINES = {1: (5, 21), 2: (10, 45), 3: (20, 75), 4: (30, 120)}


def standards() -> dict[str, Standard]:
    """The standards table of the synthetic catalogue."""
    return {code: Standard(code, item, certs)
            for item, (_, _, stds) in ITEMS.items() for code, certs, _ in stds}


def _cities(rng: np.random.Generator) -> list[tuple[float, float, str, str]]:
    out = []
    for code, market, count, (la0, la1), (lo0, lo1) in COUNTRIES:
        lat = np.round(rng.uniform(la0, la1, count), 2)
        lon = np.round(rng.uniform(lo0, lo1, count), 2)
        out += [(float(a), float(b), code, market) for a, b in zip(lat, lon, strict=True)]
    return out


def _accepted(item: str, market: str) -> frozenset[str]:
    stds = ITEMS[item][2]
    mine = [code for code, _, mk in stds if mk in (market, "*")]
    return frozenset(mine or [code for code, _, _ in stds])


def _quantities(rng: np.random.Generator, item: str, n: int, scale: float) -> list[int]:
    median = MEDIAN_QTY.get(item, 2500) * scale
    q = rng.lognormal(np.log(median), 1.7, n)
    return np.clip(np.rint(q), 1, 2_000_000).astype(int).tolist()


def generate(
    n_offers: int, n_needs: int, seed: int = 1
) -> tuple[list[Offer], list[Need], dict[str, Standard], tuple[Equivalence, ...], Policy]:
    """A reproducible instance with ``n_offers`` offers and ``n_needs`` needs."""
    rng = np.random.default_rng(seed)
    cities = _cities(rng)
    shares = np.array([v[0] for v in ITEMS.values()])
    items = list(ITEMS)
    needs = _needs(rng, n_needs, items, shares / shares.sum(), cities)
    offers = _offers(rng, n_offers, items, shares / shares.sum(), cities)
    return offers, needs, standards(), EQUIVALENCES, Policy(run_date=RUN_DATE)


def _needs(rng: np.random.Generator, n: int, items: list[str], p: np.ndarray,
           cities: list[tuple[float, float, str, str]]) -> list[Need]:
    which = rng.choice(len(items), n, p=p)
    weights = np.array([1.0 + (c[2] in {"NG", "KE", "ZA", "ET", "CD"}) * 0.3 for c in cities])
    where = rng.choice(len(cities), n, p=weights / weights.sum())
    prio = rng.choice([1, 2, 3, 4], n, p=[0.1, 0.25, 0.35, 0.3])
    out = []
    for k in range(n):
        item, (lat, lon, code, market) = items[which[k]], cities[where[k]]
        lo, hi = DEADLINES[int(prio[k])]
        qty = _quantities(rng, item, 1, 1.0)[0]
        out.append(Need(f"n{k}", item, qty, _accepted(item, market), code, int(prio[k]),
                        RUN_DATE + timedelta(days=int(rng.integers(lo, hi + 1))), lat, lon))
    return out


def _offers(rng: np.random.Generator, n: int, items: list[str], p: np.ndarray,
            cities: list[tuple[float, float, str, str]]) -> list[Offer]:
    which = rng.choice(len(items), n, p=p)
    local = rng.random(n) < 0.18
    out = []
    for k in range(n):
        item = items[which[k]]
        code, certs, _ = ITEMS[item][2][int(rng.integers(len(ITEMS[item][2])))]
        extra = {c for c, pr in (("FDA_EUA", 0.35), ("CE", 0.3), ("NMPA", 0.3)) if
                 rng.random() < pr}
        have = (certs if rng.random() < 0.95 else frozenset()) | frozenset(extra)
        if local[k]:
            lat, lon, _, _ = cities[int(rng.integers(len(cities)))]
            modes = LOCAL_MODE_SETS[int(rng.integers(len(LOCAL_MODE_SETS)))]
        else:
            lat, lon = HUBS[int(rng.integers(len(HUBS)))]
            modes = MODE_SETS[int(rng.integers(len(MODE_SETS)))]
        ratio = ITEMS[item][1]
        qty = _quantities(rng, item, 1, ratio)[0]
        avail = RUN_DATE + timedelta(days=int(rng.integers(0, 22)))
        expires = (avail + timedelta(days=int(rng.integers(20, 120)))
                   if rng.random() < 0.1 else None)
        out.append(Offer(f"o{k}", item, qty, code, have, lat, lon, avail, modes, expires))
    return out
