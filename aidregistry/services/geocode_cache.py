"""The geocoding cache in the database, shared by every worker and every command.

`DatabaseGeocodeCache` implements `aidregistry.geocoding.chain.GeocodeCache` over the
`geocode_cache` table. It deliberately does not use the request's session (`db.session`): it
opens a session of its own on the engine for each read and each write, and commits a write at
once. An online answer costs a rate-limited request to someone else's server; it must not be
lost because the request that asked for it rolls back (a form error, a conflict), and a
request's open transaction must not be committed early by the cache.

Two workers that ask the same new text at the same moment both try to insert its key; the
second insert fails on the primary key and is ignored, since both answers came from the same
provider for the same text.

Each process also keeps the answers it has read or written in a small memo (most recently
used first): an entry never changes once stored, except when a broken one is replaced, so a
worker reads each text from the table once rather than on every form it serves.

SQLite has one writer at a time, and a write request holds that lock from its first statement
(``BEGIN IMMEDIATE``, see `aidregistry.database`): a second connection writing during the
request would wait for the request, which waits for the geocoder. So the caller may pass
`pending`, a store for the current unit of work (the web app passes one per app context on
SQLite); `put` then keeps the answer there, `get` reads it back, and `flush` writes it in its
own transaction once the request's session is gone, whether the request committed or not.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, MutableMapping

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from aidregistry.database import read_only_transaction
from aidregistry.domain.places import Place
from aidregistry.models.geocode import GeocodeCacheEntry

log = logging.getLogger("aidregistry")
KEY_LENGTH = 400  # GeocodeCacheEntry.key
MEMO_SIZE = 4096  # answers kept per process; a few hundred kB
PendingStore = MutableMapping[str, list[Place]]


def stored_key(key: str) -> str:
    """`key` as it fits the table: a long key keeps its start and gains a digest of the whole."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: KEY_LENGTH - len(digest) - 1]}#{digest}"


class DatabaseGeocodeCache:
    """`GeocodeCache` over the `geocode_cache` table, in short transactions of its own."""

    def __init__(
        self,
        engine: Engine,
        pending: Callable[[], PendingStore | None] | None = None,
        *,
        memo_size: int = MEMO_SIZE,
    ) -> None:
        """Use `engine` (the app's `db.engine`) for separate, short-lived sessions.

        `pending`, when given, returns the store of answers to write later (see the module
        docstring), or None to write at once. `memo_size` 0 reads the table every time.
        """
        self.engine = engine
        self._pending = pending
        self._memo: OrderedDict[str, list[Place]] = OrderedDict()
        self._memo_size = memo_size
        self._memo_lock = threading.Lock()

    def _remember(self, key: str, places: list[Place]) -> None:
        if self._memo_size <= 0:
            return
        with self._memo_lock:
            self._memo[key] = list(places)
            self._memo.move_to_end(key)
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)

    def _recalled(self, key: str) -> list[Place] | None:
        with self._memo_lock:
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
            return None if found is None else list(found)

    def get(self, key: str) -> list[Place] | None:
        """The places stored under `key` ([] for "nothing found"), or None when not cached.

        An unreadable row (an old format, a hand edit) counts as not cached, so the chain
        asks again and `put` replaces it.
        """
        waiting = self._pending() if self._pending else None
        if waiting is not None and key in waiting:
            return list(waiting[key])
        recalled = self._recalled(key)
        if recalled is not None:
            return recalled
        # A plain read on SQLite: inside a write request, a second connection that began as a
        # writer would wait for the request's own lock (see database.py).
        token = read_only_transaction.set(True)
        try:
            with Session(self.engine) as session:
                entry = session.get(GeocodeCacheEntry, stored_key(key))
                if entry is None:
                    return None
                places = [Place.from_dict(r) for r in entry.results]
        except (KeyError, TypeError, ValueError):
            log.warning("unreadable geocode cache entry %r; asking again", key)
            return None
        finally:
            read_only_transaction.reset(token)
        self._remember(key, places)
        return places

    def put(self, key: str, places: list[Place]) -> None:
        """Store `places` under `key` (now, or at `flush` when there is a pending store)."""
        waiting = self._pending() if self._pending else None
        if waiting is not None:
            waiting[key] = list(places)
            return
        self._write(key, places)

    def flush(self, waiting: PendingStore) -> None:
        """Write the answers kept in `waiting`, each in its own transaction, and empty it."""
        while waiting:
            key, places = waiting.popitem()
            self._write(key, places)

    def _write(self, key: str, places: list[Place]) -> None:
        """Insert or replace one entry and commit; a concurrent insert wins quietly."""
        provider = key.split("|", 1)[0][:32]
        results = [place.to_dict() for place in places]
        # A GET request's transactions begin as plain reads on SQLite (see database.py); this
        # one writes, so it must queue as a writer instead of failing on a lock upgrade.
        token = read_only_transaction.set(False)
        try:
            with Session(self.engine) as session, session.begin():
                entry = session.get(GeocodeCacheEntry, stored_key(key))
                if entry is None:
                    entry = GeocodeCacheEntry(key=stored_key(key))
                    session.add(entry)
                entry.provider, entry.results = provider, results
            self._remember(key, places)
        except IntegrityError:
            log.info("geocode cache key %r was stored by another worker first", key)
        except SQLAlchemyError:
            # The cache is an optimisation: failing to store an answer must not fail the
            # person's request, which already has its places.
            log.exception("could not store geocode cache entry %r", key)
        finally:
            read_only_transaction.reset(token)
