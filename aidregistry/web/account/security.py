"""A person's second factor: its state, new recovery codes, turning it off (members only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from aidregistry.extensions import db
from aidregistry.services import second_factor
from aidregistry.services.accounts import confirm_password
from aidregistry.services.errors import ServiceError
from aidregistry.web.account.views import bp
from aidregistry.web.forms import show_service_error
from aidregistry.web.limits import password_check_per_account, password_check_per_address

T = TypeVar("T")


class PasswordConfirmForm(FlaskForm):
    """The password, typed again before a change to the second factor."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])


def _render(renew: PasswordConfirmForm, disable: PasswordConfirmForm) -> ResponseReturnValue:
    return render_template(
        "account/security.html",
        renew_form=renew,
        disable_form=disable,
        codes_left=second_factor.recovery_codes_left(db.session(), current_user),
        required=second_factor.required(current_user),
    )


@bp.get("/security")
@login_required
def security() -> ResponseReturnValue:
    """Whether the second factor is on, and what can be done about it."""
    return _render(PasswordConfirmForm(prefix="renew"), PasswordConfirmForm(prefix="off"))


def _after_password(form: PasswordConfirmForm, change: Callable[[], T]) -> T | None:
    """Run ``change`` once the password typed on ``form`` is right; commit it, or put why
    not on the form."""
    if not form.validate_on_submit():
        return None
    try:
        confirm_password(
            current_app.extensions["aidregistry.hasher"], current_user, form.password.data
        )
        result = change()
    except ServiceError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return None
    db.session.commit()
    return result


@bp.post("/security/recovery-codes")
@login_required
@password_check_per_account
@password_check_per_address
def renew_codes() -> ResponseReturnValue:
    """New recovery codes, shown once; the old ones stop working."""
    form = PasswordConfirmForm(prefix="renew")
    codes = _after_password(
        form, lambda: second_factor.renew_recovery_codes(db.session(), current_user)
    )
    if codes is None:
        return _render(form, PasswordConfirmForm(prefix="off"))
    return render_template(
        "auth/recovery_codes.html", codes=codes, onward=url_for("account.security")
    )


@bp.post("/security/off")
@login_required
@password_check_per_account
@password_check_per_address
def turn_off() -> ResponseReturnValue:
    """Turn the second factor off (members; a coordinator's is required)."""
    form = PasswordConfirmForm(prefix="off")
    def disable() -> bool:
        second_factor.disable(db.session(), current_user)
        return True

    if _after_password(form, disable):
        flash(_("The second factor is off. Your password alone signs you in."), "info")
        return redirect(url_for("account.security"))
    return _render(PasswordConfirmForm(prefix="renew"), form)
