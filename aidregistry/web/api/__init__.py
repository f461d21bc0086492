"""The JSON API under /api/v1: public reads, token-authenticated writes, OpenAPI description."""

from __future__ import annotations

from flask import Blueprint

from aidregistry.extensions import csrf


def api_blueprint() -> Blueprint:
    """The blueprint with every operation registered, exempt from CSRF (cookies never count)."""
    from aidregistry.web.api import flows, meta, reads, writes  # noqa: F401 - registers them
    from aidregistry.web.api.spec import bp

    csrf.exempt(bp)
    return bp
