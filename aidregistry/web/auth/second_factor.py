"""The second factor at sign-in: the code (or a recovery code), and enrolment.

Enrolment shows the key as a QR code drawn here (segno, inline SVG: no outside service sees
the key) and as text to type by hand; the candidate key waits in the signed session cookie
of the person enrolling until a code from their app proves they have it. The recovery codes
are shown once, on the page that answers the enrolment, never in a redirect or a cookie.
"""

from __future__ import annotations

import io
import logging

import segno
from flask import abort, current_app, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from aidregistry.extensions import db, limiter
from aidregistry.models import User
from aidregistry.services import second_factor
from aidregistry.services.accounts import confirm_password
from aidregistry.services.errors import ServiceError
from aidregistry.web.auth.sessions import finish_pending, pending_user
from aidregistry.web.auth.views import bp
from aidregistry.web.limits import SIGN_IN_LIMIT
from aidregistry.web.security_log import security_event

ENROL_SECRET = "enrol_secret"  # noqa: S105 - the session key's name, not a secret


class CodeForm(FlaskForm):
    """A code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("The six digits your app shows now, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "autofocus": True},
    )


class EnrolForm(FlaskForm):
    """The first code from the app; the password too when already signed in."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=1024)])


def _pending_key() -> str:
    user = pending_user()
    return f"second-factor:{user.id}" if user is not None else "second-factor:none"


@bp.route("/second-factor", methods=["GET", "POST"], endpoint="second_factor")
@limiter.limit("5 per 5 minutes;20 per hour;50 per day", key_func=_pending_key, methods=["POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def second_factor_page() -> ResponseReturnValue:
    """The second step of signing in."""
    user = pending_user()
    if user is None or not user.has_second_factor:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.check(db.session(), user, form.code.data):
            db.session.commit()
            return redirect(finish_pending(user))
        db.session.rollback()
        security_event("second_factor.failure", user=user, level=logging.WARNING)
        form.code.errors.append(_("The code is not correct or was already used."))
    return render_template("auth/second_factor.html", form=form)


def enrolling_user() -> tuple[User, bool] | None:
    """Who is enrolling: a coordinator at their first sign-in (pending), or a signed-in person
    (who types the password again); the flag says which."""
    if current_user.is_authenticated:
        return current_user._get_current_object(), True
    user = pending_user()
    return (user, False) if user is not None else None


def qr_svg(uri: str) -> Markup:
    """The QR code of ``uri`` as inline SVG, drawn here."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=5,
        border=2,
        title=_("QR code for your authenticator app"),
    )
    return Markup(out.getvalue().decode("utf-8"))  # noqa: S704 - segno's own markup, no input


@bp.route("/second-factor/enrol", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def enrol() -> ResponseReturnValue:
    """Turn on the second factor: scan or type the key, prove it with a code."""
    who = enrolling_user()
    if who is None:
        return redirect(url_for("auth.login"))
    user, signed_in = who
    if user.has_second_factor:
        abort(404)
    secret = session.get(ENROL_SECRET) or second_factor.new_secret()
    session[ENROL_SECRET] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            if signed_in:
                hasher = current_app.extensions["aidregistry.hasher"]
                confirm_password(hasher, user, form.password.data or "")
            codes = second_factor.enrol(db.session(), user, secret, form.code.data)
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "code").errors.append(_(exc.message))
        else:
            db.session.commit()
            session.pop(ENROL_SECRET, None)
            security_event("second_factor.enrolled", user=user)
            return _show_codes(user, codes, signed_in)
    uri = second_factor.provisioning_uri(secret, user.email)
    return render_template(
        "auth/enrol.html",
        form=form,
        qr=qr_svg(uri),
        key=second_factor.grouped(secret),
        signed_in=signed_in,
        required=second_factor.required(user),
    )


def _show_codes(user: User, codes: list[str], signed_in: bool) -> ResponseReturnValue:
    onward = url_for("account.security") if signed_in else finish_pending(user)
    return render_template("auth/recovery_codes.html", codes=codes, onward=onward)
