"""Load test: gunicorn (4 workers) on PostgreSQL, wrk from loopback, beside a bare "hello".

Builds (once; --rebuild to redo) a PostgreSQL database with 100,000 donations, 100,000 needs
and 50,000 deliveries by bulk inserts, starts gunicorn with 4 workers on the production
configuration plus one extra route ``/__hello`` (a bare Flask view in the same workers, the
ceiling to compare with), then gives each endpoint an equal share of the run to wrk and
prints requests per second, p50/p95/p99 and the error count per endpoint, for each number of
concurrent connections asked for. Every request says ``Accept-Encoding: gzip``, as browsers do;
the map data is also asked for conditionally (``If-None-Match``, as a browser that has it does).

Usage:
  python benchmarks/load.py [--seconds 60] [--connections 4,16] [--threads 2]
      [--database postgresql+psycopg://postgres@127.0.0.1:5432/aidregistry_load] [--rebuild]
Needs wrk on PATH (Debian: apt-get install wrk). Not a test: it prints figures.
Targets: p95 <= 100 ms for list pages and API reads; /map/data.json from cache at >= 50% of
the throughput of /__hello.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.map import ITEMS, _record, registry_organisations  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/aidregistry_load"
KEY = secrets.token_urlsafe(48)  # one per run: the fill and gunicorn share it
ENDPOINTS = [
    "/__hello",
    "/donations/",
    "/needs/",
    "/api/v1/donations",
    "/api/v1/needs",
    "/map/data.json",
    "/map/data.json 304",  # with If-None-Match: the browser already has this version
]
# wrk's summary as one JSON line: latency percentiles in microseconds, errors of every kind.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%f,"p50":%d,"p95":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def bench_app() -> Any:
    """The production app plus /__hello, for gunicorn: "benchmarks.load:bench_app()"."""
    from aidregistry.app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})

    @app.get("/__hello")
    def hello() -> str:
        return "hello"

    return app


def ensure_database(url: str, rebuild: bool, workdir: Path) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(url)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": server.database})
        if exists and not rebuild:
            return
        conn.execute(text(f'DROP DATABASE IF EXISTS "{server.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{server.database}"'))
    admin.dispose()
    fill(url, workdir)


def fill(url: str, workdir: Path, seed: int = 7) -> None:
    """Bulk-insert organisations, 100k donations, 100k needs, 50k delivered allocations."""
    from sqlalchemy import insert

    from aidregistry.app import create_app
    from aidregistry.database import refresh_statistics
    from aidregistry.extensions import db
    from aidregistry.geocoding.gazetteer import OfflineGazetteer
    from aidregistry.models import Allocation, Base, Donation, Need, Organisation
    from aidregistry.services.catalogue import load_catalogue

    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(workdir / "instance")
    gazetteer = workdir / "gazetteer.sqlite"
    OfflineGazetteer(gazetteer).close()  # builds the offline index: real cities to place on
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "AIDREGISTRY_ENV": "testing",
                      "SECRET_KEY": KEY, "AIDREGISTRY_GAZETTEER_PATH": str(gazetteer)})
    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        load_catalogue(db.session)
        donors, recipients = registry_organisations(
            rng, Path(app.config["AIDREGISTRY_GAZETTEER_PATH"]))
        db.session.execute(insert(Organisation), donors + recipients)
        now, day0 = datetime.now(UTC), date(2020, 2, 1)
        later = now.date() + timedelta(days=30)
        donations = [_record(k + 1, rng.choice(donors), rng.choice(ITEMS), now,
                             available_from=day0 + timedelta(days=rng.randrange(120)))
                     for k in range(100_000)]
        needs = [_record(k + 1, rng.choice(recipients), rng.choice(ITEMS), now,
                         priority=rng.randint(1, 4), needed_by=later, expires_on=later)
                 for k in range(100_000)]
        allocations = []
        for k in range(50_000):
            donation, need = donations[k], needs[k]
            quantity = rng.choice([100, 1_000, 5_000, 20_000])
            for record in (donation, need):
                record["quantity"] += quantity
                record["allocated"] += quantity
            allocations.append({"id": k + 1, "donation_id": donation["id"],
                                "need_id": need["id"], "quantity": quantity,
                                "status": "delivered", "proposed_by": "import",
                                "explanation": {}, "created_at": now, "updated_at": now})
        for model, rows in ((Donation, donations), (Need, needs), (Allocation, allocations)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
        db.session.commit()
        with db.engine.begin() as connection:  # else the first requests plan without statistics
            refresh_statistics(connection)
    print(f"database filled in {time.perf_counter() - started:.0f} s", flush=True)


def start_gunicorn(url: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AIDREGISTRY_ENV": "production", "AIDREGISTRY_SECRET_KEY": KEY,
           "AIDREGISTRY_DATABASE_URL": url, "AIDREGISTRY_INSTANCE_PATH": str(workdir / "srv"),
           "AIDREGISTRY_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    command = [str(Path(sys.executable).parent / "gunicorn"), "-w", "4", "-b",
               f"127.0.0.1:{port}", "--log-level", "warning", "benchmarks.load:bench_app()"]
    log = (workdir / "gunicorn.log").open("wb")  # the access log, kept out of the report
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__hello", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not start")


def run_wrk(url: str, seconds: int, connections: int, threads: int, script: Path,
            headers: list[str]) -> dict[str, Any]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
               "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", default="4,16",
                        help="numbers of concurrent connections, comma-separated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not on PATH (Debian: apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="aid-load-"))
    ensure_database(args.database, args.rebuild, workdir)
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT, encoding="utf-8")
    server = start_gunicorn(args.database, args.port, workdir)
    try:
        base = f"http://127.0.0.1:{args.port}"
        etag = warm(base)
        counts = [int(c) for c in args.connections.split(",")]
        share = max(1, args.seconds // len(ENDPOINTS))
        results = {c: {p: run_wrk(base + p.split()[0], share, c, min(args.threads, c), script,
                                  headers_for(p, etag)) for p in ENDPOINTS} for c in counts}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck in a slow request
            server.kill()
    for connections, figures in results.items():
        report(figures, args, connections)


def warm(base: str) -> str:
    """Every worker's caches warmed (the map payload above all); the map data's ETag."""
    etag = ""
    for path in dict.fromkeys(p.split()[0] for p in ENDPOINTS):
        for _ in range(8):
            request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                response.read()
                etag = response.headers.get("ETag", "") if path == "/map/data.json" else etag
    return etag


def headers_for(endpoint: str, etag: str) -> list[str]:
    """What a browser sends: gzip always; the ETag it holds for a conditional request."""
    headers = ["Accept-Encoding: gzip"]
    if endpoint.endswith(" 304"):
        headers.append(f"If-None-Match: {etag}")
    return headers


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace,
           connections: int) -> None:
    hello = results["/__hello"]["rps"]
    print(f"gunicorn -w 4, wrk -t{min(args.threads, connections)} -c{connections}, "
          f"{args.seconds} s in all, loopback")
    print(f"{'endpoint':<20}{'req/s':>9}{'vs hello':>10}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'errors':>8}")
    for path, r in results.items():
        print(f"{path:<20}{r['rps']:>9.0f}{r['rps'] / hello:>9.0%} {r['p50'] / 1000:>8.1f}"
              f"{r['p95'] / 1000:>9.1f}{r['p99'] / 1000:>9.1f}{r['errors']:>8}")


if __name__ == "__main__":
    main()
