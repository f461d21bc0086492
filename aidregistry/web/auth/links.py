"""The pages behind e-mailed links: confirming a sign-up and resetting a password.

Every answer that could tell whether an address has an account is the same for both.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from aidregistry.extensions import db, limiter
from aidregistry.models import User
from aidregistry.services import accounts
from aidregistry.services.account_links import (
    end_signup_link,
    read_signup_token,
    reset_token,
    signup_token,
    user_for_reset_token,
)
from aidregistry.services.errors import ServiceError
from aidregistry.services.mailer import Mail, send
from aidregistry.services.signup import Signup, complete_signup
from aidregistry.web.auth.forms import ConfirmForm, ResetPasswordForm, ResetRequestForm
from aidregistry.web.auth.sessions import start_session
from aidregistry.web.auth.views import bp


def _reset_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _hasher() -> Any:
    return current_app.extensions["aidregistry.hasher"]


def send_signup_mail(signup: Signup, email: str) -> None:
    """A confirmation link for a new address, a notice to the owner of a known one.

    The link is signed on both branches, so that a known address costs what a new one does.
    """
    token = signup_token(db.session(), signup.registration)
    link = url_for("auth.confirm_signup", token=token, _external=True)
    if signup.known:
        body = _(
            "Someone tried to register an organisation with this e-mail address, which "
            "already has an account. If it was you, sign in at %(url)s or reset your "
            "password; otherwise you can ignore this message.",
            url=url_for("auth.login", _external=True),
        )
        send(db.session(), Mail(email, _("Sign-up attempt with your address"), body))
        return
    body = _("Confirm your registration within 24 hours: %(link)s", link=link)
    send(db.session(), Mail(email, _("Confirm your AidRegistry registration"), body, secret=True))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token: str) -> ResponseReturnValue:
    """Create the account once the address's owner confirms (a POST: links may be prefetched)."""
    data = read_signup_token(db.session(), token)
    if data is None:
        return render_template("auth/link_invalid.html"), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = complete_signup(db.session(), _hasher(), data)
            end_signup_link(db.session(), token)
        except ServiceError as exc:
            db.session.rollback()
            flash(_(exc.message), "danger")
            return redirect(url_for("auth.login"))
        db.session.commit()
        start_session(user, remember=False)
        flash(
            _(
                "Welcome. Your organisation is waiting for a coordinator to verify it; "
                "you can already record drafts."
            ),
            "success",
        )
        return redirect(url_for("account.dashboard"))
    return render_template("auth/confirm.html", form=form, email=data.get("email", ""))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=_reset_key, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    """Send a reset link if the address has an account; answer the same either way."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user(db.session(), form.email.data)
        send(db.session(), reset_mail(form.email.data, user))
        db.session.commit()
        return render_template("auth/check_email.html")
    return render_template("auth/reset_request.html", form=form)


def reset_mail(email: str, user: User | None) -> Mail:
    """A reset link for an active account; any other address is told that it has none.

    Both branches store a link and build its URL, so an unknown address costs what a
    known one does; the mail goes to the address, never to whoever asked.
    """
    account = user if user is not None and user.active else None
    token = reset_token(db.session(), accounts.normalise_email(email), account)
    link = url_for("auth.reset_password", token=token, _external=True)
    if account is None:
        body = _(
            "Someone asked to reset the password of an AidRegistry account with this e-mail "
            "address, but no active account uses it. To register an organisation, go to "
            "%(url)s; otherwise you can ignore this message.",
            url=url_for("auth.register", _external=True),
        )
        return Mail(accounts.normalise_email(email), _("Password reset requested"), body)
    body = _(
        "Set a new password within one hour: %(link)s\n"
        "If you did not ask for this, ignore this message; your password stays as it is.",
        link=link,
    )
    return Mail(account.email, _("Reset your AidRegistry password"), body, secret=True)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """Set a new password through a link that works once, for an hour."""
    user = user_for_reset_token(db.session(), token)
    if user is None:
        return render_template("auth/link_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(db.session(), _hasher(), user, form.password.data)
        except ServiceError as exc:
            db.session.rollback()
            form.password.errors = [*form.password.errors, _(exc.message)]
        else:
            send_password_notice(user)
            db.session.commit()
            flash(_("Your password is set. Please sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def send_password_notice(user: User) -> None:
    """Tell the owner that the password changed, in case it was not them (with the commit)."""
    body = _(
        "The password of your AidRegistry account was changed and every session was "
        "signed out. If this was not you, reset your password at %(url)s and tell a "
        "coordinator.",
        url=url_for("auth.reset_request", _external=True),
    )
    send(db.session(), Mail(user.email, _("Your AidRegistry password was changed"), body))
