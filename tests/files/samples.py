"""Real files for the attachment tests, made here: PDFs written by pypdf (clean, with
JavaScript, with an action on opening, with a launch action, compressed into object
streams, encrypted), images written by Pillow, and files of the kinds that are refused."""

from __future__ import annotations

import io
import zipfile

import pikepdf
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer(text: str = "Certificate") -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    return writer


def clean_pdf() -> bytes:
    """A one-page PDF without any action."""
    return _pdf(_writer())


def pdf_with_javascript() -> bytes:
    """A PDF with a document-level script in its /Names tree, run when it is opened."""
    writer = _writer()
    action = writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('hello');"),
    }))
    scripts = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("0"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): scripts})
    return _pdf(writer)


def pdf_with_open_action() -> bytes:
    """A PDF whose catalogue has an /OpenAction."""
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://x")}
    )
    return _pdf(writer)


def pdf_with_launch() -> bytes:
    """A PDF with a /Launch action on its page (the name written with #xx escapes)."""
    data = clean_pdf()
    launch = b"/Type /Page /AA << /O << /S /L#61unch /F (calc.exe) >> >>\n"
    return data.replace(b"/Type /Page\n", launch, 1)


def in_object_streams(data: bytes) -> bytes:
    """The same document rewritten by qpdf (pikepdf) with its objects in compressed object
    streams (PDF 1.5): its dictionaries no longer appear in the file's bytes."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as document:
        document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                      compress_streams=True)
    return out.getvalue()


def pdf_with_javascript_in_object_streams() -> bytes:
    """JavaScript hidden inside a compressed object stream."""
    return in_object_streams(pdf_with_javascript())


def encrypted_pdf() -> bytes:
    """A PDF protected with an owner password only (it opens without one)."""
    writer = _writer()
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    return _pdf(writer)


def image(kind: str) -> bytes:
    """A small real image: PNG, JPEG or WEBP."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


HTML_RENAMED = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
       b'<script>alert(1)</script></svg>')


def zip_file() -> bytes:
    """A ZIP archive holding a PDF."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("certificate.pdf", clean_pdf())
    return out.getvalue()
