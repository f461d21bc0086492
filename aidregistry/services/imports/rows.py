"""One row of cells → the record services' input, or the row's errors.

The checks that involve the catalogue and dates are the services' own (records.py),
applied later to every row; here only the cells' shape and the units are checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.domain.places import Geocoder, Place
from aidregistry.models import MAX_QUANTITY, ItemType, Mode, Organisation, Standard
from aidregistry.services.certificates import entries_from_fields
from aidregistry.services.errors import FieldErrors, ServiceError
from aidregistry.services.imports import cells
from aidregistry.services.imports.columns import ImportKind
from aidregistry.services.imports.messages import Message, message
from aidregistry.services.places import place_from
from aidregistry.services.records import DonationInput, NeedInput, Quantity

PACK_WORDS = frozenset({"pack", "packs", "box", "boxes", "carton", "cartons", "case", "cases"})
UNIT_WORDS = frozenset({"unit", "units", "", "base"})


@dataclass
class Context:
    """What every row of one import shares: the catalogue, places found, organisations."""

    session: Session
    geocoder: Geocoder
    kind: ImportKind
    organisation: Organisation | None
    items: dict[str, ItemType] = field(default_factory=dict)
    places: dict[tuple[str, str | None], Place | ServiceError] = field(default_factory=dict)
    organisations: dict[int, Organisation | None] = field(default_factory=dict)
    seen_hashes: dict[str, int] = field(default_factory=dict)
    standards: list[Standard] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Held here so that the session's (weak) identity map keeps them: the services'
        # session.get then finds them without a query for every row.
        self.standards = list(self.session.scalars(select(Standard)))
        for item in self.session.scalars(select(ItemType)):
            for key in (item.code, item.code.lower(), item.name_en.lower(), item.name_zh):
                self.items.setdefault(key, item)


Problems = list[tuple[str, Message]]


class RowInvalidError(Exception):
    """Every problem found in one row: (column, message) pairs."""

    def __init__(self, errors: Problems) -> None:
        super().__init__(errors)
        self.errors = errors


def _item(ctx: Context, text: str) -> ItemType:
    item = ctx.items.get(text) or ctx.items.get(text.lower())
    if item is None:
        raise cells.CellError("%(text)s is not in the catalogue; use a code such as MASK_SURG.",
                              text=repr(text))
    return item


def _quantity(values: dict[str, str], item: ItemType | None) -> Quantity:
    count = cells.whole_number(values.get("quantity", ""), 1, MAX_QUANTITY)
    unit = values.get("unit", "").strip().lower()
    pack_size_text = values.get("pack_size", "")
    pack_size = cells.whole_number(pack_size_text, 1, 1_000_000) if pack_size_text else None
    label = values.get("pack_label") or None
    if unit in PACK_WORDS:
        if pack_size is None:
            raise cells.CellError("The unit is packs: give pack_size, the units in one pack.")
        return Quantity(count, True, pack_size, label or (unit if unit not in ("pack", "packs")
                                                           else None))
    if unit in UNIT_WORDS or item is None or unit == item.base_unit:
        # Without a known item the unit cannot be judged; the item's own error says enough.
        return Quantity(count, False, pack_size, label)
    raise cells.CellError("Unit %(unit)s does not fit this item; %(item)s is counted in "
                          "%(base_unit)s (or in packs with a pack_size).",
                          unit=repr(unit), item=item.code, base_unit=item.base_unit)


def _place(ctx: Context, values: dict[str, str], country: str | None) -> Place:
    hint = (values.get("country") or country or "").upper() or None
    lat_text, lon_text = values.get("lat", ""), values.get("lon", "")
    if lat_text or lon_text:
        lat = cells.decimal(lat_text, -90, 90) if lat_text else None
        lon = cells.decimal(lon_text, -180, 180) if lon_text else None
        return place_from(ctx.geocoder, values.get("place", ""), hint, lat, lon)
    key = (values.get("place", "").strip().lower(), hint)
    if key not in ctx.places:  # each distinct place is looked up once per import
        try:
            ctx.places[key] = place_from(ctx.geocoder, values.get("place", ""), hint)
        except ServiceError as exc:
            ctx.places[key] = exc
    found = ctx.places[key]
    if isinstance(found, ServiceError):
        raise found
    return found


def _organisation(ctx: Context, values: dict[str, str]) -> Organisation:
    if ctx.organisation is not None:
        return ctx.organisation
    org_id = cells.whole_number(values.get("organisation_id", ""), 1, 2**31 - 1)
    if org_id not in ctx.organisations:
        ctx.organisations[org_id] = ctx.session.get(Organisation, org_id)
    org = ctx.organisations[org_id]
    if org is None:
        raise cells.CellError("There is no organisation %(id)s.", id=org_id)
    return org


def row_reference(ctx: Context, values: dict[str, str], org: Organisation) -> str:
    """The row's external reference, scoped to the organisation.

    Without an external_ref column the row's content is hashed; the n-th identical row of
    a file gets ``#n`` so that two identical lots both arrive, once.
    """
    given = values.get("external_ref", "").strip()
    if given:
        return f"import:{org.id}:{given}"
    content = "\x1f".join(f"{k}={values[k]}" for k in sorted(values) if k != "external_ref")
    digest = hashlib.sha256(content.encode()).hexdigest()[:24]
    ctx.seen_hashes[digest] = ctx.seen_hashes.get(digest, 0) + 1
    return f"import:{org.id}:h{digest}#{ctx.seen_hashes[digest]}"


Parsed = tuple[Organisation, str, DonationInput | NeedInput]


def _run(errors: Problems, column: str, func: Any, *args: Any) -> Any:
    try:
        return func(*args)
    except cells.CellError as exc:
        errors.append((column, exc.message))
    except FieldErrors as exc:
        errors.extend((field or column, Message(text)) for field, text in exc.errors)
    except ServiceError as exc:
        # A service's message is a msgid of its own (vocabulary.SERVICE_MESSAGES).
        errors.append((exc.field or column, Message(exc.message)))
    return None


def parse_row(ctx: Context, values: dict[str, str], today: date) -> Parsed:
    """The row as a service input (with its organisation and reference), or RowInvalidError."""
    errors = [(name, message("This cell looks like a spreadsheet formula; remove the leading "
                             "%(char)s or quote it as text.", char=repr(text[0])))
              for name, text in values.items() if cells.looks_like_formula(text)]
    errors += [(name, message("The cell contains a NUL byte."))
               for name, text in values.items() if "\0" in text]
    org = _run(errors, "organisation_id", _organisation, ctx, values)
    item = _run(errors, "item_code", _item, ctx, values.get("item_code", ""))
    quantity = _run(errors, "quantity", _quantity, values, item)
    place = _run(errors, "place", _place, ctx, values, org.country if org else None)
    build = _donation if ctx.kind is ImportKind.DONATIONS else _need
    data = build(errors, values, item, quantity, place, today)
    if errors or org is None or data is None:
        raise RowInvalidError(errors)
    return org, row_reference(ctx, values, org), data


def _optional_date(errors: Problems, values: dict[str, str], name: str) -> Any:
    return _run(errors, name, cells.iso_date, values[name]) if values.get(name) else None


def _donation(errors: Problems, values: dict[str, str], item: Any, quantity: Any,
              place: Any, today: date) -> DonationInput | None:
    available = _run(errors, "available_from", cells.iso_date, values.get("available_from", ""))
    expires = _optional_date(errors, values, "expires_on")
    modes = [m.lower() for m in cells.split_list(values.get("modes", "") or "air")]
    bad = [m for m in modes if m not in set(Mode)]
    if bad:
        errors.append(("modes", message("Unknown transport mode %(mode)s; use air, sea, road "
                                        "or rail.", mode=repr(bad[0]))))
    if errors:
        return None
    certificates = entries_from_fields(values)
    return DonationInput(
        item_code=item.code, quantity=quantity, standard_code=values.get("standard_code") or None,
        place=place, place_text=values.get("place", ""), available_from=available,
        modes=frozenset(modes), certificates=certificates,
        manufacturer=values.get("manufacturer") or None, lot=values.get("lot") or None,
        expires_on=expires, notes=values.get("notes") or None)


def _need(errors: Problems, values: dict[str, str], item: Any, quantity: Any,
          place: Any, today: date) -> NeedInput | None:
    priority = _run(errors, "priority", cells.whole_number, values.get("priority", ""), 1, 4)
    needed_by = _run(errors, "needed_by", cells.iso_date, values.get("needed_by", ""))
    expires = _optional_date(errors, values, "expires_on")
    standards = tuple(cells.split_list(values.get("accepted_standards", "")))
    if not standards:
        errors.append(("accepted_standards", message("Give at least one standard you accept.")))
    if errors:
        return None
    return NeedInput(
        item_code=item.code, quantity=quantity, accepted_standards=standards, priority=priority,
        needed_by=needed_by, place=place, place_text=values.get("place", ""),
        expires_on=expires, notes=values.get("notes") or None)
