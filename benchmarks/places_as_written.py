"""Hit rate of the offline gazetteer on places as people write them, and its build time and size.

The list is `tests/unit/geocoding/data/places_as_written.tsv`: Chinese addresses with their
divisions run together, airports by code and by name, cities followed by a state or province
in other countries' styles, full-width punctuation, each with its true position and source.
A string is a hit when the gazetteer's first candidate lies within the row's tolerance.

Usage:
    python benchmarks/places_as_written.py [--code-root DIR] [--workdir DIR]

--code-root imports `aidregistry` from another checkout (e.g. an older commit, to measure
"before") while reading the list from this one. The index is built fresh in --workdir (a
temporary folder by default) in a child process, as the app builds it, and timed.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIST = ROOT / "tests/unit/geocoding/data/places_as_written.tsv"


def kind_of(source: str, query: str) -> str:
    """The row's category, for the per-category figures."""
    if source.startswith(("airportsdata", "Belgian AIP")):
        return "airport"
    return "chinese" if any("\u4e00" <= ch <= "\u9fff" for ch in query) else "city"


def main() -> None:
    """Build the index, resolve every string, print the figures and the misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code-root", type=Path, default=ROOT)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code_root))
    from aidregistry.domain.places import haversine_km
    from aidregistry.geocoding.gazetteer import OfflineGazetteer

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="places-"))
    index = workdir / "gazetteer.sqlite"
    index.unlink(missing_ok=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "aidregistry.geocoding.index_build", str(index)]
    subprocess.run(command, check=True, cwd=args.code_root)
    print(
        f"index build: {time.perf_counter() - started:.1f} s, {index.stat().st_size / 1e6:.1f} MB"
    )
    gazetteer = OfflineGazetteer(index, build=False)
    with open(LIST, encoding="utf-8") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")),
                                   delimiter="\t"))  # fmt: skip
    hits, totals, misses = Counter(), Counter(), []
    started = time.perf_counter()
    for row in rows:
        kind = kind_of(row["source"], row["query"])
        totals[kind] += 1
        found = gazetteer.search(row["query"], limit=5)
        km = (haversine_km(found[0].lat, found[0].lon, float(row["lat"]), float(row["lon"]))
              if found else None)  # fmt: skip
        if km is not None and km <= float(row["tolerance_km"]):
            hits[kind] += 1
        else:
            misses.append((row["query"], found[0].label if found else "nothing", km))
    seconds = time.perf_counter() - started
    share = 100 * sum(hits.values()) / len(rows)
    each = 1000 * seconds / len(rows)
    print(f"hit rate: {sum(hits.values())}/{len(rows)} ({share:.1f} %), {each:.1f} ms a query")
    for kind in sorted(totals):
        print(f"  {kind}: {hits[kind]}/{totals[kind]}")
    for query, label, km in misses:
        print(f"  miss: {query!r} -> {label}" + (f" ({km:,.0f} km off)" if km is not None else ""))


if __name__ == "__main__":
    main()
