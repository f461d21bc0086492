"""Coordinator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from aidregistry.web.forms import QuantityField, as_choices, quantity_validators


class DecisionForm(FlaskForm):
    """Verify, reject or suspend an organisation."""

    decision = SelectField(
        _l("Decision"),
        choices=as_choices(
            [("verified", _l("Verify")), ("rejected", _l("Reject")), ("suspended", _l("Suspend"))]
        ),
    )
    reason = TextAreaField(
        _l("Reason (required to reject or suspend)"), validators=[Optional(), Length(max=2000)]
    )


class MatchForm(FlaskForm):
    """Scope and date of a matcher run."""

    item_code = SelectField(_l("Item"), choices=[], validate_choice=False)
    country = StringField(
        _l("Recipient country (two-letter code, optional)"),
        validators=[Optional(), Regexp(r"^[A-Za-z]{2}$", message=_l("Use a two-letter code."))],
    )
    run_date = DateField(
        _l("Plan as of"),
        validators=[InputRequired(_l("Enter a date."))],
        description=_l(
            "Donations available and needs open on this date are "
            "matched; deadlines are counted from it."
        ),
    )


REASONS = as_choices(
    [
        ("no_supply", _l("No supply: the donor cannot deliver")),
        ("no_need", _l("No need: the recipient does not need it any more")),
        ("no_contact", _l("No contact with the donor or recipient")),
        ("prefers_different", _l("The recipient prefers different goods")),
        ("quality", _l("Quality: certificates or standard not acceptable")),
        ("other", _l("Other (say what)")),
    ]
)


class DecideForm(FlaskForm):
    """Accept or reject the selected proposals."""

    selected = SelectMultipleField(_l("Proposals"), choices=[], validate_choice=False)
    action = SelectField(
        _l("Action"), choices=as_choices([("accept", _l("Accept")), ("reject", _l("Reject"))])
    )
    reason_code = SelectField(_l("Reason for rejecting"), choices=REASONS, default="other")
    reason_text = TextAreaField(_l("Reason (text)"), validators=[Optional(), Length(max=2000)])


class ManualAllocationForm(FlaskForm):
    """A coordinator's own allocation."""

    donation_id = SelectField(
        _l("Donation"), choices=[], validate_choice=False, validators=[InputRequired()]
    )
    quantity = QuantityField(_l("Quantity"), validators=quantity_validators())
    note = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=2000)])


class CancelForm(FlaskForm):
    """Why an allocation is cancelled."""

    reason_code = SelectField(_l("Reason"), choices=REASONS, default="other")
    reason_text = TextAreaField(_l("Reason (text)"), validators=[Optional(), Length(max=2000)])
