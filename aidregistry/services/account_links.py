"""Signed, short-lived links for confirming a sign-up and resetting a password.

Both are itsdangerous tokens signed with the app's SECRET_KEY, each with its own salt so
that one kind can never be replayed as the other. A reset token names the account and a
fingerprint of its password hash and session version: the reset changes both, so the
link works once; a sign-up link is single-use because the account it creates then exists.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from aidregistry.models import User

RESET_SALT = "aidregistry.password-reset"
SIGNUP_SALT = "aidregistry.sign-up"
RESET_MAX_AGE = 60 * 60  # one hour (ASVS 2.5.x: short-lived recovery secrets)
SIGNUP_MAX_AGE = 24 * 60 * 60
# As long as an argon2id hash, so that the fingerprint of no account hashes as much.
NO_ACCOUNT_HASH = "$argon2id$v=19$m=19456,t=2,p=1$" + "A" * 22 + "$" + "A" * 43


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(user: User) -> str:
    """Changes whenever the password or the session version changes."""
    return _fingerprint(user.password_hash, user.session_version)


def _fingerprint(password_hash: str, session_version: int) -> str:
    material = f"{password_hash}|{session_version}".encode()
    return hashlib.sha256(material).hexdigest()[:24]


def reset_token(user: User | None) -> str:
    """A token that lets its holder set ``user``'s password once, within an hour.

    For no user (an address without an active account) the token names no account (id 0,
    which no row has) but is made with the same work, so that asking for an unknown address
    costs what asking for a known one does.
    """
    if user is None:
        data = {"u": 0, "f": _fingerprint(NO_ACCOUNT_HASH, 1)}
    else:
        data = {"u": user.id, "f": fingerprint(user)}
    return _serializer(RESET_SALT).dumps(data)


def user_for_reset_token(session: Session, token: str) -> User | None:
    """The account a still-valid reset token is for, or None (expired, used, forged)."""
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=RESET_MAX_AGE)
    except BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.active or fingerprint(user) != data.get("f"):
        return None
    return user


def signup_token(registration: dict[str, Any]) -> str:
    """A token carrying a sign-up (the password only as its hash) until it is confirmed."""
    return _serializer(SIGNUP_SALT).dumps(registration)


def read_signup_token(token: str) -> dict[str, Any] | None:
    """The sign-up a still-valid confirmation token carries, or None."""
    try:
        data = _serializer(SIGNUP_SALT).loads(token, max_age=SIGNUP_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None
