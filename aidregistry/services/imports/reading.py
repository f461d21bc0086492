"""Reading CSV and XLSX files row by row, reporting what Python's csv would hide.

research/security-findings.md F9: an unterminated quote swallows the rest of the file,
duplicate headers silently keep the last value, a BOM sticks to the first header. Each of
these, and blank lines, extra cells and NUL bytes, is reported here with its row number.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from aidregistry.services.imports.messages import message

MAX_FIELD = 10_000
CHUNK = 1 << 16
csv.field_size_limit(MAX_FIELD)


class ImportFileError(Exception):
    """The file cannot be read at all (or not past a row); ``row`` is where, when known."""

    def __init__(self, msgid: str, row: int | None = None, **params: object) -> None:
        self.message, self.row = message(msgid, **params), row
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet shows it (header = 1), and its cells."""

    number: int
    cells: list[str]
    problem: ImportFileError | None = None  # the row could not be read; the reading goes on


Rows = Generator[Row, None, None]


def detect_encoding(path: Path) -> str:
    """utf-8-sig when every byte decodes strictly as UTF-8, else GB18030 (Chinese Excel)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError("The file is neither UTF-8 nor GB18030 text. Save it as CSV UTF-8.")


def is_xlsx(path: Path) -> bool:
    """XLSX files are ZIP archives."""
    with path.open("rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def read_rows(path: Path) -> tuple[list[str], Rows]:
    """The header and an iterator of data rows; ImportFileError, also while iterating."""
    if is_xlsx(path):
        return _xlsx_rows(path)
    stream = path.open(encoding=detect_encoding(path), newline="")
    return _csv_rows(stream)


def peek(path: Path) -> tuple[list[str], list[str]]:
    """The header and the first data row's cells (none when there is no row); ImportFileError."""
    header, rows = read_rows(path)
    try:
        first = next(rows, None)
    finally:
        rows.close()  # closes the file
    return header, first.cells if first is not None else []


def _csv_rows(stream: IO[str]) -> tuple[list[str], Rows]:
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration as exc:
        stream.close()
        raise ImportFileError("The file is empty.", 1) from exc
    except csv.Error as exc:
        stream.close()
        raise _csv_problem(exc, 1) from exc
    return header, _csv_body(reader, stream)


def _csv_problem(exc: csv.Error, row: int) -> ImportFileError:
    text = str(exc)
    if "end of data" in text or "EOF" in text:
        return ImportFileError("A quote (\") opens here and is never closed, so the rest of the "
                           "file would be read as one cell. Close or remove the quote.", row)
    if "field larger" in text:
        return ImportFileError("A cell is longer than %(limit)s characters.", row,
                               limit=f"{MAX_FIELD:,}")
    if "NUL" in text:
        return ImportFileError("The row contains a NUL byte; this is not a text file.", row)
    if "expected after" in text:
        return ImportFileError("A cell goes on after its closing quote (\"), often because a comma "
                               "split a cell that holds quotes. Put the whole cell in quotes and "
                               "double each quote inside it.", row)
    return ImportFileError("The CSV is malformed: %(reason)s.", row, reason=text)


def _csv_body(reader: Any, stream: IO[str]) -> Rows:
    number = 1
    try:
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problem = _csv_problem(exc, number)
                if "end of data" in str(exc) or "EOF" in str(exc):
                    raise problem from exc  # an open quote swallowed the rest of the file
                yield Row(number, [], problem)  # the reader resumes at the next line
                continue
            # Numbers count records, as a spreadsheet does, not physical lines.
            yield Row(number, cells)
    finally:
        stream.close()


def _xlsx_rows(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    # A stream, not the path: openpyxl refuses a path without an .xlsx ending, and uploads
    # are stored under a token.
    stream = path.open("rb")
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged archive
        stream.close()
        raise ImportFileError("The XLSX file cannot be opened; save it again from your "
                          "spreadsheet program.") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(value) for value in next(rows)]
    except StopIteration as exc:
        book.close()
        stream.close()
        raise ImportFileError("The first sheet is empty.", 1) from exc
    while header and header[-1] == "":
        header.pop()  # openpyxl reports the sheet's full width; trailing empty headers are padding
    return header, _xlsx_body(rows, book, stream)


def _xlsx_body(rows: Iterator[tuple[Any, ...]], book: Any, stream: IO[bytes]) -> Rows:
    try:
        for number, values in enumerate(rows, start=2):
            yield Row(number, [_cell_text(value) for value in values])
    finally:
        book.close()
        stream.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
