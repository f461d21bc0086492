"""Response times for a known against an unknown address: sign-in, sign-up, password reset.

Builds the app on a fresh SQLite database (or --database) with the production password-hash
parameters and mail sent from the background queue (log only), then sends --requests
requests of each kind through the Flask test client, alternating known and unknown so that
drift in the machine's load hits both alike, and prints the median and p95 per case. The
background sender drains the queue meanwhile, as on a server. Not a test: it prints figures
and never fails on them (tests/functional/test_enumeration.py checks the equal work).

Usage:
  python benchmarks/enumeration.py [--requests 300] [--database sqlite:///…]
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = secrets.token_urlsafe(16)  # the known account's; only wrong ones are sent
KNOWN = "known@example.org"
SIGNUP = {
    "org_name": "Hangzhou Municipal Government",
    "kind": "municipal_government",
    "role": "donor",
    "country": "CN",
    "place": "Hangzhou",
    "location_precision": "city",
    "name": "Li Wei",
    "password": "a long enough passphrase 2020",
    "confirm": "a long enough passphrase 2020",
}


def build_app(database: str | None, workdir: Path) -> Any:
    from aidregistry.app import create_app
    from aidregistry.extensions import db
    from aidregistry.geocoding.gazetteer import OfflineGazetteer
    from aidregistry.models import Base
    from aidregistry.services.accounts import create_coordinator
    from aidregistry.services.catalogue import load_catalogue

    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(workdir / "instance")
    gazetteer = workdir / "gazetteer.sqlite"
    OfflineGazetteer(gazetteer).close()
    app = create_app(
        {
            "AIDREGISTRY_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database or f"sqlite:///{workdir / 'enumeration.sqlite'}",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "AIDREGISTRY_MAIL_BACKGROUND": True,
            "AIDREGISTRY_GAZETTEER_PATH": str(gazetteer),
        }
    )
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_catalogue(db.session)
        hasher = app.extensions["aidregistry.hasher"]
        create_coordinator(db.session(), hasher, email=KNOWN, name="Known", password=PASSWORD)
        db.session.commit()
    return app


def timed(request: Callable[[], Any]) -> float:
    started = time.perf_counter()
    response = request()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"unexpected status {response.status_code}")
    return elapsed


def cases(client: Any) -> dict[str, tuple[Callable[[int], Any], Callable[[int], Any]]]:
    """Per endpoint: (known address, unknown address) request makers."""

    def login(email: str) -> Callable[[int], Any]:
        data = {"email": email, "password": "a wrong password entirely"}
        return lambda _i: client.post("/auth/login", data=data)

    def signup(known: bool) -> Callable[[int], Any]:
        return lambda i: client.post(
            "/auth/register", data={**SIGNUP, "email": KNOWN if known else f"new{i}@example.org"}
        )

    def reset(email: str) -> Callable[[int], Any]:
        return lambda _i: client.post("/auth/reset", data={"email": email})

    return {
        "sign-in (wrong password / no account)": (login(KNOWN), login("nobody@example.org")),
        "sign-up": (signup(True), signup(False)),
        "password reset": (reset(KNOWN), reset("nobody@example.org")),
    }


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per case")
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    logging.getLogger("aidregistry").setLevel(logging.WARNING)
    app = build_app(args.database, Path(tempfile.mkdtemp(prefix="aid-enum-")))
    logging.getLogger("aidregistry").setLevel(logging.WARNING)
    client = app.test_client()
    print(f"{args.requests} requests per case, known and unknown alternating")
    print(f"{'endpoint':40} {'address':8} {'median ms':>10} {'p95 ms':>8}")
    for name, (known, unknown) in cases(client).items():
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        known(0), unknown(0)  # warm-up
        for i in range(1, args.requests + 1):
            times["known"].append(timed(lambda: known(i)))  # noqa: B023 - called at once
            times["unknown"].append(timed(lambda: unknown(i)))  # noqa: B023
        for label, values in times.items():
            print(f"{name:40} {label:8} {statistics.median(values):10.2f} {p95(values):8.2f}")
    from aidregistry.services.mailer import sender

    drained = sender(app).flush(30)
    print(f"mail queue drained: {drained}")


if __name__ == "__main__":
    main()
