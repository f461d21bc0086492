"""The second factor: a time-based one-time code (TOTP, RFC 6238, through pyotp) and one-time
recovery codes, kept only as their sha256 (each holds 80 random bits).

Coordinators must have one (ASVS 5.0 level 2 for accounts that act across organisations);
everyone else may. A code is accepted once: the time step of the last accepted code is kept
and only a later one passes, by a conditional update, so that two requests racing with the
same code cannot both win. The same holds for a recovery code, whose row is marked used.
A lost phone is handled by the recovery codes, or by a coordinator who resets the factor
(audited; the owner enrols again at the next sign-in).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any, cast

import pyotp
from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.orm import Session

from aidregistry.models import RecoveryCode, User, UserRole
from aidregistry.models.base import utcnow
from aidregistry.services.audit import record_event
from aidregistry.services.errors import NotAllowed, ServiceError

ISSUER = "AidRegistry"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back
RECOVERY_LENGTH = 16  # 16 × 5 bits = 80 bits
STEP_SECONDS = 30
DRIFT_STEPS = 1  # the previous and the next code count too (a phone's clock drifts)


def required(user: User) -> bool:
    """Coordinators and admins cannot sign in without a second factor."""
    return bool(user.is_coordinator)


def new_secret() -> str:
    """A new TOTP key (160 bits, base32) for an enrolment."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The key in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _digits(code: str) -> str:
    return "".join(char for char in code if not char.isspace())


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = _digits(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, current = pyotp.TOTP(secret), int(now) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _recovery_hash(code: str) -> str:
    normal = "".join(char for char in code.upper() if char.isalnum())
    return hashlib.sha256(normal.encode("ascii", "ignore")).hexdigest()


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(raw)))
    session.flush()
    return codes


def enrol(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on with ``secret`` once ``code`` proves the app has it; returns
    the recovery codes, to be shown once."""
    step = _matching_step(secret, code, time.time())
    if step is None:
        raise ServiceError("The code is not correct. Check the time on your phone.", field="code")
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), step
    codes = _new_recovery_codes(session, user)
    record_event(session, user, "user.second_factor_enrol", user)
    return codes


def check(session: Session, user: User, code: str, now: float | None = None) -> bool:
    """True, once, for a current TOTP code or an unused recovery code of ``user``."""
    if not user.has_second_factor:
        return False
    step = _matching_step(cast(str, user.totp_secret), code, now or time.time())
    if step is not None:
        taken = (
            update(User)
            .where(
                User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step)
            )
            .values(totp_last_step=step)
        )
        return _changed_one(session, taken)
    used = (
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if _changed_one(session, used):
        record_event(session, user, "user.recovery_code_use", user)
        return True
    return False


def _changed_one(session: Session, statement: Any) -> bool:
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount) == 1


def recovery_codes_left(session: Session, user: User) -> int:
    """How many of ``user``'s recovery codes are still unused."""
    query = (
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return int(session.scalar(query) or 0)


def renew_recovery_codes(session: Session, user: User) -> list[str]:
    """New recovery codes (the old ones stop working)."""
    if not user.has_second_factor:
        raise ServiceError("Turn on the second factor first.")
    codes = _new_recovery_codes(session, user)
    record_event(session, user, "user.recovery_codes_renew", user)
    return codes


def _clear(session: Session, user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()


def disable(session: Session, user: User) -> None:
    """The owner turns the second factor off (not a coordinator: theirs is required)."""
    if required(user):
        raise ServiceError("Coordinators must keep a second factor.")
    _clear(session, user)
    record_event(session, user, "user.second_factor_disable", user)


def reset(session: Session, actor: User | None, user: User, reason: str) -> None:
    """A coordinator clears someone's lost second factor; their sessions end and they enrol
    again at the next sign-in (coordinators must; others may). ``actor`` None is the server's
    operator, on the command line (the last coordinator who lost both phone and codes)."""
    if actor is not None:
        _may_reset(actor, user)
    if not reason.strip():
        raise ServiceError("Say how you checked that the request is genuine.", field="reason")
    _clear(session, user)
    user.session_version += 1
    record_event(session, actor, "user.second_factor_reset", user, reason=reason.strip())


def _may_reset(actor: User, user: User) -> None:
    if not actor.is_coordinator:
        raise NotAllowed("Only coordinators reset a second factor.")
    if actor.id == user.id:
        raise ServiceError("Use one of your recovery codes, or ask another coordinator.")
    if user.role is UserRole.ADMIN and actor.role is not UserRole.ADMIN:
        raise NotAllowed("Only an admin resets an admin's second factor.")
