"""Choices for item and standard fields, in the reader's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import ItemType, Standard


def locale() -> str:
    """The current locale as a string ("en", "zh")."""
    return str(get_locale() or "en")


def item_choices(blank: bool = False) -> list[tuple[str, str]]:
    """Every catalogue item, in catalogue order."""
    items = db.session.scalars(select(ItemType).order_by(ItemType.sort_order)).all()
    choices = [(item.code, f"{item.name(locale())} — {_(item.base_unit)}") for item in items]
    return [("", _("Any item")), *choices] if blank else choices


def standard_choices() -> list[tuple[str, str]]:
    """Every standard, labelled with its item; the item's own code prefixes the value."""
    standards = db.session.scalars(select(Standard).order_by(Standard.item_code, Standard.code))
    return [(s.code, f"{_(s.name)} ({s.item_code})") for s in standards]


def standards_by_item() -> dict[str, list[str]]:
    """Item code → its standard codes (the form script shows only the item's standards)."""
    result: dict[str, list[str]] = {}
    for s in db.session.scalars(select(Standard)):
        result.setdefault(s.item_code, []).append(s.code)
    return result
