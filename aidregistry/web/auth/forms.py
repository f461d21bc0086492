"""Sign-in and sign-up forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from aidregistry.models import LocationPrecision, OrgKind, OrgRole
from aidregistry.web.forms import PlaceMixin, as_choices

KIND_LABELS = {
    OrgKind.NATIONAL_GOVERNMENT: _l("National government or ministry"),
    OrgKind.PROVINCIAL_GOVERNMENT: _l("Provincial government"),
    OrgKind.STATE_GOVERNMENT: _l("State government or emergency management"),
    OrgKind.REGIONAL_GOVERNMENT: _l("Regional government"),
    OrgKind.MUNICIPAL_GOVERNMENT: _l("City or municipal government"),
    OrgKind.COUNTY_GOVERNMENT: _l("County government"),
    OrgKind.GOVERNMENT_AGENCY: _l("Government agency"),
    OrgKind.FOREIGN_MISSION: _l("Embassy or consulate"),
    OrgKind.FOUNDATION: _l("Foundation"),
    OrgKind.BUSINESS: _l("Business"),
    OrgKind.BUSINESS_ASSOCIATION: _l("Business association"),
    OrgKind.COMMUNITY_GROUP: _l("Community group"),
    OrgKind.INDIVIDUAL: _l("Individual"),
    OrgKind.HOSPITAL: _l("Hospital or care home"),
    OrgKind.NGO: _l("Non-governmental organisation"),
    OrgKind.INTL_ORG: _l("International organisation"),
    OrgKind.DISTRIBUTOR: _l("Distributor"),
}
ROLE_LABELS = {
    OrgRole.DONOR: _l("We give aid (donor)"),
    OrgRole.RECIPIENT: _l("We receive aid (recipient agency)"),
    OrgRole.BOTH: _l("Both"),
}
PRECISION_LABELS = {
    LocationPrecision.EXACT: _l("Exact place"),
    LocationPrecision.CITY: _l("City only"),
    LocationPrecision.REGION: _l("Region only"),
}


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(
        _l("Keep me signed in on this device (14 days; never for coordinators)")
    )


class RegisterForm(PlaceMixin, FlaskForm):
    """An organisation and its first member."""

    org_name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    org_name_local = StringField(
        _l("Name in your own script (optional)"), validators=[Optional(), Length(max=200)]
    )
    kind = SelectField(
        _l("Kind of organisation"), choices=as_choices((k.value, v) for k, v in KIND_LABELS.items())
    )
    role = SelectField(_l("Role"), choices=as_choices((k.value, v) for k, v in ROLE_LABELS.items()))
    country = StringField(
        _l("Country (two-letter ISO code)"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z]{2}$", message=_l("Use the two-letter code, e.g. CN, US, IT.")),
        ],
    )
    location_precision = SelectField(
        _l("Show our location to the public as"),
        choices=as_choices((k.value, v) for k, v in PRECISION_LABELS.items()),
        default=LocationPrecision.CITY.value,
    )
    identifier_scheme = SelectField(
        _l("Registration identifier"),
        validators=[Optional()],
        choices=as_choices(
            [
                ("", _l("None")),
                ("CN-USCI", _l("China: Unified Social Credit Identifier")),
                ("US-EIN", _l("United States: EIN")),
                ("GB-CHC", _l("UK: charity number")),
                ("GB-COH", _l("UK: company number")),
                ("XI-LEI", _l("Legal Entity Identifier")),
                ("OTHER", _l("Other")),
            ]
        ),
    )
    identifier_value = StringField(_l("Identifier"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Phone (private)"), validators=[Optional(), Length(max=64)])
    different_org = BooleanField(
        _l("Ours is a different organisation that has the same name")
    )
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Your e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password (at least 12 characters)"), validators=[DataRequired(), Length(max=1024)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )


class ConfirmForm(FlaskForm):
    """Nothing but the CSRF token: confirming a sign-up is a POST, not a link click."""


class ResetRequestForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    """A new password, twice."""

    password = PasswordField(
        _l("New password (at least 12 characters)"), validators=[DataRequired(), Length(max=1024)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )
