"""Building the gazetteer index: once, atomically, and again only when its sources change."""

from __future__ import annotations

import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aidregistry.geocoding import index_build
from aidregistry.geocoding.gazetteer import OfflineGazetteer
from aidregistry.geocoding.index_build import ensure_index, index_is_current, source_key

SMALL = 15000  # the smallest GeoNames file builds in a few seconds


@pytest.fixture
def quick_fill(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the data-loading step by a tiny one; returns the list of builds made.

    Locking, renaming and staleness do not depend on the data, and a real build of even the
    smallest file takes seconds; one real build (in `small_index`) is enough.
    """
    builds: list[int] = []

    def fill(db: sqlite3.Connection, min_population: int) -> None:
        builds.append(threading.get_ident())
        db.execute("INSERT INTO meta VALUES ('source', ?)", (source_key(min_population),))

    monkeypatch.setattr(index_build, "_fill", fill)
    return builds


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of cities15000, built in a child process as the app builds it."""
    return ensure_index(tmp_path_factory.mktemp("small") / "g.sqlite3", SMALL)


def test_builds_a_current_index_and_leaves_no_temporary_files(small_index: Path) -> None:
    assert index_is_current(small_index, SMALL)
    assert not index_is_current(small_index, 1000)  # another cut-off is another source
    leftovers = [p.name for p in small_index.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    places = OfflineGazetteer(small_index, min_population=SMALL, build=False).search("Milan")
    assert places[0].country_code == "IT"


def test_a_current_index_is_not_rebuilt(small_index: Path) -> None:
    before = small_index.stat().st_mtime_ns
    ensure_index(small_index, SMALL)
    assert small_index.stat().st_mtime_ns == before


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target


def test_a_stale_index_is_rebuilt(small_index: Path, tmp_path: Path, quick_fill: list[int]) -> None:
    stale = _copy(small_index, tmp_path / "g.sqlite3")
    with sqlite3.connect(stale) as db:
        db.execute("UPDATE meta SET value = 'schema=0' WHERE key = 'source'")
    db.close()
    assert not index_is_current(stale, SMALL)
    ensure_index(stale, SMALL, in_subprocess=False)
    assert index_is_current(stale, SMALL)
    assert len(quick_fill) == 1


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_a_damaged_index_is_rebuilt(tmp_path: Path, content: bytes, quick_fill: list[int]) -> None:
    damaged = tmp_path / "g.sqlite3"
    damaged.write_bytes(content)
    ensure_index(damaged, SMALL, in_subprocess=False)
    with sqlite3.connect(damaged) as db:
        (key,) = db.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
    db.close()
    assert key == source_key(SMALL)


def test_racing_builders_build_once(tmp_path: Path, quick_fill: list[int]) -> None:
    target = tmp_path / "g.sqlite3"
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda _: ensure_index(target, SMALL, in_subprocess=False), range(4)))
    assert done == [target] * 4
    assert len(quick_fill) == 1
    assert index_is_current(target, SMALL)


def test_a_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fill(db: sqlite3.Connection, min_population: int) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(index_build, "_fill", broken_fill)
    with pytest.raises(RuntimeError, match="disk full"):
        ensure_index(tmp_path / "g.sqlite3", SMALL, in_subprocess=False)
    assert [p.name for p in tmp_path.iterdir()] == ["g.sqlite3.lock"]


def test_unknown_cut_off_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="min_population"):
        ensure_index(tmp_path / "g.sqlite3", 2000)


def test_readers_in_many_threads(gazetteer: OfflineGazetteer) -> None:
    queries = ["Newark, NJ", "宁波", "Milano", "York", "Liège"] * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(lambda q: gazetteer.search(q)[0].name, queries))
    assert names[:5] == ["Newark", "Ningbo", "Milan", "York", "Liège"]
    assert names == names[:5] * 40


def test_a_forked_worker_opens_its_own_connection(gazetteer: OfflineGazetteer) -> None:
    # gunicorn --preload forks workers from a parent that may have used the gazetteer.
    assert gazetteer.search("Milano")[0].name == "Milan"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, then leave without pytest's cleanup
        try:
            os.write(write_end, gazetteer.search("宁波")[0].name.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as answer:
        assert answer.read() == b"Ningbo"
    assert gazetteer.search("Liège")[0].country_code == "BE"  # the parent's connection is intact
