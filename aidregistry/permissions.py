"""Who may do what: permissions named ``resource:action``, roles, and one decorator.

Templates use the same predicates (``can``) so that a button is shown exactly when
its route would answer 200.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from aidregistry.models import User

F = TypeVar("F", bound=Callable[..., Any])


class Permission(StrEnum):
    """Actions that need more than being signed in."""

    DONATION_CREATE = "donation:create"
    NEED_CREATE = "need:create"
    ORGANISATION_VERIFY = "organisation:verify"
    ALLOCATION_APPROVE = "allocation:approve"
    ALLOCATION_CONFIRM = "allocation:confirm"
    MATCH_RUN = "match:run"
    SHIPMENT_RECORD = "shipment:record"
    RECEIPT_CONFIRM = "receipt:confirm"
    AUDIT_READ = "audit:read"


COORDINATOR_PERMISSIONS = frozenset(
    {
        Permission.ORGANISATION_VERIFY,
        Permission.ALLOCATION_APPROVE,
        Permission.MATCH_RUN,
        Permission.AUDIT_READ,
        Permission.SHIPMENT_RECORD,
    }
)


def permissions_of(user: User | None) -> frozenset[Permission]:
    """Everything ``user`` may do (nothing when anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    granted: set[Permission] = set()
    if user.is_coordinator:
        granted |= COORDINATOR_PERMISSIONS
        return frozenset(granted)
    org = user.organisation
    # Pending organisations may draft; nothing of theirs is public until verified.
    if org.state.value in ("pending", "verified"):
        if org.can_donate:
            granted |= {
                Permission.DONATION_CREATE,
                Permission.ALLOCATION_CONFIRM,
                Permission.SHIPMENT_RECORD,
            }
        if org.can_receive:
            granted |= {Permission.NEED_CREATE, Permission.RECEIPT_CONFIRM}
    return frozenset(granted)


def can(permission: Permission | str, user: Any = None) -> bool:
    """True when ``user`` (default: the signed-in person) holds ``permission``."""
    who = current_user if user is None else user
    return Permission(permission) in permissions_of(who if who.is_authenticated else None)


def can_edit(record: Any, user: Any = None) -> bool:
    """True when ``user`` may change ``record`` (a member of its organisation)."""
    who = current_user if user is None else user
    if not who.is_authenticated or who.is_coordinator:
        return False
    return bool(
        record.organisation_id == who.organisation_id
        and who.organisation.state.value in ("pending", "verified")
    )


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Answer 401 (sign-in page) for anonymous people and 403 without ``permission``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
