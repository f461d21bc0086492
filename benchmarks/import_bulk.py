"""Bulk import benchmark: N donation rows from CSV into a fresh SQLite (or PostgreSQL) registry.

    python benchmarks/import_bulk.py --rows 100000
    python benchmarks/import_bulk.py --rows 100000 --database postgresql+psycopg://postgres@127.0.0.1:5432/test

Prints the preview and commit times, rows per second, distinct places looked up, and the
peak resident memory of the process (VmHWM), which should not grow with the file.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import secrets
import tempfile
import time
from pathlib import Path

CITIES = ["Shanghai", "Hangzhou", "Beijing", "Shenzhen", "Guangzhou", "Wuhan", "Chengdu",
          "Ningbo", "Xiamen", "Tianjin", "Nanjing", "Suzhou", "Qingdao", "Dalian", "Harbin",
          "Changsha", "Zhengzhou", "Jinan", "Fuzhou", "Kunming"]
ITEMS = [("MASK_SURG", "YY0469"), ("GLOVE_EXAM", ""), ("RESP_KN95", "GB2626-KN95")]


def write_file(path: Path, rows: int, seed: int) -> None:
    """A donations CSV with ``rows`` rows, external references, packs for a fifth of them."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["external_ref", "item_code", "quantity", "unit", "pack_size",
                         "standard_code", "place", "country", "available_from", "modes"])
        for n in range(rows):
            item, standard = rng.choice(ITEMS)
            packs = rng.random() < 0.2
            writer.writerow([f"B{n:07d}", item, rng.randint(1, 100_000),
                             "packs" if packs else "units", 50 if packs else "", standard,
                             rng.choice(CITIES), "CN", f"2020-03-{rng.randint(1, 28):02d}",
                             rng.choice(["air", "sea", "air;sea"])])


def peak_rss_mb() -> float:
    """Peak resident memory so far (VmHWM), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL; default a new SQLite")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(tmp / "instance")
    url = args.database or f"sqlite:///{tmp / 'bench.sqlite'}"

    from aidregistry.app import create_app
    from aidregistry.extensions import db
    from aidregistry.models import Base, Donation, Organisation, OrgKind, OrgRole, VerificationState
    from aidregistry.services.catalogue import load_catalogue
    from aidregistry.services.imports import ImportKind, commit, preview
    from aidregistry.web.geocoder import get_geocoder

    app = create_app({"AIDREGISTRY_ENV": "testing", "SECRET_KEY": secrets.token_urlsafe(48),
                      "SQLALCHEMY_DATABASE_URI": url})
    path = tmp / "donations.csv"
    write_file(path, args.rows, args.seed)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_catalogue(db.session)
        org = Organisation(name="Bench donor", kind=OrgKind.FOUNDATION, role=OrgRole.DONOR,
                           country="CN", city="Hangzhou", state=VerificationState.VERIFIED)
        db.session.add(org)
        db.session.commit()
        geocoder = get_geocoder()
        geocoder.search("Shanghai", country_hint="CN", limit=5)  # open the index first
        print(f"file: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB; database: "
              f"{db.engine.dialect.name}; peak RSS before: {peak_rss_mb():.0f} MiB")
        started, cpu = time.perf_counter(), time.process_time()
        report = preview(db.session, geocoder, path, ImportKind.DONATIONS, org)
        db.session.rollback()
        checked, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"preview: {checked:.1f} s wall, {cpu:.1f} s CPU "
              f"({report.rows / checked:,.0f} rows/s), "
              f"{report.error_count} errors")
        started, cpu = time.perf_counter(), time.process_time()
        report = commit(db.session, None, geocoder, path, ImportKind.DONATIONS, org)
        db.session.commit()
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        count = db.session.query(Donation).count()
        print(f"commit: {took:.1f} s wall, {cpu:.1f} s CPU ({report.rows / took:,.0f} rows/s), "
              f"written {report.written:,}, in the database {count:,}; "
              f"peak RSS {peak_rss_mb():.0f} MiB")
        started = time.perf_counter()
        again = commit(db.session, None, geocoder, path, ImportKind.DONATIONS, org)
        db.session.commit()
        print(f"re-import: {time.perf_counter() - started:.1f} s, written {again.written}, "
              f"skipped {again.skipped:,}")


if __name__ == "__main__":
    main()
