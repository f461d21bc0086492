"""Quantities for readers: "1.8 million pieces", "130,000 pieces", "1,000 units".

Every total on the site is a sum of base units; this module only words them, in the
reader's language, with the unit's plural form.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.numbers import format_compact_decimal, format_decimal
from flask_babel import get_locale, lazy_gettext, ngettext

MILLION = 1_000_000

CATEGORY_LABELS = {
    "respirators": lazy_gettext("Respirators"), "masks": lazy_gettext("Masks"),
    "gloves": lazy_gettext("Gloves"), "garments": lazy_gettext("Gowns and suits"),
    "eye_face": lazy_gettext("Eye and face protection"), "devices": lazy_gettext("Devices"),
    "diagnostics": lazy_gettext("Tests"), "consumables": lazy_gettext("Consumables"),
    "hygiene": lazy_gettext("Hygiene"), "kits": lazy_gettext("Mixed supplies"),
}

# One function per base unit so that each plural form is a literal the catalogue extracts.
_UNITS: dict[str, Callable[[int, str], str]] = {
    "piece": lambda n, num: ngettext("%(qty)s piece", "%(qty)s pieces", n, qty=num),
    "pair": lambda n, num: ngettext("%(qty)s pair", "%(qty)s pairs", n, qty=num),
    "test": lambda n, num: ngettext("%(qty)s test", "%(qty)s tests", n, qty=num),
    "unit": lambda n, num: ngettext("%(qty)s unit", "%(qty)s units", n, qty=num),
    "set": lambda n, num: ngettext("%(qty)s set", "%(qty)s sets", n, qty=num),
    "kit": lambda n, num: ngettext("%(qty)s kit", "%(qty)s kits", n, qty=num),
    "litre": lambda n, num: ngettext("%(qty)s litre", "%(qty)s litres", n, qty=num),
    "bottle": lambda n, num: ngettext("%(qty)s bottle", "%(qty)s bottles", n, qty=num),
    "box": lambda n, num: ngettext("%(qty)s box", "%(qty)s boxes", n, qty=num),
}


def _locale() -> str:
    return str(get_locale() or "en")


def number_words(n: int) -> str:
    """A count for a headline: compact from a million up ("1.8 million"), exact below."""
    if abs(n) >= MILLION:
        # Chinese has only the short form ("180万"), which reads as words there.
        if _locale().startswith("zh"):
            return format_compact_decimal(n, format_type="short", fraction_digits=1,
                                          locale=_locale())
        return format_compact_decimal(n, format_type="long", fraction_digits=1, locale=_locale())
    return format_decimal(n, locale=_locale())


def _with_unit(n: int, num: str, unit: str) -> str:
    words = _UNITS.get(unit)
    return f"{num} {unit}" if words is None else words(n, num)


def quantity_words(n: int, unit: str) -> str:
    """A quantity with its unit: "1.8 million pieces", "130,000 pieces", "1 unit"."""
    # A compact figure ("1.8 million") is always plural, whatever its first digit.
    return _with_unit(n if abs(n) < MILLION else 2, number_words(n), unit)


def exact_quantity(n: int, unit: str) -> str:
    """A quantity in full with its unit, for records and tables: "20,000 pieces", "1 pair"."""
    return _with_unit(n, format_decimal(n, locale=_locale()), unit)


def country_name(code: str) -> str:
    """A country's name in the reader's language ("China", "中国"), or its code."""
    locale = get_locale()
    return str(locale.territories.get(code, code)) if locale else code


def unit_plurals() -> dict[str, str]:
    """The plural noun of every unit alone, for the map script ("pieces", "units")."""
    return {unit: words(2, "").strip() for unit, words in _UNITS.items()}
