"""Shipments: the list, one shipment, recording, status changes and the receipt (legs: legs.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from aidregistry.extensions import db
from aidregistry.models import (
    Organisation,
    Shipment,
    ShipmentStatus,
    VerificationState,
)
from aidregistry.permissions import Permission, permission_required
from aidregistry.services import receipts, shipment_legs, shipments
from aidregistry.services.errors import ServiceError
from aidregistry.web.forms import as_choices, commit_or_refuse, resolve_place, version_of
from aidregistry.web.pagination import paginate
from aidregistry.web.shipments.forms import (
    LABELS,
    STATUS_LABELS,
    ReceiptForm,
    ShipmentForm,
    StatusForm,
)

bp = Blueprint("shipments", __name__, url_prefix="/shipments")


@bp.app_template_global()
def shipment_lines(record: Any) -> list[Any]:
    """Shipment lines of a donation or need that the reader may see (for their pages)."""
    return [line for line in shipments.shipments_of(db.session(), record)
            if shipments.may_view(current_user, line.shipment)]


@bp.app_template_global()
def shipment_status_label(status: ShipmentStatus) -> str:
    """The status in the reader's language."""
    return str(STATUS_LABELS[status.value])


@bp.app_template_global()
def shipment_label(value: Any) -> str:
    """A mode, customs state, condition or decision in the reader's language."""
    raw = getattr(value, "value", value)
    return str(LABELS.get(raw, raw))


@bp.get("/")
def index() -> ResponseReturnValue:
    """Shipments the reader may see: public ones, plus their own organisation's."""
    donor, recipient = aliased(Organisation), aliased(Organisation)
    public = (donor.state == VerificationState.VERIFIED) & (
        recipient.state == VerificationState.VERIFIED)
    query = (select(Shipment).join(donor, Shipment.donor_id == donor.id)
             .join(recipient, Shipment.recipient_id == recipient.id)
             .order_by(Shipment.id.desc()))
    if not (current_user.is_authenticated and current_user.is_coordinator):
        own = current_user.organisation_id if current_user.is_authenticated else -1
        query = query.where(or_(public, Shipment.donor_id == own, Shipment.recipient_id == own))
    return render_template("shipments/index.html", page=paginate(query))


def _visible(shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or not shipments.may_view(current_user, shipment):
        abort(404)  # nothing of an unverified organisation is public
    return shipment


def _own(shipment_id: int, allowed: Any) -> Shipment:
    shipment = db.get_or_404(Shipment, shipment_id)
    if not allowed(current_user, shipment):
        abort(403)
    return shipment


@bp.get("/<int:shipment_id>")
def detail(shipment_id: int) -> ResponseReturnValue:
    """Lines, legs with planned and actual dates, the timeline and the receipt."""
    shipment = _visible(shipment_id)
    party = current_user.is_authenticated and (
        current_user.is_coordinator
        or current_user.organisation_id in (shipment.donor_id, shipment.recipient_id))
    return render_template("shipments/detail.html", shipment=shipment, party=party,
                           timeline=_timeline(shipment, party),
                           gaps=shipment_legs.route_gaps(shipment) if party else [],
                           may_ship=shipments.may_ship(current_user, shipment)
                           and shipment.status in shipments.TRANSITIONS,
                           may_receive=shipments.may_receive(current_user, shipment)
                           and shipment.receipt is None
                           and shipment.status in shipments.RECEIVABLE)


def _timeline(shipment: Shipment, party: bool) -> list[tuple[str, Any]]:
    """Status events, and for the two organisations and coordinators the route's corrections."""
    entries: list[tuple[str, Any]] = [("status", event) for event in shipment.events]
    if party:
        entries += [("route", event)
                    for event in shipment_legs.route_changes(db.session(), shipment)]
    return sorted(entries, key=lambda entry: entry[1].at)  # stable: a status event first


def field_error(form: Any, exc: ServiceError, line_index: list[int] | None = None) -> None:
    """Attach a service error, translated, to the field it names ("lines-2-quantity")."""
    target: Any = form
    for part in (exc.field or "").split("-"):
        if part.isdigit() and hasattr(target, "entries"):
            position = int(part)
            target = target.entries[line_index[position] if line_index else position].form
        elif part and target is not None:
            target = getattr(target, part, None)
    if target is not None and target is not form and isinstance(
            getattr(target, "errors", None), list):
        target.errors = [*target.errors, _(exc.message)]
        return
    flash(_(exc.message), "danger")


def _leg_input(form: Any) -> shipments.LegInput | None:
    origin = resolve_place(form.origin.form)
    destination = resolve_place(form.destination.form)
    if origin is None or destination is None:
        return None
    return shipments.LegInput(
        mode=form.mode.data, origin=origin, origin_text=form.origin.form.place.data,
        destination=destination, destination_text=form.destination.form.place.data,
        carrier=form.carrier.data, reference=form.reference.data,
        gross_weight_kg=form.gross_weight_kg.data, planned_departure=form.planned_departure.data,
        actual_departure=form.actual_departure.data, planned_arrival=form.planned_arrival.data,
        actual_arrival=form.actual_arrival.data, customs=form.customs.data)


def _offer_lines(form: ShipmentForm) -> dict[str, Any]:
    """Fill one line per shippable allocation; returns the allocations by id."""
    offered = {str(a.id): a for a in shipments.shippable_allocations(db.session(), current_user)}
    if not form.is_submitted():
        chosen = request.args.get("allocation", "")
        for allocation_id, allocation in offered.items():
            form.lines.append_entry({"allocation_id": allocation_id,
                                     "quantity": allocation.quantity,
                                     "include": allocation_id == chosen or len(offered) == 1})
    return offered


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.SHIPMENT_RECORD)
def new() -> ResponseReturnValue:
    """Record a shipment of accepted or confirmed allocations, with its first leg."""
    form = ShipmentForm()
    offered = _offer_lines(form)
    if form.validate_on_submit():
        leg = _leg_input(form)
        ticked = [i for i, e in enumerate(form.lines.entries) if e.form.include.data]
        lines = [shipments.LineInput(_int(form.lines.entries[i].form.allocation_id.data),
                                     form.lines.entries[i].form.quantity.data) for i in ticked]
        done = None if leg is None else commit_or_refuse(
            partial(shipments.record_shipment, db.session(), current_user, lines, leg,
                    form.notes.data),
            show=partial(field_error, form, line_index=ticked))
        if done:
            flash(_("The shipment is recorded."), "success")
            return redirect(url_for("shipments.detail", shipment_id=done.value.id))
    return render_template("shipments/new.html", form=form, offered=offered)


def _int(raw: Any) -> int:
    return int(raw) if str(raw or "").isdigit() else 0


@bp.route("/<int:shipment_id>/status", methods=["GET", "POST"])
@login_required
def status(shipment_id: int) -> ResponseReturnValue:
    """Move the shipment on: in transit, at a hub, arrived; or cancel or return it."""
    shipment = _own(shipment_id, shipments.may_ship)
    form = StatusForm()
    allowed = sorted(shipments.TRANSITIONS.get(shipment.status, ()), key=list(ShipmentStatus).index)
    form.status.choices = as_choices((s.value, STATUS_LABELS[s.value]) for s in allowed)
    if not form.is_submitted():
        form.version.data = str(shipment.version)
    elif form.validate() and commit_or_refuse(partial(
            shipments.change_status, db.session(), current_user, shipment, shipments.StatusInput(
                form.status.data, form.occurred_on.data, bool(form.is_planned.data),
                form.document_ref.data, form.note.data), version_of(form)),
            show=partial(field_error, form)):
        flash(_("The shipment is now %(status)s.",
                status=shipment_status_label(shipment.status)), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return render_template("shipments/status.html", form=form, shipment=shipment)


def _fill_receipt(form: ReceiptForm, shipment: Shipment) -> None:
    form.version.data = str(shipment.version)
    for line in shipment.lines:
        form.lines.append_entry({"line_id": str(line.id), "quantity_received": line.quantity})


@bp.route("/<int:shipment_id>/receipt", methods=["GET", "POST"])
@login_required
def receipt(shipment_id: int) -> ResponseReturnValue:
    """The recipient says what arrived, in what condition, and accepts or rejects it."""
    shipment = _own(shipment_id, shipments.may_receive)
    form = ReceiptForm()
    if not form.is_submitted():
        _fill_receipt(form, shipment)
    elif form.validate() and commit_or_refuse(partial(
            receipts.confirm_receipt, db.session(), current_user, shipment, _receipt_input(form),
            version_of(form)), show=partial(field_error, form)):
        flash(_("The receipt is recorded."), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    lines = {line.id: line for line in shipment.lines}
    return render_template("shipments/receipt.html", form=form, shipment=shipment, lines=lines,
                           receivable=shipment.status in shipments.RECEIVABLE
                           and shipment.receipt is None)


def _receipt_input(form: ReceiptForm) -> receipts.ReceiptInput:
    return receipts.ReceiptInput(
        received_on=form.received_on.data, document_ref=form.document_ref.data,
        note=form.note.data, lines=[receipts.ReceiptLineInput(
            _int(entry.form.line_id.data), entry.form.quantity_received.data,
            entry.form.condition.data, entry.form.decision.data, entry.form.inspection_note.data)
            for entry in form.lines.entries])


@bp.app_template_global()
def own_shipments(limit: int = 10) -> list[Shipment]:
    """The signed-in organisation's latest shipments, sent or received (for the dashboard)."""
    if not current_user.is_authenticated:
        return []
    org = current_user.organisation_id
    return list(db.session.scalars(
        select(Shipment).where(or_(Shipment.donor_id == org, Shipment.recipient_id == org))
        .order_by(Shipment.id.desc()).limit(limit)))


from aidregistry.web.shipments import legs as _legs  # noqa: E402, F401 - registers the leg routes
