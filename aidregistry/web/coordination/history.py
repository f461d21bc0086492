"""A record's audit history for coordinators: who changed what, when, before and after."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import AuditEvent
from aidregistry.permissions import Permission, permission_required
from aidregistry.web.coordination.views import bp

# The entity types services write (type(entity).__name__.lower()); anything else is a 404.
ENTITY_TYPES = frozenset(
    {"organisation", "donation", "need", "allocation", "shipment", "user", "apitoken", "matchrun"}
)
PAGE_SIZE = 500


@bp.get("/history/<entity_type>/<int:entity_id>")
@permission_required(Permission.AUDIT_READ)
def history(entity_type: str, entity_id: int) -> ResponseReturnValue:
    """Every audit event of one record, newest first."""
    if entity_type not in ENTITY_TYPES:
        abort(404)
    events = db.session.scalars(
        select(AuditEvent)
        .filter_by(entity_type=entity_type, entity_id=entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
    ).all()
    return render_template(
        "coordination/history.html", events=events, entity_type=entity_type, entity_id=entity_id
    )
