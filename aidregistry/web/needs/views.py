"""Needs: the public list of open needs, posting, editing, reconfirming, closing."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from aidregistry.domain.places import Place
from aidregistry.extensions import db
from aidregistry.models import Need, NeedStatus, Organisation, VerificationState
from aidregistry.models.base import today
from aidregistry.permissions import Permission, can_edit, permission_required
from aidregistry.services import catalogue, records
from aidregistry.web.choices import item_choices, standard_choices, standards_by_item
from aidregistry.web.forms import as_choices, commit_or_refuse, resolve_place, version_of
from aidregistry.web.needs.forms import NeedForm
from aidregistry.web.pagination import date_arg, paginate, text_arg

bp = Blueprint("needs", __name__, url_prefix="/needs")


@bp.get("/")
def index() -> ResponseReturnValue:
    """Open needs of verified recipients, by priority and date."""
    query = (
        select(Need)
        .join(Organisation)
        # each row shows its organisation and its item (one query for the page's items)
        .options(contains_eager(Need.organisation), selectinload(Need.item))
        .where(Organisation.state == VerificationState.VERIFIED)
        .order_by(Need.priority, Need.needed_by, Need.id)
    )
    filters = {
        "item": text_arg("item"),
        "country": text_arg("country", 2).upper(),
        "status": text_arg("status") or "open",
        "from": date_arg("from"),
        "to": date_arg("to"),
    }
    if filters["item"]:
        query = query.where(Need.item_code == filters["item"])
    if filters["country"]:
        query = query.where(Organisation.country == filters["country"])
    if filters["status"] == "open":
        query = query.where(Need.status == NeedStatus.OPEN, Need.expires_on >= today())
    elif filters["status"] == "closed":
        query = query.where(Need.status == NeedStatus.CLOSED)
    elif filters["status"] == "lapsed":
        query = query.where(Need.status == NeedStatus.OPEN, Need.expires_on < today())
    if filters["from"]:
        query = query.where(Need.needed_by >= filters["from"])
    if filters["to"]:
        query = query.where(Need.needed_by <= filters["to"])
    return render_template(
        "needs/index.html",
        page=paginate(query),
        filters=filters,
        items=item_choices(blank=True),
        today=today(),
        any_status_url=_with_args(status="all"),
    )


def _with_args(**changes: str) -> str:
    """This list's URL with the request's filters, some of them changed."""
    args: dict[str, Any] = {**request.args.to_dict(), **changes}
    return url_for(".index", **args)


def _visible_need(need_id: int) -> Need:
    need = db.get_or_404(Need, need_id)
    if need.organisation.state is not VerificationState.VERIFIED and not (
        current_user.is_authenticated
        and (current_user.is_coordinator or current_user.organisation_id == need.organisation_id)
    ):
        abort(404)
    return need


@bp.get("/<int:need_id>")
def detail(need_id: int) -> ResponseReturnValue:
    """One need with what is allocated to it."""
    return render_template(
        "needs/detail.html", need=_visible_need(need_id), today=today(), action_form=FlaskForm()
    )


def _prepare(form: NeedForm) -> None:
    form.item_code.choices = as_choices(item_choices())
    form.accepted_standards.choices = as_choices(standard_choices())


def _input(form: NeedForm, place: Any, country: str) -> records.NeedInput:
    accepted = tuple(form.accepted_standards.data or ())
    if not accepted:
        session = db.session()
        code = form.item_code.data
        accepted = tuple(catalogue.default_accepted_standards(session, code, country, today()))
    return records.NeedInput(
        item_code=form.item_code.data,
        quantity=records.Quantity(
            form.quantity.data or 0,  # validated: present and positive
            form.unit.data == "packs",
            form.pack_size.data,
            form.pack_label.data or None,
        ),
        accepted_standards=accepted,
        priority=int(form.priority.data),
        needed_by=form.needed_by.data,
        place=place,
        place_text=form.place.data,
        expires_on=form.expires_on.data,
        notes=form.notes.data or None,
    )


def _defaults() -> dict[str, list[str]]:
    country = current_user.organisation.country
    return {
        code: catalogue.default_accepted_standards(db.session(), code, country, today())
        for code in standards_by_item()
    }


def _render_form(form: NeedForm, need: Need | None = None) -> ResponseReturnValue:
    return render_template(
        "needs/form.html",
        form=form,
        need=need,
        standards_by_item=standards_by_item(),
        defaults=_defaults(),
    )


def _save(form: NeedForm, need: Need | None) -> Need | None:
    org = need.organisation if need else current_user.organisation
    place = resolve_place(form, country_hint=org.country)
    if place is None:
        return None

    def save(found: Place = place) -> Need:
        data = _input(form, found, org.country)
        if need is None:
            return records.post_need(db.session(), current_user, data)
        records.edit_need(db.session(), current_user, need, data, version_of(form))
        return need

    done = commit_or_refuse(save, form)
    return done.value if done else None


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.NEED_CREATE)
def new() -> ResponseReturnValue:
    """Post a need."""
    form = NeedForm()
    _prepare(form)
    if form.validate_on_submit() and (need := _save(form, None)) is not None:
        flash(_("The need is posted."), "success")
        return redirect(url_for("needs.detail", need_id=need.id))
    return _render_form(form)


def _editable(need_id: int) -> Need:
    need = db.get_or_404(Need, need_id)
    if not can_edit(need):
        abort(403)
    return need


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int) -> ResponseReturnValue:
    """Change an open need."""
    need = _editable(need_id)
    form = NeedForm(obj=need)
    _prepare(form)
    if not form.is_submitted():
        form.accepted_standards.data = [s.code for s in need.accepted_standards]
        form.priority.data, form.unit.data = str(need.priority), "units"
        form.version.data = str(need.version)
    elif form.validate() and _save(form, need) is not None:
        flash(_("The need is saved."), "success")
        return redirect(url_for("needs.detail", need_id=need.id))
    return _render_form(form, need)


@bp.post("/<int:need_id>/reconfirm")
@login_required
def reconfirm(need_id: int) -> ResponseReturnValue:
    """Keep the need open for another 30 days."""
    need = _editable(need_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if commit_or_refuse(partial(records.reconfirm_need, db.session(), current_user, need)):
        flash(_("The need stays open until %(date)s.", date=need.expires_on.isoformat()), "success")
    return redirect(url_for("needs.detail", need_id=need.id))


@bp.post("/<int:need_id>/close")
@login_required
def close(need_id: int) -> ResponseReturnValue:
    """ "Enough for now": close the remaining quantity."""
    need = _editable(need_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    done = commit_or_refuse(partial(records.close_need, db.session(), current_user, need))
    if done:
        flash(_("The need is closed; %(count)s units are no longer asked for.",
                count=f"{done.value:,}"), "info")
    return redirect(url_for("needs.detail", need_id=need.id))
