"""Matching benchmark: AidRegistry's exact solver, a greedy baseline, OR-Tools on the full graph.

Run: ``python benchmarks/matching.py --sizes 1k,10k,100k`` (prints a table; never pass/fail).
Every method runs in a fresh subprocess of this script, which reports wall time and the peak
RSS (VmHWM, reset after the instance is built, so it measures the method, plus the absolute
peak) as one JSON line.

Instances (fixed seed): 15 item types; ~82 % of offers from 30 origin hubs (identical
coordinates per hub, as geocoding gives), the rest local donations in ~200 destination cities
in 25 countries; heavy-tailed lognormal quantities; priorities 1–4 with deadlines by priority;
available-from days 0–21; 10 % of offers expire; certificate requirements; dated
substitutions (KN95 for N95 in the US, …); mixed transport modes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
    "MASK_SURG": (
        0.12,
        1.2,
        [
            ("ASTM-F2100", frozenset({"FDA_510K"}), "US"),
            ("EN14683-IIR", frozenset({"CE"}), "EU"),
            ("YY0469", frozenset({"NMPA"}), "CN"),
        ],
    ),
    "GLOVE_EXAM": (
        0.10,
        1.1,
        [("ASTM-D6319", frozenset({"FDA_510K"}), "US"), ("EN455", frozenset({"CE"}), "EU")],
    ),
    "GOWN_ISO": (
        0.07,
        0.8,
        [("AAMI-PB70", frozenset({"FDA_510K"}), "US"), ("EN13795", frozenset({"CE"}), "EU")],
    ),
    "COVERALL": (
        0.06,
        0.9,
        [("GB19082", frozenset({"NMPA"}), "CN"), ("EN14126", frozenset({"CE"}), "EU")],
    ),
    "FACE_SHIELD": (0.05, 1.3, [("ANSI-Z87", frozenset(), "US"), ("EN166", frozenset(), "EU")]),
    "GOGGLES": (
        0.04,
        1.0,
        [("GB14866", frozenset({"NMPA"}), "CN"), ("EN166-G", frozenset({"CE"}), "EU")],
    ),
    "THERM_IR": (0.04, 1.4, [("ISO80601-2-56", frozenset(), "*")]),
    "VENT_INV": (
        0.02,
        0.5,
        [("VENT-EUA", frozenset({"FDA_EUA"}), "US"), ("VENT-CE", frozenset({"CE"}), "EU")],
    ),
    "TEST_PCR": (
        0.06,
        0.8,
        [("PCR-EUA", frozenset({"FDA_EUA"}), "US"), ("PCR-IVD", frozenset({"CE"}), "EU")],
    ),
    "TEST_AB": (0.03, 1.2, [("AB-EUA", frozenset({"FDA_EUA"}), "*")]),
    "SWAB_VTM": (0.03, 1.0, [("SWAB", frozenset(), "*")]),
}
MEDIAN_QTY = {"VENT_INV": 20, "TEST_PCR": 2000, "THERM_IR": 500}
EQUIVALENCES = (
    Equivalence(
        "NIOSH-N95",
        "GB2626-KN95",
        "US",
        date(2020, 4, 3),
        date(2020, 10, 15),
        frozenset({"FDA_EUA"}),
        "KN95 under the FDA EUA of 3 April 2020 (Appendix A)",
    ),
    Equivalence(
        "NIOSH-N95",
        "EN149-FFP2",
        "US",
        date(2020, 3, 28),
        None,
        frozenset(),
        "FFP2 under the FDA EUA of 28 March 2020",
    ),
    Equivalence(
        "EN149-FFP2",
        "GB2626-KN95",
        "*",
        date(2020, 3, 13),
        None,
        frozenset({"CE"}),
        "KN95 accepted under Recommendation (EU) 2020/403",
    ),
    Equivalence(
        "EN149-FFP2",
        "NIOSH-N95",
        "*",
        date(2020, 3, 13),
        None,
        frozenset(),
        "N95 accepted under Recommendation (EU) 2020/403",
    ),
    Equivalence(
        "EN14683-IIR",
        "YY0469",
        "*",
        date(2020, 3, 13),
        None,
        frozenset({"CE"}),
        "YY 0469 surgical masks with CE marking",
    ),
    Equivalence(
        "EN14126",
        "GB19082",
        "*",
        date(2020, 3, 13),
        None,
        frozenset({"CE"}),
        "GB 19082 protective clothing with CE marking",
    ),
)
# Origin hubs: China and Asia (30), as (lat, lon).
HUBS = [
    (31.23, 121.47),
    (22.54, 114.06),
    (23.13, 113.26),
    (30.59, 114.31),
    (39.90, 116.41),
    (30.27, 120.16),
    (32.06, 118.80),
    (29.56, 106.55),
    (30.57, 104.07),
    (36.07, 120.38),
    (24.48, 118.09),
    (39.13, 117.20),
    (34.26, 108.94),
    (28.23, 112.94),
    (26.07, 119.30),
    (38.04, 114.51),
    (36.65, 117.12),
    (31.82, 117.23),
    (22.82, 108.32),
    (25.04, 102.71),
    (37.57, 126.98),
    (35.68, 139.69),
    (1.35, 103.82),
    (13.76, 100.50),
    (10.82, 106.63),
    (19.08, 72.88),
    (28.61, 77.21),
    (41.01, 28.98),
    (25.20, 55.27),
    (3.14, 101.69),
]
# Destination countries: (ISO code, market, number of cities, lat range, lon range).
COUNTRIES = [
    ("US", "US", 60, (29, 47), (-122, -71)),
    ("IT", "EU", 18, (38, 46), (8, 16)),
    ("ES", "EU", 14, (37, 43), (-8, 2)),
    ("FR", "EU", 14, (43, 50), (-1, 7)),
    ("DE", "EU", 12, (48, 54), (7, 14)),
    ("GB", "EU", 8, (51, 56), (-4, 1)),
    ("NL", "EU", 4, (51, 53), (4, 7)),
    ("BE", "EU", 3, (50, 51), (3, 6)),
    ("PL", "EU", 4, (50, 54), (15, 23)),
    ("RS", "*", 3, (43, 46), (19, 22)),
    ("NG", "*", 6, (6, 12), (3, 9)),
    ("KE", "*", 4, (-4, 1), (35, 40)),
    ("ZA", "*", 5, (-34, -25), (18, 31)),
    ("ET", "*", 4, (6, 13), (36, 42)),
    ("EG", "*", 3, (26, 31), (29, 33)),
    ("GH", "*", 3, (5, 9), (-3, 0)),
    ("CD", "*", 3, (-5, 1), (15, 28)),
    ("SN", "*", 2, (13, 16), (-17, -13)),
    ("BR", "*", 8, (-30, -3), (-55, -35)),
    ("MX", "*", 6, (17, 30), (-110, -90)),
    ("PE", "*", 3, (-16, -4), (-80, -70)),
    ("CL", "*", 2, (-40, -20), (-72, -70)),
    ("PK", "*", 3, (24, 34), (67, 74)),
    ("IR", "*", 3, (27, 37), (48, 58)),
    ("PH", "*", 4, (7, 18), (120, 125)),
]
MODE_SETS = [
    frozenset({Mode.AIR}),
    frozenset({Mode.SEA}),
    frozenset({Mode.AIR, Mode.SEA}),
    frozenset({Mode.RAIL, Mode.ROAD}),
    frozenset({Mode.AIR, Mode.SEA, Mode.RAIL, Mode.ROAD}),
]
LOCAL_MODE_SETS = [
    frozenset({Mode.ROAD}),
    frozenset({Mode.ROAD, Mode.AIR}),
    frozenset({Mode.ROAD, Mode.RAIL}),
]
DEADLINES = {1: (5, 21), 2: (10, 45), 3: (20, 75), 4: (30, 120)}


def standards() -> dict[str, Standard]:
    """The standards table of the synthetic catalogue."""
    return {
        code: Standard(code, item, certs)
        for item, (_, _, stds) in ITEMS.items()
        for code, certs, _ in stds
    }


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


def _needs(
    rng: np.random.Generator,
    n: int,
    items: list[str],
    p: np.ndarray,
    cities: list[tuple[float, float, str, str]],
) -> list[Need]:
    which = rng.choice(len(items), n, p=p)
    weights = np.array([1.0 + (c[2] in {"NG", "KE", "ZA", "ET", "CD"}) * 0.3 for c in cities])
    where = rng.choice(len(cities), n, p=weights / weights.sum())
    prio = rng.choice([1, 2, 3, 4], n, p=[0.1, 0.25, 0.35, 0.3])
    out = []
    for k in range(n):
        item, (lat, lon, code, market) = items[which[k]], cities[where[k]]
        lo, hi = DEADLINES[int(prio[k])]
        qty = _quantities(rng, item, 1, 1.0)[0]
        out.append(
            Need(
                f"n{k}",
                item,
                qty,
                _accepted(item, market),
                code,
                int(prio[k]),
                RUN_DATE + timedelta(days=int(rng.integers(lo, hi + 1))),
                lat,
                lon,
            )
        )
    return out


def _offers(
    rng: np.random.Generator,
    n: int,
    items: list[str],
    p: np.ndarray,
    cities: list[tuple[float, float, str, str]],
) -> list[Offer]:
    which = rng.choice(len(items), n, p=p)
    local = rng.random(n) < 0.18
    out = []
    for k in range(n):
        item = items[which[k]]
        code, certs, _ = ITEMS[item][2][int(rng.integers(len(ITEMS[item][2])))]
        extra = {
            c for c, pr in (("FDA_EUA", 0.35), ("CE", 0.3), ("NMPA", 0.3)) if rng.random() < pr
        }
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
        expires = avail + timedelta(days=int(rng.integers(20, 120))) if rng.random() < 0.1 else None
        out.append(Offer(f"o{k}", item, qty, code, have, lat, lon, avail, modes, expires))
    return out


# --- methods -------------------------------------------------------------------------------


def _place_km(prep: Any) -> np.ndarray:
    from aidregistry.domain.geo import km_matrix

    return km_matrix(prep.place_lat, prep.place_lon, prep.place_lat, prep.place_lon)


def run_aidregistry(inst: tuple[Any, ...], out: dict[str, Any]) -> tuple[int, int]:
    """AidRegistry's exact solver; the certificate is checked afterwards (timed apart)."""
    from aidregistry.domain.matching import check_certificate, solve

    t, cpu = time.perf_counter(), _cpu_s()
    result = solve(*inst)
    out["solve_s"] = time.perf_counter() - t
    out["solve_cpu_s"] = _cpu_s() - cpu
    out["stats"] = result.stats
    out["peak_solve_mib"] = _peak_mib()
    t = time.perf_counter()
    report = check_certificate(*inst, result.allocations, result.certificate)
    out["check_s"] = time.perf_counter() - t
    out["check_ok"], out["gap"] = report.ok, report.gap
    out["problems"] = list(report.problems)[:3]
    return result.totals.weighted_coverage, result.totals.transport_cost


def run_greedy(inst: tuple[Any, ...], out: dict[str, Any]) -> tuple[int, int]:
    """Needs by (priority, needed_by, id); each takes from the nearest feasible offer left."""
    from aidregistry.domain.matching.costs import best_routes
    from aidregistry.domain.matching.prepare import class_compatibility, prepare

    offers, needs, standards, equivalences, policy = inst
    prep = prepare(offers, needs, standards, equivalences, policy)
    compat = class_compatibility(prep, standards, equivalences)
    km_of = _place_km(prep)
    left = prep.o_supply.copy()
    candidates = {
        c: np.flatnonzero(compat[prep.o_class, c] & (left > 0))
        for c in range(len(prep.need_classes))
    }
    order = sorted(
        range(len(needs)), key=lambda j: (needs[j].priority, needs[j].needed_by, needs[j].id)
    )
    cover = cost = 0
    for j in order:
        cand = candidates[int(prep.n_class[j])]
        cand = cand[left[cand] > 0]
        km = km_of[prep.o_place[cand], prep.n_place[j]]
        unit, _, _ = best_routes(
            km,
            prep.o_start[cand],
            prep.o_expiry[cand],
            prep.o_modes[cand],
            prep.n_deadline[j],
            policy,
        )
        ok = unit >= 0
        want = int(prep.n_demand[j])
        for k in np.argsort(km[ok], kind="stable").tolist():
            if want == 0:
                break
            i = int(cand[ok][k])
            q = min(want, int(left[i]))
            left[i] -= q
            want -= q
            cover += q * int(prep.n_weight[j])
            cost += q * int(unit[ok][k])
    return cover, cost


def run_full_graph(inst: tuple[Any, ...], out: dict[str, Any]) -> tuple[int, int]:
    """OR-Tools min-cost flow, two phases, on every feasible offer × need pair."""
    from ortools.graph.python import min_cost_flow

    from aidregistry.domain.matching.costs import best_routes
    from aidregistry.domain.matching.prepare import class_compatibility, prepare

    offers, needs, standards, equivalences, policy = inst
    prep = prepare(offers, needs, standards, equivalences, policy)
    compat = class_compatibility(prep, standards, equivalences)
    km_of = _place_km(prep)
    tails, heads, costs = [], [], []
    for oc, nc in zip(*np.nonzero(compat), strict=True):
        oi = np.flatnonzero((prep.o_class == oc) & (prep.o_supply > 0))
        nj = np.flatnonzero((prep.n_class == nc) & (prep.n_demand > 0))
        for lo in range(0, oi.size, 512):
            rows = oi[lo : lo + 512]
            km = km_of[prep.o_place[rows][:, None], prep.n_place[nj][None, :]]
            unit, _, _ = best_routes(
                km,
                prep.o_start[rows][:, None],
                prep.o_expiry[rows][:, None],
                prep.o_modes[rows][:, None],
                prep.n_deadline[nj][None, :],
                policy,
            )
            r, c = np.nonzero(unit >= 0)
            tails.append(rows[r])
            heads.append(nj[c])
            costs.append(unit[r, c])
    tail, head, cost = (np.concatenate(x) for x in (tails, heads, costs))
    out["arcs"] = int(tail.size)
    n_o, n_n = prep.n_offers, prep.n_needs
    weights = np.unique(prep.n_weight)[::-1]
    level = np.searchsorted(-weights, -prep.n_weight)
    x = n_o + n_n
    big = int(prep.o_supply.sum() + prep.n_demand.sum() + 1)

    def phase(
        pair_cost: np.ndarray, src: np.ndarray, unmet: np.ndarray, extra: list[int]
    ) -> tuple[int, np.ndarray]:
        s = min_cost_flow.SimpleMinCostFlow()
        t = np.concatenate([tail, np.arange(n_o), src]).astype(np.int32)
        h = np.concatenate([head + n_o, np.full(n_o, x), np.arange(n_n) + n_o]).astype(np.int32)
        c = np.concatenate([pair_cost, np.zeros(n_o, np.int64), unmet]).astype(np.int64)
        arcs = s.add_arcs_with_capacity_and_unit_cost(t, h, np.full(t.size, big, np.int64), c)
        supply = np.concatenate([prep.o_supply, -prep.n_demand, extra]).astype(np.int64)
        s.set_nodes_supplies(np.arange(supply.size, dtype=np.int32), supply)
        if s.solve() != s.OPTIMAL:
            raise RuntimeError("OR-Tools did not find an optimum")
        return int(s.optimal_cost()), np.asarray(s.flows(arcs))[tail.size + n_o :]

    balance = int(prep.n_demand.sum() - prep.o_supply.sum())
    _, unmet = phase(np.zeros_like(cost), np.full(n_n, x), prep.n_weight, [balance])
    unc = np.bincount(level, weights=unmet, minlength=weights.size).astype(np.int64)
    covered = int(prep.n_demand.sum() - unc.sum())
    transport, _ = phase(
        cost,
        x + 1 + level,
        np.zeros(n_n, np.int64),
        [covered - int(prep.o_supply.sum()), *unc.tolist()],
    )
    return int((prep.n_weight * (prep.n_demand - unmet)).sum()), transport


def run_suggest(inst: tuple[Any, ...], out: dict[str, Any]) -> tuple[int, int]:
    """Build the suggestion index, then time single top-5 queries both ways."""
    from aidregistry.domain.matching.suggest import SuggestionIndex

    offers, needs, standards, equivalences, policy = inst
    t = time.perf_counter()
    index = SuggestionIndex(offers, needs, standards, equivalences, policy)
    out["build_s"] = time.perf_counter() - t
    rng = np.random.default_rng(7)
    for name, records, query in (
        ("offers_for_need", needs, index.best_offers),
        ("needs_for_offer", offers, index.best_needs),
    ):
        times = []
        for k in rng.integers(0, len(records), 500).tolist():
            t = time.perf_counter()
            query(records[k], 5)
            times.append(time.perf_counter() - t)
        out[f"{name}_p50_ms"] = float(np.percentile(times, 50) * 1e3)
        out[f"{name}_p95_ms"] = float(np.percentile(times, 95) * 1e3)
    return 0, 0


METHODS: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], tuple[int, int]]] = {
    "aidregistry": run_aidregistry,
    "greedy": run_greedy,
    "ortools_full": run_full_graph,
    "suggest": run_suggest,
}


# --- measurement ---------------------------------------------------------------------------


def _status(field: str) -> float:
    """A VmXXX field of /proc/self/status in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    """Reset the kernel's RSS high-water mark of this process (Linux: clear_refs = 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _cpu_s() -> float:
    """User + system CPU seconds of this process and its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mib() -> float:
    return _status("VmHWM")


def worker(method: str, n: int, seed: int) -> None:
    """Run one method on one instance and print one JSON line."""
    import ortools.graph.python.min_cost_flow  # noqa: F401

    import aidregistry.domain.matching.suggest  # noqa: F401 - imports are not the method's time

    inst = generate(n, n, seed)
    out: dict[str, Any] = {"method": method, "n": n, "rss_instance_mib": _status("VmRSS")}
    out["peak_reset"] = _reset_peak()
    cpu = _cpu_s()
    t = time.perf_counter()
    cover, cost = METHODS[method](inst, out)
    # CPU seconds (this process and its workers) are robust to other jobs on a shared host.
    out["cpu_s"] = _cpu_s() - cpu
    # The wall time of the solver excludes its certificate check, which is reported apart.
    out["wall_s"] = out.get("solve_s", time.perf_counter() - t)
    out["peak_mib"] = _peak_mib()
    # Worker processes (parallel components) are forked children: their own high-water mark.
    out["children_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out["weighted_coverage"], out["transport_cost"] = cover, cost
    print(json.dumps(out))


def measure(method: str, n: int, seed: int, timeout: float) -> dict[str, Any]:
    """One fresh subprocess per measurement."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [sys.executable, __file__, "--worker", method, "--n", str(n), "--seed", str(seed)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"method": method, "n": n, "error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"method": method, "n": n, "error": done.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def _row(r: dict[str, Any], best: dict[str, Any] | None) -> str:
    if "error" in r:
        return f"| {r['n']:,} | {r['method']} | – | – | – | – | {r['error']} |"
    gap = "–"
    if best is not None and r["method"] not in ("aidregistry", "suggest"):
        dc = (r["weighted_coverage"] - best["weighted_coverage"]) / best["weighted_coverage"]
        dt = (r["transport_cost"] - best["transport_cost"]) / best["transport_cost"]
        gap = f"coverage {dc * 100:+.3f} %, transport {dt * 100:+.2f} %"
    note = ""
    if r["method"] == "aidregistry":
        s = r["stats"]
        note = (
            f"certificate {'OK' if r['check_ok'] else 'FAILED'} (gap {r['gap']:.1e}, "
            f"check {r['check_s']:.1f} s); {s['transport_arcs']:,.0f} transport arcs, "
            f"{s['components']:.0f} components in {s['families']:.0f} families; "
            f"families built and solved in {s['solve_s']:.2f} s, early ones' allocations "
            f"written meanwhile (summed over families: "
            f"builds {s['build_s']:.2f} s, flows {s['flows_s']:.2f} s); "
            f"peak before check {r['peak_solve_mib']:.0f} MiB, "
            f"largest worker process {r.get('children_peak_mib', 0):.0f} MiB"
        )
    elif r["method"] == "suggest":
        note = (
            f"index {r['build_s'] * 1e3:.0f} ms; top-5 offers for a need p50 "
            f"{r['offers_for_need_p50_ms']:.2f} ms / p95 {r['offers_for_need_p95_ms']:.2f} ms;"
            f" top-5 needs for an offer p50 {r['needs_for_offer_p50_ms']:.2f} ms / p95 "
            f"{r['needs_for_offer_p95_ms']:.2f} ms"
        )
    elif "arcs" in r:
        note = f"{r['arcs']:,} arcs"
    if "cpu_s" in r:
        note += f"; CPU {r.get('solve_cpu_s', r['cpu_s']):.1f} s"
    return (
        f"| {r['n']:,} | {r['method']} | {r['wall_s']:.2f} | {r['peak_mib']:.0f} | "
        f"{r['weighted_coverage']:,} | {r['transport_cost']:,} | {gap} {note} |"
    )


def main(argv: list[str] | None = None) -> None:
    """Run every method at every size and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--methods", default="aidregistry,greedy,ortools_full,suggest")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--full-graph-max",
        type=_size,
        default=20_000,
        help="skip ortools_full above this size (memory and time)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.n, args.seed)
        return
    print(
        "| offers = needs | method | wall s | peak RSS MiB | weighted coverage | "
        "transport cost | gap vs AidRegistry optimum; notes |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in (_size(s) for s in args.sizes.split(",")):
        best = None
        for method in args.methods.split(","):
            if method == "ortools_full" and n > args.full_graph_max:
                print(
                    f"| {n:,} | ortools_full | – | – | – | – | skipped: the full graph would "
                    f"need tens of GB (research/matching.md: ~660M arcs at 100k) |"
                )
                continue
            r = measure(method, n, args.seed, args.timeout)
            if method == "aidregistry" and "error" not in r:
                best = r
            print(_row(r, best), flush=True)


if __name__ == "__main__":
    main()
