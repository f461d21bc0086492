"""A stand-in for Nominatim on 127.0.0.1: its format=json answers, scripted failures, a log.

Imported by this folder's conftest (the fixture) and tests (the types and sample answer), and
by tests elsewhere as `tests.integration.geocoding.nominatim_stub` (`serving` runs a stub).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

NEWARK_JSON: dict[str, Any] = {
    "place_id": 297416592,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "relation",
    "osm_id": 1591,
    "lat": "40.735657",
    "lon": "-74.1723667",
    "class": "boundary",
    "type": "administrative",
    "place_rank": 16,
    "importance": 0.64,
    "addresstype": "city",
    "name": "Newark",
    "display_name": "Newark, Essex County, New Jersey, United States",
    "address": {
        "city": "Newark",
        "county": "Essex County",
        "state": "New Jersey",
        "ISO3166-2-lvl4": "US-NJ",
        "country": "United States",
        "country_code": "us",
    },
    "boundingbox": ["40.6734", "40.7886", "-74.2513", "-74.1127"],
}


@dataclass
class StubRequest:
    """One request the stub received."""

    path: str
    params: dict[str, str]
    user_agent: str | None
    at: float


@dataclass
class NominatimStub:
    """Speaks Nominatim's format=json for /search and /reverse; scripted failures.

    `mode` is "normal", or "status:429" / "status:500", "sleep:<seconds>", "malformed".
    """

    search_results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reverse_result: dict[str, Any] | None = None
    mode: str = "normal"
    requests: list[StubRequest] = field(default_factory=list)
    domain: str = ""

    def respond(self, path: str, params: dict[str, str]) -> tuple[int, bytes]:
        """The status and body for one request, after any scripted delay."""
        if self.mode.startswith("sleep:"):
            time.sleep(float(self.mode.split(":")[1]))
        if self.mode.startswith("status:"):
            status = int(self.mode.split(":")[1])
            return status, b'{"error": "scripted failure"}'
        if self.mode == "malformed":
            return 200, b'[{"lat": "40.7", "lon": '
        if path == "/search":
            return 200, json.dumps(self.search_results.get(params.get("q", ""), [])).encode()
        if path == "/reverse":
            answer = self.reverse_result or {"error": "Unable to geocode"}
            return 200, json.dumps(answer).encode()
        return 404, b'{"error": "unknown path"}'


def handler_for(stub: NominatimStub) -> type[BaseHTTPRequestHandler]:
    """A request handler class that logs each GET on `stub` and answers as it says."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query))
            stub.requests.append(
                StubRequest(url.path, params, self.headers.get("User-Agent"), time.monotonic())
            )
            status, body = stub.respond(url.path, params)
            with contextlib.suppress(OSError):  # the client may have given up (timeout test)
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


@contextlib.contextmanager
def serving(stub: NominatimStub) -> Iterator[NominatimStub]:
    """Serve `stub` on 127.0.0.1 with a free port (set in `stub.domain`) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(stub))
    server.daemon_threads = True
    server.block_on_close = False  # a handler still sleeping must not hold up teardown
    stub.domain = f"127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
