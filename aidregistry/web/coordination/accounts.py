"""Coordinators act on people's accounts: deactivate or reactivate one, reset a lost second
factor."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from aidregistry.extensions import db
from aidregistry.models import User
from aidregistry.permissions import Permission, permission_required
from aidregistry.services import accounts, second_factor
from aidregistry.services.errors import ServiceError
from aidregistry.web.coordination.views import bp


class ActiveForm(FlaskForm):
    """Deactivate (active=0) or reactivate (active=1) an account."""

    active = HiddenField()


@bp.post("/users/<int:user_id>/active")
@permission_required(Permission.ORGANISATION_VERIFY)
def set_active(user_id: int) -> ResponseReturnValue:
    """Deactivate an account (its sessions end, its API tokens are revoked) or reactivate it."""
    user = db.get_or_404(User, user_id)
    form = ActiveForm()
    if form.validate_on_submit() and form.active.data in ("0", "1"):
        try:
            accounts.set_active(db.session(), current_user, user, form.active.data == "1")
        except ServiceError as exc:
            db.session.rollback()
            flash(_(exc.message), "danger")
        else:
            db.session.commit()
            message = (
                _("%(name)s can sign in again.", name=user.name)
                if user.active
                else _("%(name)s is deactivated: signed out, API tokens revoked.", name=user.name)
            )
            flash(message, "success")
    return redirect(url_for("coordination.organisation", org_id=user.organisation_id))


class ResetForm(FlaskForm):
    """How the coordinator made sure the request is the owner's."""

    reason = StringField(validators=[DataRequired(), Length(max=500)])


@bp.post("/users/<int:user_id>/second-factor/reset")
@permission_required(Permission.ORGANISATION_VERIFY)
def reset_second_factor(user_id: int) -> ResponseReturnValue:
    """Clear someone's lost second factor (audited): they enrol again at the next sign-in."""
    user = db.get_or_404(User, user_id)
    form = ResetForm()
    if not form.validate_on_submit():
        flash(_("Say how you checked that the request is genuine."), "danger")
    else:
        try:
            second_factor.reset(db.session(), current_user, user, form.reason.data)
        except ServiceError as exc:
            db.session.rollback()
            flash(_(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The second factor of %(name)s is reset; they set it up again when they "
                    "next sign in.", name=user.name), "success")
    return redirect(url_for("coordination.organisation", org_id=user.organisation_id))
