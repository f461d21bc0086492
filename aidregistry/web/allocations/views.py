"""One allocation, seen by its donor, its recipient and coordinators; pledge and cancel."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from aidregistry.extensions import db
from aidregistry.models import Allocation, ReasonCode
from aidregistry.services import allocations
from aidregistry.services.errors import NotAllowed, ServiceError
from aidregistry.web.coordination.forms import CancelForm
from aidregistry.web.forms import commit_or_refuse

bp = Blueprint("allocations", __name__, url_prefix="/allocations")


def _visible(allocation_id: int) -> Allocation:
    allocation = db.get_or_404(Allocation, allocation_id)
    party = current_user.organisation_id in (
        allocation.donation.organisation_id,
        allocation.need.organisation_id,
    )
    if not (current_user.is_coordinator or party):
        abort(403)
    return allocation


@bp.get("/<int:allocation_id>")
@login_required
def detail(allocation_id: int) -> ResponseReturnValue:
    """Who gives what to whom, why, and where it stands."""
    allocation = _visible(allocation_id)
    return render_template(
        "allocations/detail.html",
        allocation=allocation,
        confirm_form=FlaskForm(),
        cancel_form=CancelForm(),
    )


def _refused(exc: ServiceError) -> None:
    """A person who may not act on this allocation gets 403; any other refusal is flashed."""
    if isinstance(exc, NotAllowed):
        abort(403)
    flash(_(exc.message), "danger")


@bp.post("/<int:allocation_id>/confirm")
@login_required
def confirm(allocation_id: int) -> ResponseReturnValue:
    """The donor pledges the goods."""
    allocation = _visible(allocation_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if commit_or_refuse(partial(allocations.confirm, db.session(), current_user, allocation),
                        show=_refused):
        flash(_("Pledge confirmed. The recipient sees the goods as coming."), "success")
    return redirect(url_for("allocations.detail", allocation_id=allocation.id))


@bp.post("/<int:allocation_id>/cancel")
@login_required
def cancel(allocation_id: int) -> ResponseReturnValue:
    """Cancel with a reason; the quantities return to the donation and the need."""
    allocation = _visible(allocation_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    if commit_or_refuse(partial(allocations.cancel, db.session(), current_user, allocation,
                                ReasonCode(form.reason_code.data), form.reason_text.data),
                        show=_refused):
        flash(_("The allocation is cancelled and its quantities are free again."), "info")
    return redirect(url_for("allocations.detail", allocation_id=allocation.id))
