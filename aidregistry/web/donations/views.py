"""Donations: the public list, recording, editing and withdrawing."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from aidregistry.extensions import db
from aidregistry.models import Donation, DonationStatus, Organisation, VerificationState
from aidregistry.models.base import today
from aidregistry.permissions import Permission, can, can_edit, permission_required
from aidregistry.services import records
from aidregistry.services.certificates import FIELD_NAMES, entries_from_fields, form_values
from aidregistry.services.suggestions import Suggested, suggest_needs
from aidregistry.web.choices import item_choices, standard_choices, standards_by_item
from aidregistry.web.donations.forms import DonationForm, WithdrawForm
from aidregistry.web.forms import as_choices, commit_or_refuse, resolve_place, version_of
from aidregistry.web.pagination import date_arg, paginate, text_arg

bp = Blueprint("donations", __name__, url_prefix="/donations")


@bp.get("/")
def index() -> ResponseReturnValue:
    """Verified organisations' donations, filtered by item, country, status and date."""
    query = (
        select(Donation)
        .join(Organisation)
        # each row shows its organisation and its item (one query for the page's items)
        .options(contains_eager(Donation.organisation), selectinload(Donation.item))
        .where(Organisation.state == VerificationState.VERIFIED)
        .order_by(Donation.available_from.desc(), Donation.id.desc())
    )
    filters = {
        "item": text_arg("item"),
        "country": text_arg("country", 2).upper(),
        "status": text_arg("status"),
        "from": date_arg("from"),
        "to": date_arg("to"),
    }
    if filters["item"]:
        query = query.where(Donation.item_code == filters["item"])
    if filters["country"]:
        query = query.where(Organisation.country == filters["country"])
    if filters["status"] in ("available", "withdrawn"):
        query = query.where(Donation.status == filters["status"])
    if filters["from"]:
        query = query.where(Donation.available_from >= filters["from"])
    if filters["to"]:
        query = query.where(Donation.available_from <= filters["to"])
    return render_template(
        "donations/index.html",
        page=paginate(query),
        filters=filters,
        items=item_choices(blank=True),
    )


def _visible_donation(donation_id: int) -> Donation:
    donation = db.get_or_404(Donation, donation_id)
    if donation.organisation.state is not VerificationState.VERIFIED and not (
        current_user.is_authenticated
        and (
            current_user.is_coordinator or current_user.organisation_id == donation.organisation_id
        )
    ):
        abort(404)  # nothing of an unverified organisation is public
    return donation


@bp.get("/<int:donation_id>")
def detail(donation_id: int) -> ResponseReturnValue:
    """One donation, its certificates, source and history; for coordinators, the open needs
    it could serve."""
    donation = _visible_donation(donation_id)
    return render_template(
        "donations/detail.html",
        donation=donation,
        suggested_needs=_suggested_needs(donation),
        today=today(),
    )


def _suggested_needs(donation: Donation) -> list[Suggested] | None:
    """None where suggestions do not apply (not a coordinator, not a matchable donation)."""
    matchable = (
        donation.status is DonationStatus.AVAILABLE
        and donation.organisation.state is VerificationState.VERIFIED
    )
    if not (matchable and can(Permission.ALLOCATION_APPROVE)):
        return None
    return suggest_needs(db.session(), donation, today())


def _prepare(form: DonationForm) -> None:
    form.item_code.choices = as_choices(item_choices())
    form.standard_code.choices = as_choices([("", _("Not stated")), *standard_choices()])


def _input(form: DonationForm, place: Any) -> records.DonationInput:
    return records.DonationInput(
        item_code=form.item_code.data,
        standard_code=form.standard_code.data or None,
        quantity=records.Quantity(
            form.quantity.data or 0,  # validated: present and positive
            form.unit.data == "packs",
            form.pack_size.data,
            form.pack_label.data or None,
        ),
        place=place,
        place_text=form.place.data,
        available_from=form.available_from.data,
        modes=frozenset(form.modes.data or ()),
        manufacturer=form.manufacturer.data or None,
        lot=form.lot.data or None,
        expires_on=form.expires_on.data,
        notes=form.notes.data or None,
        certificates=entries_from_fields({name: getattr(form, name).data for name in FIELD_NAMES}),
    )




def _render_form(form: DonationForm, donation: Donation | None = None) -> ResponseReturnValue:
    return render_template(
        "donations/form.html", form=form, donation=donation, standards_by_item=standards_by_item()
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.DONATION_CREATE)
def new() -> ResponseReturnValue:
    """Record a donation; invalid input stores nothing and says what to fix."""
    form = DonationForm()
    _prepare(form)
    if form.validate_on_submit():
        place = resolve_place(form, country_hint=current_user.organisation.country)
        if place is not None:
            done = commit_or_refuse(
                partial(records.record_donation, db.session(), current_user, _input(form, place)),
                form,
            )
            if done:
                flash(_("The donation is recorded."), "success")
                return redirect(url_for("donations.detail", donation_id=done.value.id))
    return _render_form(form)


def _editable(donation_id: int) -> Donation:
    donation = db.get_or_404(Donation, donation_id)
    if not can_edit(donation):
        abort(403)
    return donation


@bp.route("/<int:donation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(donation_id: int) -> ResponseReturnValue:
    """Change a donation while nothing is allocated from it."""
    donation = _editable(donation_id)
    form = DonationForm(obj=donation)
    _prepare(form)
    if not form.is_submitted():
        _fill(form, donation)
    elif form.validate():
        place = resolve_place(form, country_hint=donation.organisation.country)
        if place is not None and commit_or_refuse(partial(
            records.edit_donation, db.session(), current_user, donation, _input(form, place),
            version_of(form),
        ), form):
            flash(_("The donation is saved."), "success")
            return redirect(url_for("donations.detail", donation_id=donation.id))
    return _render_form(form, donation)


def _fill(form: DonationForm, donation: Donation) -> None:
    form.modes.data = sorted(donation.mode_set)
    form.unit.data = "units"
    form.standard_code.data = donation.standard_code or ""
    form.lat.data, form.lon.data = donation.lat, donation.lon
    form.version.data = str(donation.version)
    for name, value in form_values(donation).items():
        getattr(form, name).data = value


@bp.route("/<int:donation_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(donation_id: int) -> ResponseReturnValue:
    """Withdraw a donation, with a reason."""
    donation = _editable(donation_id)
    form = WithdrawForm()
    if not form.is_submitted():
        form.version.data = str(donation.version)
    elif form.validate() and commit_or_refuse(partial(
        records.withdraw_donation, db.session(), current_user, donation, form.reason.data,
        version_of(form),
    ), form):
        flash(_("The donation is withdrawn."), "info")
        return redirect(url_for("donations.detail", donation_id=donation.id))
    return render_template("donations/withdraw.html", form=form, donation=donation)


def status_label(status: DonationStatus) -> str:
    """The status in the reader's language."""
    labels = {DonationStatus.AVAILABLE: _("available"), DonationStatus.WITHDRAWN: _("withdrawn")}
    return str(labels[status])
