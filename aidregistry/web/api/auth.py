"""Bearer-token authentication for the API; session cookies are never consulted.

Because a cookie cannot authenticate an API request, a forged cross-site request carries
no authority, which is why the API blueprint is exempt from CSRF tokens.
"""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import update

from aidregistry.extensions import db
from aidregistry.models import ApiScope, ApiToken, User
from aidregistry.models.base import utcnow
from aidregistry.services.api_tokens import find_token, needs_touch
from aidregistry.web.api.problems import ApiError
from aidregistry.web.api.spec import session

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="aidregistry"'}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, _("Unauthorized"), _("Send an API token as 'Authorization: Bearer …'."),
                       headers=CHALLENGE)
    return value.strip()


def _touch(token: ApiToken) -> None:
    now = utcnow()
    if not needs_touch(token, now):
        return
    if request.method not in ("GET", "HEAD"):
        token.last_used_at = now  # committed with the write itself
        return
    # A read request's session stays read-only; a separate short transaction records the use.
    with db.engine.begin() as connection:
        connection.execute(update(ApiToken).where(ApiToken.id == token.id)
                           .values(last_used_at=now))


def current_token() -> ApiToken | None:
    """The request's token (None without an Authorization header); 401 when it is not valid."""
    if "api_token" in g:
        return g.api_token  # type: ignore[no-any-return]
    secret = _bearer()
    token = None
    if secret is not None:
        token = find_token(session(), secret)
        if token is None:
            raise ApiError(401, _("Unauthorized"),
                           _("The token is unknown, revoked or expired."), headers=CHALLENGE)
        _touch(token)
    g.api_token = token
    return token


def require(scope: ApiScope) -> User:
    """The token's user, when the token holds ``scope``; 401 or 403 otherwise."""
    token = current_token()
    if token is None:
        raise ApiError(401, _("Unauthorized"), _("This operation needs an API token."),
                       headers=CHALLENGE)
    if not token.allows(scope):
        raise ApiError(403, _("Forbidden"), _("This token may only read."))
    return token.user
