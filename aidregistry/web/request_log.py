"""One JSON line per request, with a request id that is also sent back as X-Request-ID.

Only the method, the route, the status and the duration are logged: never the query string,
the body, cookies or headers, and a path that carries a token is logged as its route
(``/auth/reset/<token>``), so a log reader cannot take over an account.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

log = logging.getLogger("aidregistry.request")
# A caller's id is kept only when it is plainly an id; anything else could inject log lines.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _begin() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _logged_path() -> str:
    from aidregistry.web.security import url_carries_token

    if request.url_rule is not None and url_carries_token():
        return request.url_rule.rule
    return request.path


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started", time.perf_counter())
    line = {
        "request_id": request_id,
        "method": request.method,
        "path": _logged_path(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    log.info(json.dumps(line, separators=(",", ":")))
    return response


def register_request_log(app: Flask) -> None:
    """Attach the hooks (first before_request, so the id exists for everything after)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_finish)
