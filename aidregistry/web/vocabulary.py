"""Values that templates and views translate at run time, listed so that extraction finds them.

Templates show stored codes through ``_()`` with a variable argument: ``{{ _(org.kind.value) }}``,
``{{ _(d.status.value) }}``, ``{{ _(item.base_unit) }}``, ``{{ _(m) }}`` for a transport mode,
reason codes, confidence values, token scopes, import kinds, audit actions and entity types;
views show service errors as ``_(exc.message)``. ``pybabel extract`` reads only literal
strings, so without this module none of these texts would reach the catalogue and every
reader would see the raw English code or message.

Nothing imports the names below at run time; the module only has to be importable. When an
enumeration in ``aidregistry/models`` gains a value, ``aidregistry/data/items.csv`` a base unit,
a service a literal error message or an import column its help, add it here, then extract,
update, translate and compile (``tests/functional/test_i18n.py`` names what is missing).
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

# Audit actions (services: record_event), shown as ``_(e.action)`` on the history pages.
AUDIT_ACTIONS = (
    lazy_gettext("allocation.create"),
    lazy_gettext("allocation.accept"),
    lazy_gettext("allocation.reject"),
    lazy_gettext("allocation.cancel"),
    lazy_gettext("allocation.confirm"),
    lazy_gettext("allocation.accepted"),
    lazy_gettext("allocation.confirmed"),
    lazy_gettext("allocation.shipped"),
    lazy_gettext("allocation.delivered"),
    lazy_gettext("allocation.rejected"),
    lazy_gettext("allocation.cancelled"),
    lazy_gettext("attachment.add"),
    lazy_gettext("attachment.visibility"),
    lazy_gettext("certificate.decide"),
    lazy_gettext("api_token.create"),
    lazy_gettext("api_token.revoke"),
    lazy_gettext("demo.load"),
    lazy_gettext("donation.create"),
    lazy_gettext("donation.edit"),
    lazy_gettext("donation.withdraw"),
    lazy_gettext("donation.import"),
    lazy_gettext("donation.receipt"),
    lazy_gettext("donation.receipt_rejected"),
    lazy_gettext("match.run"),
    lazy_gettext("need.create"),
    lazy_gettext("need.edit"),
    lazy_gettext("need.close"),
    lazy_gettext("need.reconfirm"),
    lazy_gettext("need.import"),
    lazy_gettext("need.receipt"),
    lazy_gettext("need.receipt_rejected"),
    lazy_gettext("organisation.register"),
    lazy_gettext("organisation.verify"),
    lazy_gettext("organisation.reject"),
    lazy_gettext("organisation.suspend"),
    lazy_gettext("shipment.create"),
    lazy_gettext("shipment.leg_add"),
    lazy_gettext("shipment.leg_edit"),
    lazy_gettext("shipment.leg_remove"),
    lazy_gettext("shipment.receipt"),
    lazy_gettext("shipment.status"),
    lazy_gettext("user.create_coordinator"),
    lazy_gettext("user.password_change"),
    lazy_gettext("user.password_reset"),
    lazy_gettext("user.deactivate"),
    lazy_gettext("user.reactivate"),
    lazy_gettext("access.denied"),
    lazy_gettext("user.second_factor_enrol"),
    lazy_gettext("user.second_factor_disable"),
    lazy_gettext("user.second_factor_reset"),
    lazy_gettext("user.recovery_code_use"),
    lazy_gettext("user.recovery_codes_renew"),
)

# Entity types of the audit log (coordination/history.py): ``_(entity_type)``.
AUDIT_ENTITY_TYPES = (
    lazy_gettext("organisation"),
    lazy_gettext("donation"),
    lazy_gettext("need"),
    lazy_gettext("allocation"),
    lazy_gettext("shipment"),
    lazy_gettext("user"),
    lazy_gettext("apitoken"),
    lazy_gettext("matchrun"),
    lazy_gettext("attachment"),
    lazy_gettext("certificate"),
)

# The standard that catalogue.py adds to every item (templates show ``_(standard.name)``).
STANDARD_NAMES = (lazy_gettext("No standard stated"),)

# Messages of ServiceError, NotAllowed and Conflict raised with a literal text, and the password
# rules: the web views show them as ``_(exc.message)``. Messages built with f-strings stay in
# English. tests/functional/test_i18n.py checks that every literal message is listed here.
SERVICE_MESSAGES = (
    # services/accounts.py
    lazy_gettext("An account with this e-mail address exists; sign in instead."),
    lazy_gettext("The current password is not correct."),
    lazy_gettext("An account with this e-mail address exists."),
    lazy_gettext("An organisation with this identifier is already registered."),
    lazy_gettext("Names may not hold control, direction or invisible characters."),
    lazy_gettext("The password is not correct."),
    lazy_gettext("Only coordinators deactivate accounts."),
    lazy_gettext("You cannot deactivate your own account."),
    # services/passwords.py (the lengths are MIN_LENGTH and MAX_LENGTH there)
    lazy_gettext("Use at least 12 characters."),
    lazy_gettext("Use at most 1024 characters."),
    # services/second_factor.py
    lazy_gettext("The code is not correct. Check the time on your phone."),
    lazy_gettext("Turn on the second factor first."),
    lazy_gettext("Coordinators must keep a second factor."),
    lazy_gettext("Only coordinators reset a second factor."),
    lazy_gettext("Use one of your recovery codes, or ask another coordinator."),
    lazy_gettext("Only an admin resets an admin's second factor."),
    # services/allocations.py
    lazy_gettext("Only coordinators decide on allocations."),
    lazy_gettext("Say what the other reason is."),
    lazy_gettext("Only coordinators (or the donor, for its pledges) cancel allocations."),
    lazy_gettext("Only the donor confirms its pledge."),
    lazy_gettext("The quantity must be at least 1."),
    # services/api_tokens.py
    lazy_gettext("Give the token a name of up to 100 characters."),
    lazy_gettext("A token expires after 1 to 365 days."),
    lazy_gettext("You have too many tokens; revoke one first."),
    lazy_gettext("This is not one of your tokens."),
    # services/exports/dump.py
    lazy_gettext("The file is not an AidRegistry dump."),
    lazy_gettext("The registry is not empty; a dump loads only into an empty one."),
    # services/attachments.py
    lazy_gettext("You can only add files to your own organisation's donations."),
    lazy_gettext("Choose what the file shows."),
    lazy_gettext("Choose one of this donation's certificates."),
    lazy_gettext("Only the recipient adds files to its receipt."),
    lazy_gettext("Only the donor decides who sees its files."),
    # services/organisations.py
    lazy_gettext("Only coordinators verify organisations."),
    lazy_gettext("Give a reason; the organisation will see it."),
    # services/places.py
    lazy_gettext("Coordinates must be real numbers."),
    lazy_gettext("Latitude is -90 to 90."),
    lazy_gettext("Longitude is -180 to 180."),
    lazy_gettext("Enter a place."),
    lazy_gettext("Give both latitude and longitude, or neither."),
    lazy_gettext(
        "We could not find this place. Check the spelling, "
        "add the country, or give coordinates."
    ),
    # services/receipts.py
    lazy_gettext("The quantity received cannot be negative."),
    lazy_gettext("Say why the goods are rejected (the inspection result)."),
    lazy_gettext("Goods that failed inspection cannot be accepted."),
    lazy_gettext("This shipment's receipt is already recorded."),
    lazy_gettext("The receipt date cannot be in the future."),
    lazy_gettext("Give what arrived for every line of the shipment."),
    lazy_gettext("Only the recipient organisation confirms receipt."),
    lazy_gettext("Choose the condition."),
    lazy_gettext("Choose accepted or rejected."),
    # services/records.py
    lazy_gettext("Choose an item from the catalogue."),
    lazy_gettext("You can only change your own organisation's records."),
    lazy_gettext(
        "Someone else saved this record after you opened it. Reload "
        "the page to see their changes, then make yours again."
    ),
    lazy_gettext("The expiry date must be after the available-from date."),
    lazy_gettext("Choose at least one way the goods can travel."),
    lazy_gettext(
        "This donation can no longer be edited: goods "
        "are allocated from it or it was withdrawn."
    ),
    lazy_gettext("Say why the donation is withdrawn."),
    lazy_gettext("This donation is already withdrawn."),
    lazy_gettext(
        "Goods from this donation are allocated; ask a "
        "coordinator to cancel those allocations first."
    ),
    lazy_gettext("Choose at least one standard you accept."),
    lazy_gettext("Priority is 1 (most urgent) to 4."),
    lazy_gettext("The needed-by date is in the past."),
    lazy_gettext("The expiry date is in the past."),
    lazy_gettext("This need is closed."),
    lazy_gettext("Goods are allocated to this need; its item cannot change."),
    lazy_gettext("This need is already closed."),
    lazy_gettext("Give the number of units in one pack."),
    lazy_gettext("This standard is not one of the item's standards."),
    # services/shipments.py
    lazy_gettext(
        "Someone else saved this shipment after you opened it. Reload "
        "the page to see their changes, then make yours again."
    ),
    lazy_gettext("Enter a whole number."),
    lazy_gettext("You can only ship your own organisation's allocations."),
    lazy_gettext(
        "All lines of a shipment go from one donor to one "
        "recipient; record one shipment per recipient."
    ),
    lazy_gettext("Choose air, sea, road or rail."),
    lazy_gettext("Choose a customs state."),
    lazy_gettext("Choose at least one allocation to ship."),
    lazy_gettext("Each allocation appears once on a shipment."),
    lazy_gettext("An actual date cannot be in the future; tick “planned”."),
    lazy_gettext("The arrival cannot be before the departure."),
    lazy_gettext("An actual date cannot be in the future; enter it as planned."),
    lazy_gettext("Choose a status."),
    lazy_gettext("Only the donor or a coordinator changes this shipment."),
    # services/shipment_legs.py
    lazy_gettext("This shipment's route is a record now: no leg can be removed."),
    lazy_gettext(
        "This leg has an actual departure or arrival date, so it cannot "
        "be removed; if those dates are wrong, correct the leg first."
    ),
    lazy_gettext("A shipment under way keeps at least one leg; correct this leg instead."),
    lazy_gettext(
        "Removing this leg would leave a gap in the route; correct a "
        "neighbouring leg so that the two meet, then remove this one."
    ),
    # services/verification.py
    lazy_gettext("Only coordinators verify certificates."),
    lazy_gettext("Say what the finding rests on."),
    lazy_gettext(
        "A certificate declared with an invalid number cannot be verified; the donor "
        "corrects it first."
    ),
    # services/signup.py
    lazy_gettext("This sign-up is already confirmed; please sign in."),
    # services/passwords.py
    lazy_gettext("This password is on a list of commonly used passwords; choose another."),
    lazy_gettext("The password is too close to your name or e-mail address."),
)

# Help of each import column (services/imports/columns.py), shown as ``_(c.help)`` on the
# import page.
IMPORT_COLUMN_HELP = (
    # services/imports/columns.py
    lazy_gettext("your own stable id of the row; re-importing skips known ids"),
    lazy_gettext("catalogue code or item name, e.g. MASK_SURG or surgical mask"),
    lazy_gettext("a whole number, in the unit below"),
    lazy_gettext("units (or the item's base unit, e.g. piece) or packs"),
    lazy_gettext("base units per pack, when the unit is packs"),
    lazy_gettext("what a pack is called, e.g. box"),
    lazy_gettext("a city and its country or state"),
    lazy_gettext("ISO 3166-1 alpha-2, helps find the place"),
    lazy_gettext("latitude, instead of looking the place up"),
    lazy_gettext("longitude"),
    lazy_gettext("product standard code, e.g. YY0469"),
    lazy_gettext("YYYY-MM-DD"),
    lazy_gettext("air, sea, road, rail; several separated by ;"),
    lazy_gettext("NMPA registration number"),
    lazy_gettext("FDA EUA reference"),
    lazy_gettext("FDA 510(k) number"),
    lazy_gettext("CE certificate number"),
    lazy_gettext("CE notified body number"),
    lazy_gettext("NIOSH approval number"),
    lazy_gettext("test report number"),
    lazy_gettext("standard the report tests against"),
    lazy_gettext("laboratory that issued the report"),
    lazy_gettext("only when importing for several organisations"),
    lazy_gettext("standard codes separated by ;"),
    lazy_gettext("1 (most urgent) to 4"),
    lazy_gettext("YYYY-MM-DD; default 30 days from today"),
)

# What each import column is called (services/imports/columns.py LABELS), shown as
# ``_(label)`` on the columns screen; all but the first are the record forms' own labels.
IMPORT_COLUMN_LABELS = (
    lazy_gettext("Your own reference"),
    lazy_gettext("Item"),
    lazy_gettext("Quantity"),
    lazy_gettext("Counted in"),
    lazy_gettext("Units per pack"),
    lazy_gettext("Pack name (box, carton…)"),
    lazy_gettext("Standard the goods meet"),
    lazy_gettext("Place"),
    lazy_gettext("Country"),
    lazy_gettext("Latitude"),
    lazy_gettext("Longitude"),
    lazy_gettext("Available from"),
    lazy_gettext("Expiry date"),
    lazy_gettext("Can travel by"),
    lazy_gettext("NMPA registration number"),
    lazy_gettext("FDA emergency use authorisation"),
    lazy_gettext("FDA 510(k) number"),
    lazy_gettext("CE certificate"),
    lazy_gettext("CE notified body number"),
    lazy_gettext("NIOSH approval (TC-84A-…)"),
    lazy_gettext("Test report number"),
    lazy_gettext("Standard tested against"),
    lazy_gettext("Testing laboratory"),
    lazy_gettext("Manufacturer"),
    lazy_gettext("Lot or batch"),
    lazy_gettext("Notes"),
    lazy_gettext("Organisation"),
    lazy_gettext("Standards you accept"),
    lazy_gettext("Priority"),
    lazy_gettext("Needed by"),
    lazy_gettext("Lapses on unless reconfirmed (default: in 30 days)"),
)

# Why the online geocoder failed (geocoding/nominatim.py), shown under the place field.
GEOCODER_MESSAGES = (
    # geocoding/nominatim.py
    lazy_gettext("The online geocoder did not answer in time."),
    lazy_gettext("The online geocoder is refusing requests (rate limit)."),
    lazy_gettext("The online geocoder cannot be reached."),
    lazy_gettext("The online geocoder sent an answer that could not be read."),
    lazy_gettext("The online geocoder returned an error."),
    lazy_gettext("The online geocoder failed."),
    lazy_gettext("The online geocoder sent a place without coordinates."),
)

# What an import says about a file, a column or a cell (services/imports: message(),
# CellError, ImportFileError). The import pages show ``_(m.msgid, **m.params)``: the values
# (a cell's text, a number) are filled in after translation. tests/functional/test_i18n.py
# checks that every msgid raised there is listed here.
IMPORT_MESSAGES = (
    # services/imports/cells.py
    lazy_gettext("Enter a whole number, such as 20000 (not %(text)s)."),
    lazy_gettext("Enter a number from %(low)s to %(high)s."),
    lazy_gettext("Enter a number such as 31.23 (not %(text)s)."),
    lazy_gettext("Write the date as YYYY-MM-DD, e.g. 2020-03-15 (not %(text)s)."),
    # services/imports/columns.py
    lazy_gettext("column %(number)s"),
    lazy_gettext("This column has no header; name it or delete it."),
    lazy_gettext("Unknown column; rename it to one of the template's columns."),
    lazy_gettext("%(field)s is not a column of this import."),
    lazy_gettext("Duplicate column: %(field)s is already column %(number)s."),
    lazy_gettext("This required column is missing."),
    lazy_gettext("The file has no column %(number)s."),
    lazy_gettext(
        "Your column %(column)s is also chosen for %(fields)s; choose each column of your "
        "file once."
    ),
    lazy_gettext("This field is required: choose the column of your file that holds it."),
    # services/imports/reading.py
    lazy_gettext("The file is neither UTF-8 nor GB18030 text. Save it as CSV UTF-8."),
    lazy_gettext("The file is empty."),
    lazy_gettext(
        'A quote (") opens here and is never closed, so the rest of the file would be read '
        "as one cell. Close or remove the quote."
    ),
    lazy_gettext("A cell is longer than %(limit)s characters."),
    lazy_gettext("The row contains a NUL byte; this is not a text file."),
    lazy_gettext("The CSV is malformed: %(reason)s."),
    lazy_gettext("A cell goes on after its closing quote (\"), often because a comma "
                 "split a cell that holds quotes. Put the whole cell in quotes and "
                 "double each quote inside it."),
    lazy_gettext("The XLSX file cannot be opened; save it again from your spreadsheet program."),
    lazy_gettext("The first sheet is empty."),
    # services/imports/rows.py
    lazy_gettext("%(text)s is not in the catalogue; use a code such as MASK_SURG."),
    lazy_gettext("The unit is packs: give pack_size, the units in one pack."),
    lazy_gettext(
        "Unit %(unit)s does not fit this item; %(item)s is counted in %(base_unit)s (or in "
        "packs with a pack_size)."
    ),
    lazy_gettext("There is no organisation %(id)s."),
    lazy_gettext(
        "This cell looks like a spreadsheet formula; remove the leading %(char)s or quote it "
        "as text."
    ),
    lazy_gettext("The cell contains a NUL byte."),
    lazy_gettext("Unknown transport mode %(mode)s; use air, sea, road or rail."),
    lazy_gettext("Give at least one standard you accept."),
    # services/imports/run.py
    lazy_gettext("This row is blank; delete it."),
    lazy_gettext(
        "This row has %(cells)s cells but the header has %(header)s; a cell may contain an "
        "unquoted comma."
    ),
    lazy_gettext("This row has %(cells)s cells but the header has %(header)s."),
    lazy_gettext("%(organisation)s is not registered to donate."),
    lazy_gettext("%(organisation)s is not registered to receive."),
    lazy_gettext("This external_ref appears earlier in the file."),
)

