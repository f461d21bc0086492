"""A member's own pages: the organisation's dashboard and the password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import Allocation, AllocationStatus, Donation, Need
from aidregistry.models.base import today
from aidregistry.services import accounts
from aidregistry.services.errors import ServiceError
from aidregistry.web.account.forms import PasswordChangeForm
from aidregistry.web.limits import password_check_per_account, password_check_per_address

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """The organisation's donations and needs with their remaining quantities."""
    if current_user.is_coordinator:
        return redirect(url_for("coordination.queue"))
    org = current_user.organisation
    donations = db.session.scalars(
        select(Donation).filter_by(organisation_id=org.id).order_by(Donation.id.desc())
    ).all()
    needs = db.session.scalars(
        select(Need).filter_by(organisation_id=org.id).order_by(Need.id.desc())
    ).all()
    to_confirm = db.session.scalars(
        select(Allocation)
        .join(Donation)
        .where(Donation.organisation_id == org.id, Allocation.status == AllocationStatus.ACCEPTED)
    ).all()
    coming = db.session.scalars(
        select(Allocation)
        .join(Need)
        .where(
            Need.organisation_id == org.id,
            Allocation.status.in_(
                (AllocationStatus.ACCEPTED, AllocationStatus.CONFIRMED, AllocationStatus.SHIPPED)
            ),
        )
        .order_by(Allocation.id.desc())
    ).all()
    return render_template(
        "account/dashboard.html",
        org=org,
        donations=donations,
        needs=needs,
        today=today(),
        to_confirm=to_confirm,
        coming=coming,
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
@password_check_per_account
@password_check_per_address
def password() -> ResponseReturnValue:
    """Change the password; every other session and every API token ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session(),
                current_app.extensions["aidregistry.hasher"],
                current_user,
                form.current_password.data,
                form.new_password.data,
            )
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "new_password").errors.append(_(exc.message))
        else:
            from aidregistry.web.auth.links import send_password_notice

            send_password_notice(current_user)
            db.session.commit()
            login_user(
                current_user._get_current_object()
            )  # this device stays signed in with the new token
            current_app.logger.info("password changed for user %s", current_user.id)
            flash(
                _("Your password is changed. Other devices are signed out and your API "
                  "tokens are revoked."),
                "success",
            )
            return redirect(url_for("account.dashboard"))
    return render_template("account/password.html", form=form)


from aidregistry.web.account import security as _security  # noqa: E402, F401 - its routes
