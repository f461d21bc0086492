"""Sign in, sign out, sign up."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from aidregistry.domain.places import Place
from aidregistry.extensions import db, limiter
from aidregistry.models import LocationPrecision, OrgKind, OrgRole
from aidregistry.services import accounts
from aidregistry.services.errors import ServiceError
from aidregistry.services.lookalikes import verified_namesake
from aidregistry.services.signup import Signup, SignupText, prepare_signup, signup_problems
from aidregistry.web.auth.forms import LoginForm, RegisterForm
from aidregistry.web.auth.sessions import after_password
from aidregistry.web.forms import resolve_place, show_service_error
from aidregistry.web.security_log import security_event

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per 5 minutes", methods=["POST"])
@limiter.limit("10 per 5 minutes", key_func=_login_key, methods=["POST"])
def login() -> ResponseReturnValue:
    """One generic message for every failed sign-in."""
    form = LoginForm()
    if form.validate_on_submit():
        hasher = current_app.extensions["aidregistry.hasher"]
        user = accounts.authenticate(db.session(), hasher, form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            return after_password(user, form.remember.data, request.args.get("next"))
        target = accounts.find_user(db.session(), form.email.data)
        security_event("sign_in.failure", user=target, level=logging.WARNING)
        flash(_("The e-mail address or password is not correct."), "danger")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out everywhere: every cookie issued so far stops working."""
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.index"))


def _signup_accepted(_response: Response) -> bool:
    return bool(g.get("signup_accepted"))


# Only accepted sign-ups count against the first limit: a form sent back with errors costs
# nothing, so a few typos never lock out an office behind one address. The second limit
# counts every attempt, as a ceiling against floods.
@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"], deduct_when=_signup_accepted)
@limiter.limit("60 per hour", methods=["POST"])
def register() -> ResponseReturnValue:
    """A person registers their organisation (pending) and themselves, after confirming.

    A new address and a known one get the same answer (no account enumeration): the
    first a confirmation link, the second a notice to the account's owner.
    """
    from aidregistry.web.auth.links import send_signup_mail

    form = RegisterForm()
    if form.is_submitted():
        signup = _checked_signup(form)
        if signup is not None:
            send_signup_mail(signup, form.email.data)
            db.session.commit()  # hands the message to the sender
            g.signup_accepted = True
            return render_template("auth/check_email.html")
    return render_template("auth/register.html", form=form)


def _checked_signup(form: RegisterForm) -> Signup | None:
    """The checked sign-up, or None with every field's problem on the form at once."""
    valid = form.validate()
    place = _resolve_place(form)
    problems = signup_problems(db.session(), _signup_text(form))
    for problem in problems:
        show_service_error(form, problem)
    namesake = _unconfirmed_namesake(form)
    if not valid or place is None or problems or namesake:
        return None
    try:
        return prepare_signup(
            db.session(),
            current_app.extensions["aidregistry.hasher"],
            _org_input(form, place),
            _person_input(form),
        )
    except ServiceError as exc:
        db.session.rollback()
        show_service_error(form, exc)
        return None


def _resolve_place(form: RegisterForm) -> Place | None:
    if not (form.place.data or "").strip() and form.lat.data is None and form.lon.data is None:
        return None  # "this field is required" is already on the form
    country = (form.country.data or "").strip().upper()
    return resolve_place(form, country_hint=country if len(country) == 2 else None)


def _signup_text(form: RegisterForm) -> SignupText:
    return SignupText(
        org_name=form.org_name.data or "",
        org_name_local=form.org_name_local.data or "",
        name=form.name.data or "",
        email=form.email.data or "",
        password=form.password.data or "",
        identifier_scheme=form.identifier_scheme.data or None,
        identifier_value=form.identifier_value.data or None,
    )


def _unconfirmed_namesake(form: RegisterForm) -> bool:
    """Tell the registrant when a verified organisation has the name they typed."""
    names = (form.org_name.data or "", form.org_name_local.data or "")
    namesake = verified_namesake(db.session(), names)
    if namesake is None or form.different_org.data:
        return False
    form.show_different_org = True
    form.org_name.errors = [
        *form.org_name.errors,
        _(
            "A verified organisation named “%(name)s” (%(country)s) is already registered. "
            "If you work for it, ask the coordinators to add you instead of registering it "
            "again; if yours is a different organisation, tick the box below and send the "
            "form again.",
            name=namesake.name,
            country=namesake.country,
        ),
    ]
    return True


def _org_input(form: RegisterForm, place: Place) -> accounts.OrganisationInput:
    scheme = form.identifier_scheme.data or None
    return accounts.OrganisationInput(
        name=form.org_name.data,
        name_local=form.org_name_local.data,
        kind=OrgKind(form.kind.data),
        role=OrgRole(form.role.data),
        country=form.country.data,
        region=place.admin1,
        city=form.place.data,
        lat=place.lat,
        lon=place.lon,
        identifier_scheme=scheme,
        identifier_value=form.identifier_value.data,
        contact_phone=form.contact_phone.data,
        location_precision=LocationPrecision(form.location_precision.data),
    )


def _person_input(form: RegisterForm) -> accounts.PersonInput:
    return accounts.PersonInput(
        name=form.name.data, email=form.email.data, password=form.password.data
    )


from aidregistry.web.auth import links, second_factor  # noqa: E402, F401 - their routes
