"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from aidregistry.models.base import Base, UTCDateTime, utcnow
from aidregistry.models.user import User


class AuditEvent(Base):
    """Who did what to which record, when, with the data that changed."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), comment="e.g. organisation.verify")
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(_mapper: Mapper[Any], _connection: Any, target: AuditEvent) -> None:
    raise AppendOnlyError(f"audit event {target.id} is append-only")


# The ORM guard above stops this application's code; these triggers stop everything that
# talks to the database, a psql session or another program included (migration 5a1d…).
POSTGRESQL_GUARD = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege'; "
    "END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
)
POSTGRESQL_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
)
SQLITE_GUARD = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
    for verb in ("UPDATE", "DELETE")
)
SQLITE_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
)

for _statement in POSTGRESQL_GUARD:
    event.listen(
        AuditEvent.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="postgresql"),  # type: ignore[no-untyped-call]
    )
for _statement in SQLITE_GUARD:
    event.listen(
        AuditEvent.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
    )
