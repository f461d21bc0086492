"""Which uploaded files the registry keeps: PDF, PNG, JPEG and WebP, told by their content.

A file's name and the type its browser claims are not evidence of what it is: an HTML page
renamed ``certificate.pdf`` is still HTML. The first bytes decide. A PDF is read further:
one that carries JavaScript or actions run on opening (``/JavaScript``, ``/JS``,
``/OpenAction``, ``/AA``, ``/Launch``), embedded files, rich media or XFA forms is refused,
including names written with ``#xx`` escapes and inside compressed object streams; an
encrypted PDF is refused because its insides cannot be read.
"""

from __future__ import annotations

import re
import zlib
from enum import StrEnum


class FileKind(StrEnum):
    """An accepted kind of file, by its media type."""

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"


EXTENSIONS = {FileKind.PDF: "pdf", FileKind.PNG: "png", FileKind.JPEG: "jpg", FileKind.WEBP: "webp"}


class FileProblem(StrEnum):
    """Why an upload is refused."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    HTML = "html"
    SVG = "svg"
    ARCHIVE = "archive"
    OTHER = "other"
    PDF_ACTIVE = "pdf_active"
    PDF_ENCRYPTED = "pdf_encrypted"


FILE_MESSAGES = {
    FileProblem.EMPTY: "The file is empty.",
    FileProblem.TOO_LARGE: "The file is larger than the registry accepts.",
    FileProblem.HTML: (
        "This file is a web page (HTML), whatever its name says: send a PDF, PNG, JPEG or "
        "WebP file."
    ),
    FileProblem.SVG: (
        "SVG images can carry scripts and are not accepted: send the image as PNG, JPEG or "
        "WebP."
    ),
    FileProblem.ARCHIVE: "Archives (ZIP and the like) are not accepted: send each document "
    "as a PDF, PNG, JPEG or WebP file.",
    FileProblem.OTHER: "Only PDF, PNG, JPEG and WebP files are accepted.",
    FileProblem.PDF_ACTIVE: (
        "This PDF contains scripts, actions run on opening, embedded files or forms, which "
        "the registry does not keep: print it to a new PDF and send that."
    ),
    FileProblem.PDF_ENCRYPTED: (
        "This PDF is encrypted or protected, so it cannot be checked: save it without a "
        "password or restrictions and send it again."
    ),
}

ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"JS", b"OpenAction", b"AA", b"Launch", b"RichMedia", b"EmbeddedFile",
     b"EmbeddedFiles", b"XFA", b"SubmitForm", b"ImportData"}
)  # fmt: skip
NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM_START = re.compile(rb">>\s*stream\r?\n")
# Filters other than Flate on an object stream would hide its objects from the check.
HIDING_FILTERS = frozenset(
    {b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"LZWDecode", b"LZW",
     b"RunLengthDecode", b"RL", b"Crypt"}
)  # fmt: skip
INFLATED_LIMIT = 64 * 1024 * 1024  # a PDF's streams, decompressed, at most (zip bombs)


class DocumentError(ValueError):
    """An upload refused; ``problem`` says why."""

    def __init__(self, problem: FileProblem) -> None:
        super().__init__(FILE_MESSAGES[problem])
        self.problem = problem

    @property
    def message(self) -> str:
        """The English sentence (a msgid of the site's catalogue)."""
        return FILE_MESSAGES[self.problem]


def sniff(data: bytes) -> FileKind | None:
    """The accepted kind the first bytes show, or None."""
    if data.startswith(b"%PDF-"):
        return FileKind.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FileKind.WEBP
    return None


def _refused_kind(data: bytes) -> FileProblem:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return FileProblem.ARCHIVE
    if b"<svg" in head:
        return FileProblem.SVG
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")) or (
        b"<html" in head
    ):
        return FileProblem.HTML
    return FileProblem.OTHER


def _names(chunk: bytes) -> set[bytes]:
    return {ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), n) for n in NAME.findall(chunk)}


def _stream_header(data: bytes, at: int) -> set[bytes]:
    """The names of the dictionary before a stream (from its ``obj`` keyword on)."""
    window = data[max(0, at - 4000) : at]
    start = window.rfind(b" obj")
    return _names(window[start:] if start >= 0 else window)


def _inflated(data: bytes) -> list[bytes]:
    """Every Flate-compressed stream, decompressed (within :data:`INFLATED_LIMIT` in all)."""
    found, budget = [], INFLATED_LIMIT
    for match in STREAM_START.finditer(data):
        header = _stream_header(data, match.start())
        if b"ObjStm" in header and header & HIDING_FILTERS:
            raise DocumentError(FileProblem.PDF_ACTIVE)
        if not header & {b"FlateDecode", b"Fl"}:
            continue
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end >= 0 else len(data)]
        try:
            plain = zlib.decompressobj().decompress(body, budget)
        except zlib.error:
            continue  # not readable as Flate: nothing a viewer would run either
        budget -= len(plain)
        found.append(plain)
        if budget <= 0:
            raise DocumentError(FileProblem.PDF_ACTIVE)  # a bomb is no certificate
    return found


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with active content or encryption (:class:`DocumentError`)."""
    names = _names(data)
    if b"Encrypt" in names:
        raise DocumentError(FileProblem.PDF_ENCRYPTED)
    for plain in _inflated(data):
        names |= _names(plain)
    if names & ACTIVE_NAMES:
        raise DocumentError(FileProblem.PDF_ACTIVE)


def check_document(data: bytes, max_bytes: int) -> FileKind:
    """The kind of an acceptable upload, or :class:`DocumentError` saying why not."""
    if not data:
        raise DocumentError(FileProblem.EMPTY)
    if len(data) > max_bytes:
        raise DocumentError(FileProblem.TOO_LARGE)
    kind = sniff(data)
    if kind is None:
        raise DocumentError(_refused_kind(data))
    if kind is FileKind.PDF:
        check_pdf(data)
    return kind
