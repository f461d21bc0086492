"""Creating, finding and revoking personal API tokens.

A token is 32 random bytes (256 bits) behind a recognisable prefix. Only its sha256 is
stored: with that much entropy a plain hash cannot be reversed by guessing, and a lookup
by hash needs no per-row salt.

A token never outlives the trust it was made under: it expires (30 days unless its owner
chooses otherwise, a year at most), and a password change or reset, the owner's
deactivation and the suspension or rejection of the organisation revoke it. Making one
needs the password typed again (the web view checks it), so that a session restored from
a remember-me cookie alone cannot mint a lasting key.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from aidregistry.models import ApiScope, ApiToken, User
from aidregistry.models.api_token import RevokeReason
from aidregistry.models.base import utcnow
from aidregistry.services.audit import record_event
from aidregistry.services.errors import NotAllowed, ServiceError

TOKEN_PREFIX = "ar_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for
MAX_TOKENS_PER_USER = 20
DEFAULT_DAYS = 30
MAX_DAYS = 365
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown once and never again."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str, scope: ApiScope,
                 expires_in_days: int = DEFAULT_DAYS) -> NewToken:
    """Make a token for ``user``; the caller shows ``secret`` once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ServiceError("Give the token a name of up to 100 characters.", field="name")
    if not 1 <= expires_in_days <= MAX_DAYS:
        raise ServiceError("A token expires after 1 to 365 days.", field="expires_in_days")
    if len(active_tokens(session, user)) >= MAX_TOKENS_PER_USER:
        raise ServiceError("You have too many tokens; revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=expires_in_days)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret),
                     prefix=secret[:10], scope=scope, expires_at=expires_at)
    session.add(token)
    session.flush()
    record_event(session, user, "api_token.create", token,
                 after={"name": name, "scope": scope.value, "expires_at": expires_at.isoformat()})
    return NewToken(token, secret)


def active_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens that are not revoked, newest first."""
    query = (select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
             .order_by(ApiToken.id.desc()))
    return list(session.scalars(query))


def revoke_token(session: Session, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotAllowed("This is not one of your tokens.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_reason = RevokeReason.OWNER
        session.flush()
        record_event(session, user, "api_token.revoke", token)


def revoke_all(session: Session, users: list[User], reason: RevokeReason) -> int:
    """Revoke every token of ``users`` that is not revoked yet; how many were."""
    if not users:
        return 0
    query = (update(ApiToken)
             .where(ApiToken.user_id.in_([u.id for u in users]), ApiToken.revoked_at.is_(None))
             .values(revoked_at=utcnow(), revoked_reason=reason))
    return int(cast(CursorResult[Any], session.execute(query)).rowcount)


def find_token(session: Session, secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this secret, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    query = select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
    token = session.scalars(query).first()
    if token is None or not token.is_usable(now or utcnow()):
        return None
    return token


def needs_touch(token: ApiToken, now: datetime) -> bool:
    """True when last_used_at is stale enough to be written again."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION
