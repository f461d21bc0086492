"""Values that templates translate at run time, listed so that extraction finds them.

Templates show stored codes through ``_()`` with a variable argument: ``{{ _(org.kind.value) }}``,
``{{ _(d.status.value) }}``, ``{{ _(item.base_unit) }}``, ``{{ _(m) }}`` for a transport mode,
reason codes, confidence values, token scopes and import kinds. ``pybabel extract`` reads only
literal strings, so without this module none of these codes would reach the catalogue and
every reader would see the raw English code.

Nothing imports the names below at run time; the module only has to be importable. When an
enumeration in ``aidregistry/models`` gains a value, or ``aidregistry/data/items.csv`` a base
unit, add it here, extract, translate and compile (see ``tests/functional/test_i18n.py``).
Item names are not listed: they have their own columns in ``items.csv`` (``ItemType.name``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext

# OrgKind (models/enums.py): {{ _(org.kind.value) }}
ORG_KINDS = (
    lazy_gettext("national_government"),
    lazy_gettext("provincial_government"),
    lazy_gettext("state_government"),
    lazy_gettext("regional_government"),
    lazy_gettext("municipal_government"),
    lazy_gettext("county_government"),
    lazy_gettext("government_agency"),
    lazy_gettext("foreign_mission"),
    lazy_gettext("foundation"),
    lazy_gettext("business"),
    lazy_gettext("business_association"),
    lazy_gettext("community_group"),
    lazy_gettext("individual"),
    lazy_gettext("hospital"),
    lazy_gettext("ngo"),
    lazy_gettext("intl_org"),
    lazy_gettext("distributor"),
    lazy_gettext("coordination"),
)

# OrgRole: {{ _(org.role.value) }}
ORG_ROLES = (
    lazy_gettext("donor"),
    lazy_gettext("recipient"),
    lazy_gettext("both"),
    lazy_gettext("coordinator"),
)

# VerificationState: {{ _(org.state.value) }}
VERIFICATION_STATES = (
    lazy_gettext("pending"),
    lazy_gettext("verified"),
    lazy_gettext("rejected"),
    lazy_gettext("suspended"),
)

# DonationStatus and NeedStatus: {{ _(d.status.value) }}, {{ _(n.status.value) }}
RECORD_STATUSES = (
    lazy_gettext("available"),
    lazy_gettext("withdrawn"),
    lazy_gettext("open"),
    lazy_gettext("closed"),
    lazy_gettext("lapsed"),
)

# AllocationStatus: {{ _(a.status.value) }}
ALLOCATION_STATUSES = (
    lazy_gettext("proposed"),
    lazy_gettext("accepted"),
    lazy_gettext("confirmed"),
    lazy_gettext("shipped"),
    lazy_gettext("delivered"),
    lazy_gettext("rejected"),
    lazy_gettext("cancelled"),
)

# ReasonCode: {{ _(allocation.reason_code.value) }}
REASON_CODES = (
    lazy_gettext("no_supply"),
    lazy_gettext("no_need"),
    lazy_gettext("no_contact"),
    lazy_gettext("prefers_different"),
    lazy_gettext("quality"),
    lazy_gettext("other"),
)

# Mode (models/enums.py and domain/matching/model.py): {{ _(m) }}, {{ _(allocation.mode) }}
MODES = (
    lazy_gettext("air"),
    lazy_gettext("sea"),
    lazy_gettext("road"),
    lazy_gettext("rail"),
)

# Confidence of a sourced record: {{ _(record.confidence.value) }}
CONFIDENCE = (
    lazy_gettext("confirmed"),
    lazy_gettext("partial"),
    lazy_gettext("unconfirmed"),
)

# Base units (items.csv base_unit; web/quantities.py): {{ _(item.base_unit) }}
BASE_UNITS = (
    lazy_gettext("piece"),
    lazy_gettext("pair"),
    lazy_gettext("test"),
    lazy_gettext("unit"),
    lazy_gettext("set"),
    lazy_gettext("kit"),
    lazy_gettext("litre"),
    lazy_gettext("bottle"),
    lazy_gettext("box"),
)

# ApiScope (models/api_token.py): {{ _(t.scope.value) }}
API_SCOPES = (
    lazy_gettext("read"),
    lazy_gettext("write"),
)

# ImportKind (services/imports/columns.py): {{ _(kind.value) }}
IMPORT_KINDS = (
    lazy_gettext("donations"),
    lazy_gettext("needs"),
)

# Audit actions on an organisation's history (coordination/organisation.html): {{ _(e.action) }}
ORGANISATION_ACTIONS = (
    lazy_gettext("organisation.register"),
    lazy_gettext("organisation.verify"),
    lazy_gettext("organisation.reject"),
    lazy_gettext("organisation.suspend"),
)
