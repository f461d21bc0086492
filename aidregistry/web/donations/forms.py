"""The donation form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from aidregistry.domain.evidence.numbers import Scheme, parse_notified_body, parse_number
from aidregistry.domain.evidence.problems import EvidenceError
from aidregistry.web.forms import PlaceMixin, QuantityField, as_choices, quantity_validators

UNIT_CHOICES = as_choices(
    [("units", _l("base units (pieces, pairs, tests…)")), ("packs", _l("packs"))]
)
MODE_CHOICES = as_choices(
    [("air", _l("Air")), ("sea", _l("Sea")), ("road", _l("Road")), ("rail", _l("Rail"))]
)


def number_of(scheme: Scheme) -> Callable[[Any, Any], None]:
    """A field's certificate number in ``scheme``'s printed form (the service checks the
    certificate as a whole again: a CE number with its body, the body's designation)."""

    def check(_form: Any, field: Any) -> None:
        try:
            parse_number(scheme, field.data)
        except EvidenceError as exc:
            raise ValidationError(gettext(exc.message)) from exc

    return check


def body_number(_form: Any, field: Any) -> None:
    """A notified body's four digits."""
    try:
        parse_notified_body(field.data)
    except EvidenceError as exc:
        raise ValidationError(gettext(exc.message)) from exc


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuantityMixin:
    """Quantity in base units or in packs of a stated size."""

    quantity = QuantityField(_l("Quantity"), validators=quantity_validators())
    unit = SelectField(_l("Counted in"), choices=UNIT_CHOICES, default="units")
    pack_size = IntegerField(
        _l("Units per pack"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1_000_000, message=_l("From 1 to 1,000,000.")),
        ],
    )
    pack_label = StringField(
        _l("Pack name (box, carton…)"), validators=[Optional(), Length(max=32)]
    )


class DonationForm(QuantityMixin, PlaceMixin, FlaskForm):
    """Everything a donor says about an offer lot."""

    item_code = SelectField(_l("Item"), validators=[DataRequired()], choices=[])
    standard_code = SelectField(_l("Standard the goods meet"), choices=[], validate_choice=False)
    cert_nmpa = StringField(
        _l("NMPA registration number"),
        validators=[Optional(), Length(max=100), number_of(Scheme.NMPA)],
    )
    cert_fda_eua = StringField(
        _l("FDA emergency use authorisation"),
        validators=[Optional(), Length(max=100), number_of(Scheme.FDA_EUA)],
    )
    cert_fda_510k = StringField(
        _l("FDA 510(k) number"),
        validators=[Optional(), Length(max=100), number_of(Scheme.FDA_510K)],
    )
    cert_ce = StringField(
        _l("CE certificate"), validators=[Optional(), Length(max=100), number_of(Scheme.CE)]
    )
    cert_ce_notified_body = StringField(
        _l("CE notified body number"), validators=[Optional(), Length(max=16), body_number]
    )
    cert_niosh = StringField(
        _l("NIOSH approval (TC-84A-…)"),
        validators=[Optional(), Length(max=100), number_of(Scheme.NIOSH)],
    )
    report_number = StringField(
        _l("Test report number"),
        validators=[Optional(), Length(max=100), number_of(Scheme.TEST_REPORT)],
    )
    report_standard = StringField(
        _l("Standard tested against"),
        validators=[Optional(), Length(max=100)],
        description=_l("e.g. GB 2626-2019, EN 149:2001+A1:2009, ASTM F2100-19"),
    )
    report_lab = StringField(_l("Testing laboratory"), validators=[Optional(), Length(max=300)])
    manufacturer = StringField(_l("Manufacturer"), validators=[Optional(), Length(max=200)])
    lot = StringField(_l("Lot or batch"), validators=[Optional(), Length(max=100)])
    expires_on = DateField(_l("Expiry date"), validators=[Optional()])
    available_from = DateField(
        _l("Available from"), validators=[InputRequired(_l("Enter the date the goods are ready."))]
    )
    modes = MultiCheckboxField(_l("Can travel by"), choices=MODE_CHOICES, default=["air"])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()


class WithdrawForm(FlaskForm):
    """Why a donation is withdrawn."""

    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Say why.")), Length(max=2000)]
    )
    version = HiddenField()
