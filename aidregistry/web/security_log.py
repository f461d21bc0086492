"""Security events as structured log lines (logger ``aidregistry.security``), one JSON object
each: the event, the user (by id), the route, the method, the client's address and the
request id that the request's own log line and ``X-Request-ID`` carry.

Sign-in success, failure and lockout (the sign-in limit reached), second-factor failures
and every denied access (403, on pages and in the API) are logged. A denied attempt on a
record is also written to the audit trail, so that a coordinator reading a record's history
sees who tried to reach it. Never logged: passwords, codes, tokens, typed addresses (a
password typed into the address field would land in the log), query strings, bodies.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, g, request
from flask_login import current_user

from aidregistry.database import read_only_transaction
from aidregistry.log_redaction import redact

log = logging.getLogger("aidregistry.security")
# Route arguments that name a record, and the audit trail's name for its kind.
RECORD_ARGUMENTS = {
    "donation_id": "donation",
    "need_id": "need",
    "allocation_id": "allocation",
    "shipment_id": "shipment",
    "org_id": "organisation",
    "run_id": "matchrun",
    "user_id": "user",
}


def _user_id(user: Any = None) -> int | None:
    if user is not None:
        return int(user.id)
    token = g.get("api_token")
    if token is not None:
        return int(token.user_id)
    if current_user and current_user.is_authenticated:
        return int(current_user.id)
    return None


def security_event(
    event: str, *, user: Any = None, level: int = logging.INFO, **details: Any
) -> None:
    """Write one security event for the current request (``user`` defaults to whoever is
    signed in, or the API token's owner)."""
    rule = request.url_rule.rule if request.url_rule is not None else redact(request.path)
    line = {
        "event": event,
        "user_id": _user_id(user),
        "route": rule,
        "method": request.method,
        "address": request.remote_addr,
        "request_id": g.get("request_id"),
        **details,
    }
    log.log(level, json.dumps(line, separators=(",", ":"), ensure_ascii=False))


def _denied_record() -> tuple[str, int] | None:
    for argument, value in (request.view_args or {}).items():
        if argument in RECORD_ARGUMENTS and isinstance(value, int):
            return RECORD_ARGUMENTS[argument], value
    return None


def _audit_denied(user_id: int, record: tuple[str, int]) -> None:
    """The attempt in the audit trail, in a transaction of its own (the request's is dropped:
    a refused request writes nothing else)."""
    from aidregistry.extensions import db
    from aidregistry.models import AuditEvent

    db.session.rollback()
    read_only_transaction.set(False)  # a write, even on a GET (see database.py)
    db.session.add(
        AuditEvent(
            actor_id=user_id,
            action="access.denied",
            entity_type=record[0],
            entity_id=record[1],
            after={
                "route": request.url_rule.rule if request.url_rule else "",
                "method": request.method,
            },
        )
    )
    db.session.commit()


def _after(response: Response) -> Response:
    if response.status_code == 403:
        user_id = _user_id()
        record = _denied_record()
        security_event(
            "access.denied",
            level=logging.WARNING,
            status=403,
            record=f"{record[0]}/{record[1]}" if record else None,
        )
        if user_id is not None and record is not None:
            _audit_denied(user_id, record)
    elif response.status_code == 429 and request.endpoint == "auth.login":
        security_event("sign_in.locked", level=logging.WARNING, status=429)
    elif response.status_code == 429:
        security_event("rate_limited", level=logging.WARNING, status=429)
    return response


def register_security_log(app: Flask) -> None:
    """Log denied and limited requests (the sign-in views log their own outcomes)."""
    app.after_request(_after)
