"""Uploads are judged by their content: PDF, PNG, JPEG and WebP only, and no PDF that can
run anything."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import pytest

from aidregistry.domain.documents import DocumentError, FileKind, FileProblem, check_document
from tests.files import samples

LIMIT = 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (samples.clean_pdf, FileKind.PDF),
        (lambda: samples.in_object_streams(samples.clean_pdf()), FileKind.PDF),
        (lambda: samples.image("PNG"), FileKind.PNG),
        (lambda: samples.image("JPEG"), FileKind.JPEG),
        (lambda: samples.image("WEBP"), FileKind.WEBP),
    ],
)
def test_accepted_files(make: Callable[[], bytes], kind: FileKind) -> None:
    assert check_document(make(), LIMIT) is kind


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: samples.HTML_RENAMED, FileProblem.HTML),
        (lambda: b"\n  <html><head></head></html>", FileProblem.HTML),
        (lambda: samples.SVG, FileProblem.SVG),
        (samples.zip_file, FileProblem.ARCHIVE),
        (lambda: b"MZ\x90\x00 an executable", FileProblem.OTHER),
        (lambda: b"", FileProblem.EMPTY),
        (samples.pdf_with_javascript, FileProblem.PDF_ACTIVE),
        (samples.pdf_with_open_action, FileProblem.PDF_ACTIVE),
        (samples.pdf_with_launch, FileProblem.PDF_ACTIVE),
        (samples.pdf_with_javascript_in_object_streams, FileProblem.PDF_ACTIVE),
        (samples.encrypted_pdf, FileProblem.PDF_ENCRYPTED),
    ],
)
def test_refused_files(make: Callable[[], bytes], problem: FileProblem) -> None:
    with pytest.raises(DocumentError) as caught:
        check_document(make(), LIMIT)
    assert caught.value.problem is problem


def test_the_javascript_in_object_streams_is_not_in_the_raw_bytes() -> None:
    """What the check above finds, a search of the file's bytes would miss."""
    data = samples.pdf_with_javascript_in_object_streams()
    assert b"/JavaScript" not in data
    assert b"/ObjStm" in data


def test_an_object_stream_behind_other_filters_is_refused() -> None:
    hidden = zlib.compress(b"1 0 << /S /JavaScript /JS (app.alert(1)) >>").hex().encode()
    stream = (b"9 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode] "
              b">>\nstream\n" + hidden + b"\nendstream\nendobj\n")
    with pytest.raises(DocumentError) as caught:
        check_document(samples.clean_pdf() + stream, LIMIT)
    assert caught.value.problem is FileProblem.PDF_ACTIVE


def test_size_cap() -> None:
    data = samples.image("PNG")
    assert check_document(data, len(data)) is FileKind.PNG
    with pytest.raises(DocumentError) as caught:
        check_document(data, len(data) - 1)
    assert caught.value.problem is FileProblem.TOO_LARGE


def test_a_zip_bomb_inside_a_pdf_is_refused() -> None:
    bomb = zlib.compress(b"\0" * (80 * 1024 * 1024), 9)
    stream = (b"9 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
              + bomb + b"\nendstream\nendobj\n")
    with pytest.raises(DocumentError):
        check_document(samples.clean_pdf() + stream, LIMIT)
