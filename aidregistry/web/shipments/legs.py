"""A shipment's legs: add the next one, correct one, remove one; and their history."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from aidregistry.extensions import db
from aidregistry.models import AuditEvent, Shipment, ShipmentLeg
from aidregistry.services import shipment_legs, shipments
from aidregistry.web.forms import commit_or_refuse, version_of
from aidregistry.web.shipments.forms import LegForm, RemoveLegForm
from aidregistry.web.shipments.views import (
    _leg_input,
    _own,
    bp,
    field_error,
    shipment_label,
    shipment_status_label,
)

# What a correction shows, in this order; coordinates are shown with their place.
CHANGE_LABELS = {
    "mode": _l("Mode"), "carrier": _l("Carrier"), "reference": _l("Reference"),
    "gross_weight_kg": _l("Gross weight (kg)"), "origin": _l("From"), "destination": _l("To"),
    "planned_departure": _l("Planned departure"), "actual_departure": _l("Actual departure"),
    "planned_arrival": _l("Planned arrival"), "actual_arrival": _l("Actual arrival"),
    "customs": _l("Customs")}
PLACES = ("origin", "destination")


def _render_leg(form: LegForm, shipment: Shipment, leg: ShipmentLeg | None) -> ResponseReturnValue:
    return render_template("shipments/leg.html", form=form, shipment=shipment, leg=leg,
                           closed=shipment.status not in shipments.TRANSITIONS)


def _leg_of(shipment: Shipment, leg_id: int) -> ShipmentLeg | Response:
    """The shipment's leg, or (after a POST for a leg removed meanwhile) a way back."""
    leg = db.session.get(ShipmentLeg, leg_id)
    if leg is not None and leg.shipment_id == shipment.id:
        return leg
    if request.method != "POST":
        abort(404)
    flash(_("This leg is no longer on the shipment: someone removed it after you opened "
            "the page. Nothing was saved."), "warning")
    return redirect(url_for("shipments.detail", shipment_id=shipment.id))


@bp.route("/<int:shipment_id>/legs/new", methods=["GET", "POST"])
@login_required
def leg_new(shipment_id: int) -> ResponseReturnValue:
    """Add the next leg, such as hub → destination."""
    shipment = _own(shipment_id, shipments.may_ship)
    form = LegForm()
    if not form.is_submitted():
        form.version.data = str(shipment.version)
        if shipment.legs:
            last = shipment.legs[-1]
            form.origin.form.place.data = last.destination
            form.origin.form.lat.data = last.destination_lat
            form.origin.form.lon.data = last.destination_lon
    elif form.validate():
        return _save_leg(form, shipment, None)
    return _render_leg(form, shipment, None)


def _forget_stale_positions(form: LegForm, known: dict[str, tuple[Any, Any, Any]]) -> None:
    """Drop the coordinates the form was filled with when the place's name was retyped.

    The edit form (and the next leg's origin) comes with the stored coordinates; an officer
    who corrects "Liège" to "Brussels" changes the name only, and would otherwise keep
    Liège's position on the map. A retyped name with untouched coordinates is looked up.
    """
    for end, (name, lat, lon) in known.items():
        sub = getattr(form, end).form
        retyped = (sub.place.data or "").strip() != (name or "").strip()
        if retyped and (sub.lat.data, sub.lon.data) == (lat, lon):
            sub.lat.data = sub.lon.data = None


def _save_leg(form: LegForm, shipment: Shipment, leg: ShipmentLeg | None) -> ResponseReturnValue:
    if leg is not None:
        _forget_stale_positions(form, {end: (getattr(leg, end), getattr(leg, f"{end}_lat"),
                                             getattr(leg, f"{end}_lon")) for end in PLACES})
    elif shipment.legs:
        last = shipment.legs[-1]
        _forget_stale_positions(form, {"origin": (last.destination, last.destination_lat,
                                                  last.destination_lon)})
    data = _leg_input(form)
    if data is not None:
        save = (partial(shipments.add_leg, db.session(), current_user, shipment, data,
                        version_of(form)) if leg is None else
                partial(shipments.edit_leg, db.session(), current_user, leg, data,
                        version_of(form)))
        if commit_or_refuse(save, show=partial(field_error, form)):
            flash(_("The leg is saved."), "success")
            return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return _render_leg(form, shipment, leg)


def _fill_leg(form: LegForm, shipment: Shipment, leg: ShipmentLeg) -> None:
    form.version.data = str(shipment.version)
    for end in PLACES:
        sub = getattr(form, end).form
        sub.place.data = getattr(leg, end)
        sub.lat.data, sub.lon.data = getattr(leg, f"{end}_lat"), getattr(leg, f"{end}_lon")
    form.mode.data, form.customs.data = leg.mode.value, leg.customs.value
    weight = leg.gross_weight_kg
    if weight is not None and weight.is_integer():
        form.gross_weight_kg.data = int(weight)  # "31000", not "31000.0"


@bp.route("/<int:shipment_id>/legs/<int:leg_id>/edit", methods=["GET", "POST"])
@login_required
def leg_edit(shipment_id: int, leg_id: int) -> ResponseReturnValue:
    """Correct a leg or add what became known: actual dates, customs, the waybill."""
    shipment = _own(shipment_id, shipments.may_ship)
    leg = _leg_of(shipment, leg_id)
    if isinstance(leg, Response):
        return leg
    form = LegForm(obj=leg)
    if not form.is_submitted():
        _fill_leg(form, shipment, leg)
    elif form.validate():
        return _save_leg(form, shipment, leg)
    return _render_leg(form, shipment, leg)


@bp.route("/<int:shipment_id>/legs/<int:leg_id>/remove", methods=["GET", "POST"])
@login_required
def leg_remove(shipment_id: int, leg_id: int) -> ResponseReturnValue:
    """Show the leg and whether it may go; on POST, remove it and renumber the others."""
    shipment = _own(shipment_id, shipments.may_ship)
    leg = _leg_of(shipment, leg_id)
    if isinstance(leg, Response):
        return leg
    form = RemoveLegForm()
    if not form.is_submitted():
        form.version.data = str(shipment.version)
    elif form.validate():
        number = leg.sequence
        if commit_or_refuse(partial(shipment_legs.remove_leg, db.session(), current_user, leg,
                                    version_of(form))):
            flash(_("Leg %(number)s is removed; the legs after it are renumbered.",
                    number=number), "success")
            return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return render_template("shipments/leg_remove.html", form=form, shipment=shipment, leg=leg,
                           refusal=shipment_legs.refusal_to_remove(shipment, leg),
                           neighbours=_neighbours(shipment, leg),
                           status=shipment_status_label(shipment.status))


def _neighbours(shipment: Shipment, leg: ShipmentLeg) -> tuple[Any, Any]:
    index = shipment.legs.index(leg)
    before = shipment.legs[index - 1] if index > 0 else None
    after = shipment.legs[index + 1] if index + 1 < len(shipment.legs) else None
    return before, after


# -- the route's history on the shipment page -----------------------------------------------


def _place(values: dict[str, Any], end: str, with_position: bool) -> str:
    name = str(values.get(end) or "—")
    lat, lon = values.get(f"{end}_lat"), values.get(f"{end}_lon")
    if with_position and lat is not None and lon is not None:
        return f"{name} ({lat:.4f}, {lon:.4f})"
    return name


def _shown(values: dict[str, Any], key: str) -> str:
    value = values.get(key)
    if key in ("mode", "customs"):
        return shipment_label(value) if value else "—"
    if key == "gross_weight_kg" and value is not None:
        return f"{value:,.0f}"
    return "—" if value in (None, "") else str(value)


def changes_of(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(label, before, after) for every field a leg correction changed."""
    before, after = event.before or {}, event.after or {}
    rows = []
    for key, label in CHANGE_LABELS.items():
        if key in PLACES:  # the position only when the name stayed and the point moved
            moved = before.get(key) == after.get(key) and any(
                before.get(f"{key}_{c}") != after.get(f"{key}_{c}") for c in ("lat", "lon"))
            old, new = _place(before, key, moved), _place(after, key, moved)
        else:
            old, new = _shown(before, key), _shown(after, key)
        if old != new:
            rows.append((str(label), old, new))
    return rows


@bp.app_template_global()
def route_change(event: AuditEvent) -> dict[str, Any]:
    """A leg's addition, correction or removal as the shipment page tells it."""
    values = event.after if event.action == "shipment.leg_add" else event.before
    values = values or {}
    parts = {"number": values.get("sequence", "?"), "origin": values.get("origin", "—"),
             "destination": values.get("destination", "—")}
    if event.action == "shipment.leg_add":
        return {"title": _("Leg %(number)s added: %(origin)s → %(destination)s", **parts),
                "changes": []}
    if event.action == "shipment.leg_remove":
        return {"title": _("Leg %(number)s removed: %(origin)s → %(destination)s", **parts),
                "changes": []}
    return {"title": _("Leg %(number)s corrected", **parts), "changes": changes_of(event)}
