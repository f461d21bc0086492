"""Coordinators: the queue of organisations to verify, and decisions on them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import AuditEvent, Organisation, OrgRole, VerificationState
from aidregistry.permissions import Permission, permission_required
from aidregistry.services import organisations
from aidregistry.services.errors import ServiceError
from aidregistry.services.lookalikes import possible_duplicates
from aidregistry.web.coordination.forms import DecisionForm

bp = Blueprint("coordination", __name__, url_prefix="/coordination")


@bp.get("/")
@permission_required(Permission.ORGANISATION_VERIFY)
def queue() -> ResponseReturnValue:
    """Pending organisations first, then every other organisation."""
    others = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.state != VerificationState.PENDING,
            Organisation.role != OrgRole.COORDINATOR,
        )
        .order_by(Organisation.name)
    ).all()
    return render_template(
        "coordination/queue.html", pending=organisations.pending_queue(db.session()), others=others
    )


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@permission_required(Permission.ORGANISATION_VERIFY)
def organisation(org_id: int) -> ResponseReturnValue:
    """An organisation's details (contacts included) and the decision form."""
    org = db.get_or_404(Organisation, org_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            organisations.decide(
                db.session(),
                current_user,
                org,
                VerificationState(form.decision.data),
                form.reason.data,
            )
        except ServiceError as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, _(exc.message)]
        else:
            db.session.commit()
            flash(
                _("%(name)s is now %(state)s.", name=org.name, state=_(org.state.value)), "success"
            )
            return redirect(url_for("coordination.queue"))
    history = db.session.scalars(
        select(AuditEvent)
        .filter_by(entity_type="organisation", entity_id=org.id)
        .order_by(AuditEvent.at.desc())
    ).all()
    return render_template(
        "coordination/organisation.html",
        org=org,
        form=form,
        history=history,
        duplicates=possible_duplicates(db.session(), org),
        active_form=_accounts.ActiveForm(),
    )


from aidregistry.web.coordination import accounts as _accounts  # noqa: E402 - its routes
from aidregistry.web.coordination import matching as _matching  # noqa: E402, F401 - registers the matcher routes
