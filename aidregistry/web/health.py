"""GET /healthz: is the database (and the rate-limit store) reachable, for load balancers.

It answers JSON with no settings, versions or addresses in it, and never needs a restart
to recover: each call asks the database afresh (the pool pre-pings its connections).
"""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from aidregistry.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger("aidregistry")


def _database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as exc:
        log.warning("health: database unreachable (%s)", exc.__class__.__name__)
        _discard_session()
        return False
    return True


def _discard_session() -> None:
    # Rolling back over a dead connection raises too; the pool replaces it on next use.
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _limit_store_reachable() -> bool | None:
    from flask import current_app

    if not current_app.config.get("AIDREGISTRY_REDIS_URL"):
        return None
    try:
        return bool(limiter.storage.check())
    except Exception:
        return False


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """``{"status": "ok"|"degraded", "database": "reachable"|"unreachable", ...}``."""
    database = _database_reachable()
    store = _limit_store_reachable()
    body = {
        "status": "ok" if database else "degraded",
        "database": "reachable" if database else "unreachable",
    }
    if store is not None:
        body["rate_limit_store"] = "reachable" if store else "unreachable (limits per worker)"
    return jsonify(body), 200 if database else 503
