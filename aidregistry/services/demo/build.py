"""Rules that turn demo rows into field values: kinds, priorities, modes, statuses, notes.

Pure functions over the rows; the loader applies them to the models.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import timedelta
from typing import Any

from aidregistry.models import AllocationStatus, Mode, OrgKind
from aidregistry.services.demo.rows import (
    EventRow,
    ItemMapping,
    Lot,
    PlaceRow,
    is_partial_date,
)

REF_PREFIX = "demo:"
NEEDED_WITHIN = timedelta(days=3)
# Most dates in the file are arrivals or handovers; the goods were ready about a week
# before (research/domain.md §4.3: pledge → departure 3–6 days, air freight 2–3 days).
READY_BEFORE_ARRIVAL = timedelta(days=7)
SHIPPING_STAGES = ("pledge", "donated", "dispatch", "depart", "loaded", "shipping")


def ready_on(row: Any) -> Any:
    """When the goods were ready: the row's date, or a week before an arrival-type date."""
    stage = row.date_type.lower()
    if any(word in stage for word in SHIPPING_STAGES):
        return row.on
    return row.on - READY_BEFORE_ARRIVAL
NEED_LIFETIME = timedelta(days=30)
RECALLED = "recalled (quality failure)"
PACK_UNITS = frozenset({"box"})

# Dataset types that are not OrgKind values themselves (research/domain.md §3.2-3.3).
_KIND_ALIASES = {
    "unspecified": OrgKind.BUSINESS,
    "commercial_supplier": OrgKind.BUSINESS,
    "red_cross_society": OrgKind.NGO,
    "ministry_of_health": OrgKind.GOVERNMENT_AGENCY,
    "national_agency": OrgKind.GOVERNMENT_AGENCY,
    "disaster_management_agency": OrgKind.GOVERNMENT_AGENCY,
    "civil_protection": OrgKind.GOVERNMENT_AGENCY,
    "city_government": OrgKind.MUNICIPAL_GOVERNMENT,
}
_GOVERNMENT_KINDS = frozenset({
    OrgKind.NATIONAL_GOVERNMENT, OrgKind.PROVINCIAL_GOVERNMENT, OrgKind.STATE_GOVERNMENT,
    OrgKind.REGIONAL_GOVERNMENT, OrgKind.MUNICIPAL_GOVERNMENT, OrgKind.COUNTY_GOVERNMENT,
    OrgKind.GOVERNMENT_AGENCY,
})

_D, _S, _C = AllocationStatus.DELIVERED, AllocationStatus.SHIPPED, AllocationStatus.CONFIRMED
# Every stage the dataset uses, spelled out so that a new one fails loudly instead of
# being guessed. Stages that say only part arrived, or give a planned date, stay SHIPPED:
# the allocation is delivered once all of it is.
_STATUS_BY_STAGE = {
    "arrived": _D, "arrived (announced)": _D, "arrived / handed over": _D,
    "arrived / handed over 10 may": _D, "arrived (first batch)": _D, "received": _D,
    "handed over": _D, "handed over (ceremony)": _D, "handed over (virtual ceremony)": _D,
    "delivered": _D, "donated": _D, "donated (date not stated)": _D, "reported": _D,
    RECALLED: _D,
    "arrived (transshipment hub)": _S, "arrived at border": _S, "in transit": _S,
    "dispatched": _S, "departed origin": _S, "loaded for dispatch": _S,
    "expected arrival": _S, "delivered (planned date)": _S, "partially delivered": _S,
    "partly arrived": _S, "pledged / shipping": _S,
    "pledged": _C, "pledged (offered)": _C, "pledged / expected": _C,
}
# Transshipment points that the shipments and map features draw as legs.
_HUBS = {"liege": "Liège", "addis ababa": "Addis Ababa", "almaty": "Almaty",
         "karachi": "Karachi"}


def type_parts(type_text: str) -> list[str]:
    """The co-actor types of a dataset type, qualifiers dropped ("a:x+b" → ["a", "b"])."""
    return [part.split(":")[0].strip() for part in type_text.split("+")]


def org_kind(type_text: str) -> OrgKind:
    """The OrgKind of the first co-actor type (raises ValueError for an unknown type)."""
    first = type_parts(type_text)[0]
    return _KIND_ALIASES.get(first) or OrgKind(first)


def need_priority(recipient_type: str) -> int:
    """1 when hospitals receive the goods, 2 for government and emergency bodies, else 3."""
    if "hospital" in type_parts(recipient_type):
        return 1
    return 2 if org_kind(recipient_type) in _GOVERNMENT_KINDS else 3


def org_ref(name: str) -> str:
    """A stable external_ref for an organisation name, short enough for the column."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(slug) > 80:
        # Long names differ only near the end; a hash of the full name keeps them apart.
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        slug = f"{slug[:80].rstrip('-')}-{digest}"
    return f"{REF_PREFIX}org:{slug}"


def record_ref(kind: str, row: EventRow) -> str:
    """``demo:<kind>:<event_id>:<line>``."""
    return f"{REF_PREFIX}{kind}:{row.key}"


def modes(transport_mode: str) -> frozenset[str]:
    """The modes the goods travelled by; unknown ("not stated") leaves air and sea open."""
    text = transport_mode.lower()
    found = set()
    if re.search(r"\bair\b", text):
        found.add(Mode.AIR.value)
    if re.search(r"\b(road|truck|local)\b", text):
        found.add(Mode.ROAD.value)
    return frozenset(found) or frozenset({Mode.AIR.value, Mode.SEA.value})


def main_mode(transport_mode: str) -> str | None:
    """The mode of the long leg, when the row says it."""
    found = modes(transport_mode)
    if Mode.SEA.value in found:  # the row did not say
        return None
    return Mode.AIR.value if Mode.AIR.value in found else Mode.ROAD.value


def status(row: EventRow) -> AllocationStatus:
    """The allocation status that the row's stage (date_type) reports."""
    try:
        return _STATUS_BY_STAGE[row.date_type.lower()]
    except KeyError:
        raise ValueError(f"{row.key}: unknown date_type {row.date_type!r}") from None


def explanation(lot: Lot) -> dict[str, Any]:
    """What the shipments and map features need to build legs later, from the row text."""
    row = lot.latest
    text = f"{row.transport_mode} {row.recipient}".lower()
    info: dict[str, Any] = {
        "source": "demo", "event_id": row.event_id, "line": lot.first.line,
        "date": row.date_text, "date_type": row.date_type, "route": row.transport_mode,
        "hubs": [name for key, name in _HUBS.items() if key in text], "notes": row.notes,
    }
    if len(lot.rows) > 1:
        info["stages"] = [{"date": r.date_text, "date_type": r.date_type, "line": r.line}
                          for r in lot.rows]
    if row.is_purchase:
        info["purchase"] = True
    if row.date_type.lower() == RECALLED:
        # Kept for the receipts feature, which will record this as a rejected receipt.
        info.update(recalled=True, recalled_on=row.date_text, recall_note=row.notes)
    if lot.part_of is not None:
        info["part_of"] = f"{REF_PREFIX}allocation:{row.event_id}:{lot.part_of}"
    return info


def notes(lot: Lot, mapping: ItemMapping, place: PlaceRow) -> str:
    """The row's notes plus everything the loader changed or assumed, in brackets."""
    first = lot.first
    parts = [first.notes] if first.notes else []
    parts.append(f"[as published: {first.quantity:,} {first.unit} of \"{first.item}\"; "
                 f"{first.date_type} {first.date_text}]")
    if mapping.note:
        parts.append(f"[item note: {mapping.note}]")
    if mapping.base_per_unit != 1:
        parts.append(f"[unit note: {mapping.base_per_unit} per {first.unit}]")
    if is_partial_date(first.date_text):
        parts.append(f"[date note: partial date {first.date_text} recorded as "
                     f"{first.on.isoformat()}]")
    if place.note:
        parts.append(f"[place note: {place.note}]")
    if first.is_purchase:
        parts.append("[purchase, not a donation]")
    if lot.part_of is not None:
        parts.append(f"[portion of the goods of line {lot.part_of} of {first.event_id}, "
                     "not additional goods]")
    for later in lot.rows[1:]:
        parts.append(f"[later stage, line {later.line}: {later.date_type} {later.date_text}"
                     + (f"; {later.notes}" if later.notes else "") + "]")
    return " ".join(parts)


def base_quantity(row: EventRow, mapping: ItemMapping) -> int:
    """The published count in the item's base unit (a pair of exam gloves is 2 pieces)."""
    return row.quantity * mapping.base_per_unit


def pack(row: EventRow, mapping: ItemMapping) -> tuple[str | None, int | None]:
    """(pack_label, pack_size) when the published unit was a pack, such as a box."""
    if row.unit in PACK_UNITS:
        return row.unit, mapping.base_per_unit
    return None, None
