"""Short-lived, single-use links for confirming a sign-up and resetting a password.

A link carries nothing but a random token (32 bytes, 256 bits); the registry keeps its
sha256 with what the link stands for (``AccountLink``). Nothing readable travels in the
URL — not the account, not the sign-up's details, not a password hash — so a link that
ends up in a log, a proxy or a browser's history gives away nothing but itself, and only
until it is used or expires. With that much entropy a plain hash cannot be reversed by
guessing, and a lookup by hash needs no per-row salt (as for API tokens).

Asking for a link does the same work for every address (no account enumeration): a row is
written whether or not the address has an account, and expired rows are removed each time.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aidregistry.models import AccountLink, LinkKind, User
from aidregistry.models.base import utcnow

RESET_MAX_AGE = 60 * 60  # one hour (ASVS 2.5.x: short-lived recovery secrets)
SIGNUP_MAX_AGE = 24 * 60 * 60
LINK_PATHS = ("/auth/reset/", "/auth/register/confirm/")  # where a token sits in a URL


def _max_age(kind: LinkKind) -> timedelta:
    return timedelta(seconds=RESET_MAX_AGE if kind is LinkKind.RESET else SIGNUP_MAX_AGE)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue(
    session: Session,
    kind: LinkKind,
    email: str,
    *,
    user: User | None = None,
    payload: dict[str, Any] | None = None,
) -> str:
    oldest = utcnow() - max(_max_age(LinkKind.RESET), _max_age(LinkKind.SIGNUP))
    session.execute(delete(AccountLink).where(AccountLink.created_at < oldest))
    token = secrets.token_urlsafe(32)
    session.add(
        AccountLink(
            kind=kind,
            token_hash=_hash(token),
            email=email,
            user_id=user.id if user is not None else None,
            payload=payload,
        )
    )
    session.flush()
    return token


def _find(session: Session, kind: LinkKind, token: str) -> AccountLink | None:
    if not token or len(token) > 100:
        return None
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token)))
    if link is None or link.kind is not kind:
        return None
    if utcnow() - link.created_at > _max_age(kind):
        return None
    return link


def reset_token(session: Session, email: str, user: User | None) -> str:
    """A token that lets its holder set ``user``'s password once, within an hour.

    For no user (an address without an active account) the row names no account and the
    token is never sent, but it is made with the same work as a real one.
    """
    return _issue(session, LinkKind.RESET, email, user=user)


def user_for_reset_token(session: Session, token: str) -> User | None:
    """The account a still-valid reset token is for, or None (expired, used, forged)."""
    link = _find(session, LinkKind.RESET, token)
    if link is None or link.user is None or not link.user.active:
        return None
    return link.user


def end_reset_links(session: Session, user: User) -> None:
    """Every reset link of ``user`` stops working (the password was just set or changed)."""
    session.execute(
        delete(AccountLink).where(
            AccountLink.kind == LinkKind.RESET, AccountLink.user_id == user.id
        )
    )


def signup_token(session: Session, registration: dict[str, Any]) -> str:
    """A token standing for a sign-up (kept here, the password only as its hash)."""
    return _issue(
        session, LinkKind.SIGNUP, str(registration.get("email", "")), payload=registration
    )


def read_signup_token(session: Session, token: str) -> dict[str, Any] | None:
    """The sign-up a still-valid confirmation token stands for, or None."""
    link = _find(session, LinkKind.SIGNUP, token)
    return link.payload if link is not None else None


def end_signup_link(session: Session, token: str) -> None:
    """The confirmation link has done its work."""
    session.execute(delete(AccountLink).where(AccountLink.token_hash == _hash(token)))
