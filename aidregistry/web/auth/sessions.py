"""How a sign-in becomes a session, and when a session ends by itself.

After the password, a person with a second factor (and every coordinator, who must have
one) is only *pending*: the session cookie names them for ten minutes, and nothing but the
second-factor pages treat them as signed in. Then :func:`start_session` signs them in.

A session ends after the idle time of its role (``AIDREGISTRY_IDLE_MINUTES_COORDINATOR``,
default 30, and ``AIDREGISTRY_IDLE_MINUTES``, default 240) and after 12 hours whatever
happens (``PERMANENT_SESSION_LIFETIME``). The times live in the signed session cookie, so
that a read needs no database write; a copied cookie carries its own last-seen time and
expires like the original. Remember-me restores a member's session from its 14-day cookie;
coordinators get no remember-me cookie, and one restored from an older cookie is refused,
so their idle time always applies.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_login.utils import decode_cookie

from aidregistry.extensions import db
from aidregistry.models import User
from aidregistry.services import second_factor
from aidregistry.web.redirects import safe_next
from aidregistry.web.security_log import security_event

PENDING = "pending_sign_in"
PENDING_SECONDS = 600
SEEN_RESOLUTION = 60  # the last-seen time is rewritten at most once a minute
# Requests that are no one's activity: files, the health check, the API (tokens, no session).
NOT_ACTIVITY = frozenset({"static", "assets.asset", "health.healthz"})


def _now() -> int:
    return int(time.time())


def after_password(user: User, remember: bool, next_url: str | None) -> ResponseReturnValue:
    """The password was right: sign in, or ask for the second factor (or its enrolment)."""
    if not (user.has_second_factor or second_factor.required(user)):
        start_session(user, remember)
        return redirect(safe_next(next_url, url_for("account.dashboard")))
    session[PENDING] = {
        "user": user.id,
        "version": user.session_version,
        "remember": bool(remember),
        "at": _now(),
        "next": next_url,
    }
    target = "auth.second_factor" if user.has_second_factor else "auth.enrol"
    return redirect(url_for(target))


def pending_user() -> User | None:
    """The person between password and second factor, for ten minutes at most."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or _now() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user


def finish_pending(user: User) -> str:
    """The second factor passed (or was just enrolled): sign the pending person in; where
    they were going."""
    pending = session.pop(PENDING, {})
    start_session(user, bool(pending.get("remember")))
    return safe_next(pending.get("next"), url_for("account.dashboard"))


def start_session(user: User, remember: bool) -> None:
    """Sign ``user`` in on this device; coordinators are never remembered."""
    session.pop(PENDING, None)
    login_user(user, remember=remember and not user.is_coordinator)
    now = _now()
    session["signed_in_at"], session["seen"] = now, now
    security_event("sign_in.success", user=user)


def idle_seconds(user: Any) -> int:
    """How long a session of ``user`` may stay unused."""
    key = (
        "AIDREGISTRY_IDLE_MINUTES_COORDINATOR"
        if user.is_coordinator
        else "AIDREGISTRY_IDLE_MINUTES"
    )
    return int(current_app.config[key]) * 60


def _remembered(user: Any) -> bool:
    cookie = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    return bool(cookie) and not user.is_coordinator and decode_cookie(cookie) == user.get_id()


def _end(user: Any, reason: str) -> None:
    minutes = idle_seconds(user) // 60
    security_event("session.ended", user=user, reason=reason)
    logout_user()
    if reason == "idle":
        flash(
            _(
                "You were signed out after %(minutes)s minutes without activity. Please sign "
                "in again.",
                minutes=minutes,
            ),
            "info",
        )
    else:
        flash(_("Your session has ended. Please sign in again."), "info")


def _enforce_limits() -> None:
    if request.endpoint in NOT_ACTIVITY or request.blueprint == "api":
        return
    if not current_user.is_authenticated:
        return
    now, user = _now(), current_user
    started, seen = session.get("signed_in_at"), session.get("seen")
    if started is None or seen is None:  # restored from a remember-me cookie
        if user.is_coordinator:
            _end(user, "remembered")
            return
        session["signed_in_at"], session["seen"] = now, now
        return
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    idle, old = now - seen > idle_seconds(user), now - started > lifetime
    if (idle or old) and _remembered(user):
        session["signed_in_at"], session["seen"] = now, now  # what the cookie is for
    elif idle or old:
        _end(user, "idle" if idle else "absolute")
    elif now - seen >= SEEN_RESOLUTION:
        session["seen"] = now


def register_session_limits(app: Flask) -> None:
    """End idle and old sessions before any view runs."""
    app.before_request(_enforce_limits)
