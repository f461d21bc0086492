"""Serialised JSON kept per process: built once per data version, sent gzipped with an ETag.

The version key (counts and latest change times, one query) is checked on every request,
so a change anywhere shows on the next request of every worker; between changes a request
costs that query plus sending bytes already compressed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import Request, Response


@dataclass(frozen=True)
class Payload:
    """One serialised document: raw and gzipped bytes and their strong ETag."""

    raw: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def of(cls, document: Any) -> Payload:
        raw = json.dumps(document, separators=(",", ":"), ensure_ascii=False,
                         allow_nan=False).encode()
        return cls(raw, gzip.compress(raw, compresslevel=6, mtime=0),
                   hashlib.sha256(raw).hexdigest()[:32])


class PayloadCache:
    """The latest payload per name, rebuilt when its version key changes."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Hashable, Payload]] = {}
        self._lock = threading.Lock()

    def get(self, name: str, version: Hashable, build: Callable[[], Any]) -> Payload:
        """The cached payload for ``version``, building it (once, under a lock) if stale."""
        entry = self._entries.get(name)
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._lock:  # concurrent first requests build once, not once each
            entry = self._entries.get(name)
            if entry is None or entry[0] != version:
                entry = (version, Payload.of(build()))
                self._entries[name] = entry
        return entry[1]

    def clear(self) -> None:
        """Forget every payload."""
        self._entries.clear()


def json_response(payload: Payload, request: Request) -> Response:
    """200 with gzip when accepted, or 304 when the client holds this ETag already."""
    if request.if_none_match.contains(payload.etag):
        response = Response(status=304)
    elif request.accept_encodings.quality("gzip") > 0:
        response = Response(payload.gzipped, mimetype="application/json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(payload.raw, mimetype="application/json")
    response.set_etag(payload.etag)
    response.headers["Vary"] = "Accept-Encoding"
    # Public data that change at any time: browsers keep it but ask again each time.
    response.headers["Cache-Control"] = "public, no-cache"
    return response
