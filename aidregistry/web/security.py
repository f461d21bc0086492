"""Response headers (CSP with a nonce per request) and error pages without stack traces."""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("aidregistry")


def csp_nonce() -> str:
    """This request's CSP nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    nonce: str = g.csp_nonce
    return nonce


def _tile_origin() -> str:
    parts = urlsplit(current_app.config["AIDREGISTRY_TILE_URL"].replace("{s}", "a"))
    host = (
        parts.netloc.replace("a.", "*.", 1)
        if "{s}" in current_app.config["AIDREGISTRY_TILE_URL"]
        else parts.netloc
    )
    return f"{parts.scheme}://{host}" if host else ""


def content_security_policy() -> str:
    """The policy: our own origin, this request's nonce, and the tile server for images."""
    nonce = f"'nonce-{csp_nonce()}'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {nonce}",
            f"style-src 'self' {nonce}",
            f"img-src 'self' data: {_tile_origin()}".strip(),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def url_carries_token() -> bool:
    """True when this request's URL holds the token of an e-mailed link (its route has a
    ``<token>`` argument): such a URL is never logged, nor sent on as a Referer."""
    return request.url_rule is not None and "token" in (request.view_args or {})


def _add_headers(response: Response) -> Response:
    if url_carries_token():
        # The page's own CSS and JS, and any link followed from it, get no Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["AIDREGISTRY_ENV"] == "production":
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def _http_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    if code == 401:
        from flask import redirect, request
        from flask_login import login_url

        return redirect(login_url("auth.login", next_url=request.full_path.rstrip("?")))
    from flask.globals import request_ctx

    if request_ctx.url_adapter is None:
        # A Host outside TRUSTED_HOSTS: no URL can be built, so the page cannot link anywhere.
        return Response(f"{code} {error.name}", code, mimetype="text/plain")
    return render_template("errors/error.html", code=code, error=error), code


def _database_unavailable(error: OperationalError) -> ResponseReturnValue:
    log.error("database unavailable: %s", error.orig.__class__.__name__)
    return render_template("errors/error.html", code=503, error=None), 503


def _edited_meanwhile(_error: StaleDataError) -> ResponseReturnValue:
    # Two saves of the same record raced past the form's version check; the second one
    # lost at the database (version_id_col). Nothing was written; say so, not "error 500".
    from aidregistry.extensions import db

    db.session.rollback()
    return render_template("errors/error.html", code=409, error=None), 409


def _unexpected(error: Exception) -> ResponseReturnValue:
    if current_app.testing:
        raise error  # tests see the real exception, not an error page
    log.exception("unhandled error")
    return render_template("errors/error.html", code=500, error=None), 500


def register_security(app: Flask) -> None:
    """Headers on every response; friendly error pages."""
    app.after_request(_add_headers)
    from aidregistry.web.auth.sessions import register_session_limits
    from aidregistry.web.request_log import register_request_log
    from aidregistry.web.security_log import register_security_log

    register_request_log(app)
    register_security_log(app)
    register_session_limits(app)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(StaleDataError, _edited_meanwhile)
    app.register_error_handler(Exception, _unexpected)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
