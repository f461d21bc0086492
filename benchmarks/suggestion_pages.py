"""Milliseconds of the coordinator's suggestion pages on a registry-sized database.

Fills (once; --rebuild to redo) a database with N available donations and N open needs of
the catalogue's items and standards — donations carry the certificates their standard asks
for, needs accept their item's standards, dates around today — then, signed in as a
coordinator through the Flask test client, times two pages on random records:

* ``/donations/<id>`` — the needs a donation could serve, cheapest transport first;
* ``/coordination/needs/<id>/allocate`` — the donations that could serve a need.

Prints p50 / p95 / max per page and how many suggestions the pages showed. Not a test: it
prints figures.

Usage:
  python benchmarks/suggestion_pages.py [--size 100000] [--requests 40]
      [--database sqlite:////tmp/aid-suggest.sqlite] [--rebuild]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.map import registry_organisations  # noqa: E402

PASSWORD = "a long enough passphrase 2020"  # noqa: S105 - the benchmark database's own account
# A number of each scheme in its printed form (the benchmark writes rows directly).
CERT_NUMBERS = {"NMPA": "浙械注准2020214{:04d}", "FDA_EUA": "EUA2{:05d}",
                "FDA_510K": "K2{:05d}", "NIOSH": "TC-84A-{:04d}", "CE": "CE-PPE-{:06d}"}
MODE_SETS = ["air", "air,sea", "air,rail,sea", "road,rail", "sea"]


def catalogue_standards() -> list[dict[str, str]]:
    with (ROOT / "aidregistry" / "data" / "standards.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _donation(ident: int, org: dict[str, Any], standard: dict[str, str], rng: random.Random,
              today: date, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = {"id": ident, "organisation_id": org["id"], "item_code": standard["item"],
           "standard_code": standard["code"], "quantity": rng.choice([500, 5_000, 50_000]),
           "allocated": 0, "place": "City", "lat": org["lat"], "lon": org["lon"],
           "available_from": today - timedelta(days=rng.randrange(10)),
           "modes": rng.choice(MODE_SETS), "status": "available", "created_at": now,
           "updated_at": now, "version": 1}
    certificates = [
        {"donation_id": ident, "scheme": kind, "verification": "declared",
         "number": CERT_NUMBERS[kind].format(ident % 10_000),
         "declared_text": CERT_NUMBERS[kind].format(ident % 10_000),
         "notified_body": "2797" if kind == "CE" else None, "created_at": now, "updated_at": now}
        for kind in standard["required_certificates"].split(";") if kind
    ]
    return row, certificates


def _need(ident: int, org: dict[str, Any], item: str, rng: random.Random, today: date,
          now: datetime) -> dict[str, Any]:
    return {"id": ident, "organisation_id": org["id"], "item_code": item,
            "quantity": rng.choice([1_000, 10_000, 100_000]), "allocated": 0,
            "priority": rng.randint(1, 4), "needed_by": today + timedelta(days=rng.randint(3, 40)),
            "expires_on": today + timedelta(days=60), "place": "City", "lat": org["lat"],
            "lon": org["lon"], "status": "open", "created_at": now, "updated_at": now,
            "version": 1}


def fill(app: Any, size: int, seed: int = 11) -> None:
    """Bulk-insert organisations, ``size`` donations and ``size`` needs with their standards."""
    from sqlalchemy import func, insert, select

    from aidregistry.database import refresh_statistics
    from aidregistry.extensions import db
    from aidregistry.models import Base, Certificate, Donation, Need, Organisation, need_standard
    from aidregistry.models.base import today as app_today
    from aidregistry.services.accounts import create_coordinator
    from aidregistry.services.catalogue import load_catalogue

    rng = random.Random(seed)
    today, now = app_today(), datetime.now(UTC)
    standards = catalogue_standards()
    by_item: dict[str, list[str]] = {}
    for s in standards:
        by_item.setdefault(s["item"], []).append(s["code"])
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_catalogue(db.session)
        donors, recipients = registry_organisations(
            rng, Path(app.config["AIDREGISTRY_GAZETTEER_PATH"]))
        db.session.execute(insert(Organisation), donors + recipients)
        made = [_donation(k + 1, rng.choice(donors), rng.choice(standards), rng, today, now)
                for k in range(size)]
        donations = [row for row, _ in made]
        certificates = [c for _, found in made for c in found]
        needs = [_need(k + 1, rng.choice(recipients), rng.choice(sorted(by_item)), rng, today,
                       now) for k in range(size)]
        links = [{"need_id": n["id"], "standard_code": code} for n in needs
                 for code in by_item[n["item_code"]]]
        for table, rows in ((Donation, donations), (Certificate, certificates), (Need, needs),
                            (need_standard, links)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[start:start + 5000])
        if db.engine.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for model in (Organisation, Donation, Need, Certificate):
                last = select(func.max(model.id)).scalar_subquery()
                sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
                db.session.execute(select(func.setval(sequence, last)))
        create_coordinator(db.session, app.extensions["aidregistry.hasher"],
                           email="coordinator@example.org", name="Coordinator",
                           password=PASSWORD)
        db.session.commit()
        with db.engine.begin() as connection:
            refresh_statistics(connection)


def make_app(database: str, workdir: Path) -> Any:
    from aidregistry.app import create_app

    os.environ.setdefault("AIDREGISTRY_INSTANCE_PATH", str(workdir / "instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": database, "AIDREGISTRY_ENV": "testing",
                       "SECRET_KEY": secrets.token_urlsafe(48), "RATELIMIT_ENABLED": False,
                       "WTF_CSRF_ENABLED": False,
                       "AIDREGISTRY_GAZETTEER_PATH": str(workdir / "gazetteer.sqlite")})


def filled(app: Any, size: int) -> bool:
    from sqlalchemy import func, inspect, select

    from aidregistry.extensions import db
    from aidregistry.models import Need

    with app.app_context():
        if not inspect(db.engine).has_table("need"):
            return False
        return bool(db.session.scalar(select(func.count()).select_from(Need)) == size)


def time_pages(app: Any, size: int, requests: int, seed: int = 5) -> None:
    client = app.test_client()
    client.post("/auth/login", data={"email": "coordinator@example.org", "password": PASSWORD})
    rng = random.Random(seed)
    pages = {
        "/donations/<id>": ("/donations/{}", r"/coordination/needs/\d+/allocate\?donation="),
        "/coordination/needs/<id>/allocate": ("/coordination/needs/{}/allocate", r"<li>#\d+"),
    }
    print("| page | requests | p50 ms | p95 ms | max ms | suggestions shown (mean) |")
    print("|---|---|---|---|---|---|")
    for name, (pattern, shown) in pages.items():
        times, counts = [], []
        client.get(pattern.format(1))  # the first request builds caches; not counted
        for _ in range(requests):
            url = pattern.format(rng.randint(1, size))
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            counts.append(len(re.findall(shown, response.get_data(as_text=True))))
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| {name} | {requests} | {statistics.median(times):.0f} | {p95:.0f} | "
              f"{times[-1]:.0f} | {statistics.mean(counts):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database", default=None)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.gettempdir()) / "aid-suggest"
    workdir.mkdir(exist_ok=True)
    database = args.database or f"sqlite:///{workdir / f'suggest-{args.size}.sqlite'}"
    from aidregistry.geocoding.gazetteer import OfflineGazetteer

    OfflineGazetteer(workdir / "gazetteer.sqlite").close()  # real cities to place records on
    app = make_app(database, workdir)
    if args.rebuild or not filled(app, args.size):
        started = time.perf_counter()
        fill(app, args.size)
        print(f"filled {args.size:,} donations and needs in {time.perf_counter() - started:.0f} s")
    with app.app_context():
        time_pages(app, args.size, args.requests)


if __name__ == "__main__":
    main()
