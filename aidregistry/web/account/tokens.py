"""A member's personal API tokens: create (shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from aidregistry.extensions import db
from aidregistry.models import ApiScope
from aidregistry.services import api_tokens
from aidregistry.services.errors import ServiceError
from aidregistry.web.api.spec import session
from aidregistry.web.forms import as_choices

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
        _l("Expires after (days, empty for never)"), validators=[Optional(), NumberRange(1, 366)]
    )


class RevokeForm(FlaskForm):
    """A CSRF-protected button."""


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    """List the person's tokens; a valid submission makes one and shows it once."""
    form, secret = TokenForm(), None
    if form.validate_on_submit():
        try:
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
        "account/tokens.html", form=form, tokens=tokens, secret=secret, revoke_form=RevokeForm()
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
