"""Milliseconds per SQL statement of the public list pages and API list endpoints.

Runs each list URL (with its common filters) through the Flask test client against an
existing database — build one with ``benchmarks/load.py`` (PostgreSQL, 100k donations,
100k needs, 50k deliveries) or its ``fill`` on an SQLite URL — and prints, per URL, the
median time of each statement the request ran (the count and the page query of a list),
and with --explain the plan of each: EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
PostgreSQL. Not a test: it prints figures.

Usage:
  python benchmarks/list_queries.py --database sqlite:////tmp/load.sqlite [--repeat 7] [--explain]
  python benchmarks/list_queries.py --database postgresql+psycopg://postgres@127.0.0.1/aidregistry_load
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

URLS = [
    "/donations/",
    "/donations/?item=MASK_SURG",
    "/donations/?status=available",
    "/donations/?page=40",
    "/needs/",
    "/needs/?item=MASK_SURG",
    "/needs/?status=closed",
    "/needs/?page=40",
    "/api/v1/donations",
    "/api/v1/donations?item=MASK_SURG",
    "/api/v1/donations?status=available",
    "/api/v1/needs",
    "/api/v1/needs?item=MASK_SURG",
    "/api/v1/needs?priority=1",
    "/api/v1/allocations",
    "/api/v1/allocations?status=delivered",
    "/api/v1/shipments",
]


def build_app(database: str) -> Any:
    from aidregistry.app import create_app

    os.environ.setdefault("AIDREGISTRY_INSTANCE_PATH", tempfile.mkdtemp(prefix="aid-lists-"))
    return create_app(
        {
            "AIDREGISTRY_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "RATELIMIT_ENABLED": False,
        }
    )


class Recorder:
    """Times every statement the engine runs, keyed by its SQL text."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.parameters: dict[str, Any] = {}
        self._started = 0.0

    def before(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self._started = time.perf_counter()
        self.parameters[statement] = parameters

    def after(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.times[statement].append((time.perf_counter() - self._started) * 1000)


def explain(app: Any, statement: str, parameters: Any) -> list[str]:
    from aidregistry.extensions import db

    with app.app_context():
        connection = db.session.connection()
        cursor = connection.connection.cursor()
        if connection.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return ["  " + str(row[-1]) for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + statement, parameters)
        rows = ["  " + str(row[0]) for row in cursor.fetchall()]
        db.session.rollback()
        return rows


def short(statement: str) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) < 110 else flat[:60] + " … " + flat[-45:]


def main() -> None:
    from sqlalchemy import event

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--min-ms", type=float, default=1.0, help="hide faster statements")
    parser.add_argument("--urls", nargs="*", default=URLS)
    args = parser.parse_args()
    app = build_app(args.database)
    logging.getLogger("aidregistry").setLevel(logging.WARNING)
    client = app.test_client()
    with app.app_context():
        from aidregistry.extensions import db

        engine = db.engine
    for url in args.urls:
        client.get(url)  # warm-up: caches, connection, the database's own pages
        recorder = Recorder()
        event.listen(engine, "before_cursor_execute", recorder.before)
        event.listen(engine, "after_cursor_execute", recorder.after)
        totals = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            status = client.get(url).status_code
            totals.append((time.perf_counter() - started) * 1000)
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)
        print(f"{url}  [{status}] request median {statistics.median(totals):.1f} ms")
        for statement, times in sorted(recorder.times.items(), key=lambda kv: -max(kv[1])):
            if statistics.median(times) < args.min_ms and not args.explain:
                continue
            print(f"  {statistics.median(times):8.2f} ms  {short(statement)}")
            if args.explain:
                print("\n".join(explain(app, statement, recorder.parameters[statement])))


if __name__ == "__main__":
    main()
