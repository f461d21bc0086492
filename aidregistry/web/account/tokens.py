"""A member's personal API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from aidregistry.extensions import db
from aidregistry.models import ApiScope
from aidregistry.models.base import utcnow
from aidregistry.services import api_tokens
from aidregistry.services.accounts import confirm_password
from aidregistry.services.errors import ServiceError
from aidregistry.web.api.spec import session
from aidregistry.web.forms import as_choices
from aidregistry.web.limits import password_check_per_account, password_check_per_address

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    """A new token's name, scope and lifetime."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, e.g. “warehouse sync”."),
    )
    scope = SelectField(
        _l("Scope"),
        choices=as_choices([("read", _l("Read only")), ("write", _l("Read and write"))]),
        default="read",
    )
    expires_in_days = IntegerField(
        _l("Expires after (days, at most 365)"),
        validators=[InputRequired(), NumberRange(1, api_tokens.MAX_DAYS)],
        default=api_tokens.DEFAULT_DAYS,
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("A token acts as you until it expires: confirm that you are you."),
    )


class RevokeForm(FlaskForm):
    """A CSRF-protected button."""


@bp.route("/", methods=["GET", "POST"])
@login_required
@password_check_per_account
@password_check_per_address
def index() -> ResponseReturnValue:
    """List the person's tokens; a valid submission (with the password) makes one, shown once."""
    form, secret = TokenForm(), None
    if form.validate_on_submit():
        try:
            confirm_password(current_app.extensions["aidregistry.hasher"], current_user,
                             form.password.data)
            made = api_tokens.create_token(
                session(),
                current_user,
                form.name.data,
                ApiScope(form.scope.data),
                form.expires_in_days.data,
            )
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(_(exc.message))
        else:
            db.session.commit()
            # Rendered, not redirected: the secret never travels in a flash cookie.
            secret = made.secret
            form = TokenForm(formdata=None)
    tokens = api_tokens.active_tokens(session(), current_user)
    return render_template(
        "account/tokens.html", form=form, tokens=tokens, secret=secret, revoke_form=RevokeForm(),
        now=utcnow(),
    )


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of the person's tokens."""
    if RevokeForm().validate_on_submit():
        try:
            api_tokens.revoke_token(session(), current_user, token_id)
        except ServiceError as exc:
            db.session.rollback()
            flash(_(exc.message), "danger")
        else:
            db.session.commit()
            flash(_("The token is revoked."), "info")
    return redirect(url_for("tokens.index"))
