"""Writing audit events: who did what to which record, with before and after."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from aidregistry.models import AuditEvent, User


def snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``record`` as JSON-friendly values."""
    return {name: _plain(getattr(record, name)) for name in fields}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def record_event(
    session: Session,
    actor: User | None,
    action: str,
    entity: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append an audit event for ``entity`` (which must have an id after flush)."""
    # Views pass Flask-Login's current_user, a proxy: name the record, not the proxy's class.
    entity = getattr(entity, "_get_current_object", lambda: entity)()
    if entity.id is None:
        session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=type(entity).__name__.lower(),
        entity_id=entity.id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(event)
    session.flush()
    return event
