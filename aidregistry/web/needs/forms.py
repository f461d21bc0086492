"""The need form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from aidregistry.web.donations.forms import MultiCheckboxField, QuantityMixin
from aidregistry.web.forms import PlaceMixin, as_choices

PRIORITY_CHOICES = as_choices(
    [
        ("1", _l("1 — critical: lives at risk now")),
        ("2", _l("2 — urgent: stock runs out within days")),
        ("3", _l("3 — important: needed within weeks")),
        ("4", _l("4 — routine: restocking")),
    ]
)


class NeedForm(QuantityMixin, PlaceMixin, FlaskForm):
    """Everything a recipient says about a need."""

    item_code = SelectField(_l("Item"), validators=[DataRequired()], choices=[])
    accepted_standards = MultiCheckboxField(
        _l("Standards you accept"),
        choices=[],
        validate_choice=False,
        description=_l(
            "Leave all unticked to accept what your country accepts today, "
            "including substitutions the equivalence table allows."
        ),
    )
    priority = SelectField(_l("Priority"), choices=PRIORITY_CHOICES, default="2")
    needed_by = DateField(_l("Needed by"), validators=[InputRequired(_l("Enter a date."))])
    expires_on = DateField(
        _l("Lapses on unless reconfirmed (default: in 30 days)"), validators=[Optional()]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()
