"""Shipment, leg, status and receipt forms: shape and per-field messages.

Rules that involve other records (whose allocation, whether it already travels, which status
may follow which) live in services/shipments.py and services/receipts.py.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from aidregistry.models.shipment import REFERENCE_LENGTH
from aidregistry.services.shipments import MAX_WEIGHT_KG
from aidregistry.web.forms import PlaceMixin, QuantityField, as_choices, finite, place_field

MODE_CHOICES = as_choices(
    [("air", _l("Air")), ("sea", _l("Sea")), ("road", _l("Road")), ("rail", _l("Rail"))]
)
CUSTOMS_CHOICES = as_choices(
    [
        ("none", _l("Not yet declared")),
        ("export_declared", _l("Export declared at origin")),
        ("export_cleared", _l("Export cleared at origin")),
        ("import_cleared", _l("Import cleared at destination")),
    ]
)
STATUS_LABELS = {
    "preparing": _l("Preparing"),
    "in_transit": _l("In transit"),
    "at_hub": _l("At a hub"),
    "arrived": _l("Arrived"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "returned": _l("Returned"),
}
CONDITION_CHOICES = as_choices(
    [
        ("good", _l("Good")),
        ("damaged", _l("Damaged")),
        ("failed_inspection", _l("Failed inspection")),
    ]
)
DECISION_CHOICES = as_choices([("accepted", _l("Accepted")), ("rejected", _l("Rejected"))])
LABELS = {
    choice.value: choice.label
    for choices in (MODE_CHOICES, CUSTOMS_CHOICES, CONDITION_CHOICES, DECISION_CHOICES)
    for choice in choices
}


def _reference(label: Any, description: Any = None) -> StringField:
    return StringField(
        label,
        description=description,
        validators=[
            Optional(),
            Length(
                max=REFERENCE_LENGTH,
                message=_l("At most %(max)d characters.", max=REFERENCE_LENGTH),
            ),
        ],
    )


class PlaceForm(PlaceMixin, Form):
    """One end of a leg: the shared place fields, without a CSRF token of their own."""

    # Legs run between hubs: the hint names airports first.
    place = place_field(
        _l("An airport by its code or name, or a city, e.g. PVG, Liège Airport, Rome")
    )


def _after(departure_field: str) -> Any:
    def check(form: Any, field: Any) -> None:
        departure = form[departure_field].data
        if field.data and departure and field.data < departure:
            raise ValidationError(str(_l("The arrival cannot be before the departure.")))

    return check


class LegFields:
    """Mode, carrier, reference, weight, both ends, planned and actual dates, customs."""

    mode = SelectField(_l("Mode"), choices=MODE_CHOICES, default="air")
    carrier = StringField(
        _l("Carrier"),
        validators=[Optional(), Length(max=200)],
        description=_l("Airline, shipping line or haulier"),
    )
    reference = _reference(_l("Reference"), _l("Air waybill, bill of lading, flight or vessel"))
    gross_weight_kg = FloatField(
        _l("Gross weight (kg)"),
        validators=[
            Optional(),
            finite,
            NumberRange(
                min=0.001,
                max=MAX_WEIGHT_KG,
                message=_l("Enter a weight above 0 and up to 1,000,000 kg."),
            ),
        ],
    )
    origin = FormField(PlaceForm, label=_l("From"))
    destination = FormField(PlaceForm, label=_l("To"))
    planned_departure = DateField(_l("Planned departure"), validators=[Optional()])
    actual_departure = DateField(_l("Actual departure"), validators=[Optional()])
    planned_arrival = DateField(
        _l("Planned arrival"), validators=[Optional(), _after("planned_departure")]
    )
    actual_arrival = DateField(
        _l("Actual arrival"), validators=[Optional(), _after("actual_departure")]
    )
    customs = SelectField(_l("Customs"), choices=CUSTOMS_CHOICES, default="none")
    version = HiddenField()


class LegForm(LegFields, FlaskForm):
    """Add or correct one leg."""


class RemoveLegForm(FlaskForm):
    """Confirm the removal of one leg, at the shipment's version the page showed."""

    version = HiddenField()


class LineForm(Form):
    """One allocation offered for the shipment: tick it and say how much goes."""

    allocation_id = HiddenField()
    include = BooleanField(_l("Ship"))
    quantity = QuantityField(
        _l("Quantity"),
        validators=[Optional(), NumberRange(min=1, message=_l("The quantity must be at least 1."))],
    )


class ShipmentForm(LegFields, FlaskForm):
    """A new shipment: which allocations, and its first leg."""

    lines = FieldList(FormField(LineForm), min_entries=0)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])

    def validate_lines(self, field: Any) -> None:
        """At least one line ticked, each ticked line with a quantity."""
        ticked = [entry for entry in field.entries if entry.form.include.data]
        if not ticked:
            raise ValidationError(str(_l("Choose at least one allocation to ship.")))
        for entry in ticked:
            if entry.form.quantity.data is None and not entry.form.quantity.errors:
                entry.form.quantity.errors = [str(_l("Enter a quantity."))]
                raise ValidationError(str(_l("Enter a quantity for each ticked allocation.")))


class StatusForm(FlaskForm):
    """A status change, dated, planned or actual, with an optional document."""

    status = SelectField(_l("New status"), choices=[])
    occurred_on = DateField(_l("Date"), validators=[Optional()])
    is_planned = BooleanField(_l("This date is planned (expected), not yet a fact"))
    document_ref = _reference(_l("Document"), _l("AWB, customs declaration, arrival notice…"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()


class ReceiptLineForm(Form):
    """What arrived of one line."""

    line_id = HiddenField()
    quantity_received = QuantityField(
        _l("Quantity received"),
        validators=[
            InputRequired(_l("Enter the quantity received (0 if nothing arrived).")),
            NumberRange(min=0, message=_l("The quantity received cannot be negative.")),
        ],
    )
    condition = SelectField(_l("Condition"), choices=CONDITION_CHOICES, default="good")
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, default="accepted")
    inspection_note = TextAreaField(
        _l("Inspection note"), validators=[Optional(), Length(max=4000)]
    )


class ReceiptForm(FlaskForm):
    """The consignee's receipt of the whole shipment."""

    received_on = DateField(
        _l("Received on"), validators=[InputRequired(_l("Enter the date the goods arrived."))]
    )
    document_ref = _reference(_l("Receipt or handover document"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    lines = FieldList(FormField(ReceiptLineForm), min_entries=0)
    version = HiddenField()
