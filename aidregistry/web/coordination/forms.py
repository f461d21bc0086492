"""Coordinator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from aidregistry.web.forms import as_choices


class DecisionForm(FlaskForm):
    """Verify, reject or suspend an organisation."""

    decision = SelectField(_l("Decision"), choices=as_choices([("verified", _l("Verify")),
                                                    ("rejected", _l("Reject")),
                                                    ("suspended", _l("Suspend"))]))
    reason = TextAreaField(_l("Reason (required to reject or suspend)"),
                           validators=[Optional(), Length(max=2000)])
