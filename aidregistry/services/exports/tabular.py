"""CSV (optionally HXL-tagged) and XLSX writers with formula neutralisation.

A cell that starts with =, +, -, @, a tab or a carriage return is run as a formula by
spreadsheet programs (CSV injection); such text cells get a leading single quote.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would evaluate, made inert with a leading quote; other values as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _line(values: Iterable[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        ["" if v is None else neutralise(v) for v in values])
    return out.getvalue()


def csv_lines(header: list[str], rows: Iterable[list[Any]],
              hxl: list[str] | None = None) -> Iterator[str]:
    """CSV text line by line (UTF-8 with BOM so Excel reads it); the HXL row under the header."""
    yield "\ufeff" + _line(header)
    if hxl is not None:
        yield _line(hxl)
    for row in rows:
        yield _line(row)


def xlsx_bytes(sheet_name: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """An XLSX workbook written in streaming mode (constant memory per row)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        return spool.read()
