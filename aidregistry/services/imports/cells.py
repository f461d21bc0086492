"""Cell parsers: text → value, or a message for the person who typed it."""

from __future__ import annotations

import math
from datetime import date

from aidregistry.services.imports.messages import message

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell's value is not acceptable; the message says how to fix it."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.message = message(msgid, **params)
        super().__init__(str(self.message))


def looks_like_formula(text: str) -> bool:
    """Cells a spreadsheet would run as a formula (negative numbers are left to the parsers)."""
    if not text.startswith(FORMULA_STARTS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def whole_number(text: str, low: int, high: int) -> int:
    """A whole number; thousands separators are allowed."""
    cleaned = text.replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned.isascii() or not cleaned.lstrip("-").isdigit() or len(cleaned) > 15:
        raise CellError("Enter a whole number, such as 20000 (not %(text)s).", text=repr(text))
    value = int(cleaned)
    if not low <= value <= high:
        raise CellError("Enter a number from %(low)s to %(high)s.", low=f"{low:,}",
                        high=f"{high:,}")
    return value


def decimal(text: str, low: float, high: float) -> float:
    """A finite decimal number within bounds."""
    try:
        value = float(text)
    except ValueError:
        raise CellError("Enter a number such as 31.23 (not %(text)s).", text=repr(text)) \
            from None
    if not math.isfinite(value) or not low <= value <= high:
        raise CellError("Enter a number from %(low)s to %(high)s.", low=low, high=high)
    return value


def iso_date(text: str) -> date:
    """A date written YYYY-MM-DD (a spreadsheet's date cells arrive in that form)."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError("Write the date as YYYY-MM-DD, e.g. 2020-03-15 (not %(text)s).",
                        text=repr(text)) from None


def split_list(text: str) -> list[str]:
    """Values separated by ; or , (spaces ignored)."""
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
