"""/exports: downloads of the public data, explained for journalists and agencies."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator

from flask import Blueprint, Response, abort, render_template, send_file
from flask.typing import ResponseReturnValue

from aidregistry.models.base import utcnow
from aidregistry.services.exports.datasets import DATASETS, rows
from aidregistry.services.exports.dump import dump_chunks
from aidregistry.services.exports.geo import geojson_chunks
from aidregistry.services.exports.iati import iati_chunks
from aidregistry.services.exports.tabular import csv_lines, xlsx_bytes
from aidregistry.web.api.spec import session

bp = Blueprint("exports", __name__, url_prefix="/exports")
FORMATS = ("csv", "hxl.csv", "xlsx")


def _download(chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    # Written to a spooled file inside the request (memory stays bounded: past 8 MB it
    # goes to disk) rather than streamed, so that no database work runs after the request.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    for chunk in chunks:
        spool.write(chunk.encode("utf-8"))
    spool.seek(0)
    return send_file(spool, mimetype=mimetype, as_attachment=True, download_name=filename)


@bp.get("/")
def index() -> ResponseReturnValue:
    """What can be downloaded, and what each file contains."""
    return render_template("exports/index.html", datasets=DATASETS)


@bp.get("/<dataset>.csv", defaults={"fmt": "csv"})
@bp.get("/<dataset>.hxl.csv", defaults={"fmt": "hxl.csv"})
@bp.get("/<dataset>.xlsx", defaults={"fmt": "xlsx"})
def table(dataset: str, fmt: str) -> ResponseReturnValue:
    """Donations, needs or deliveries as CSV, HXL-tagged CSV or XLSX."""
    name = dataset
    chosen = DATASETS.get(name)
    if chosen is None or fmt not in FORMATS:
        abort(404)
    header = [f.name for f in chosen.fields]
    stamp = utcnow().date().isoformat()
    if fmt == "xlsx":
        data = xlsx_bytes(name, header, rows(session(), chosen))
        return send_file(io.BytesIO(data), as_attachment=True,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         download_name=f"aidregistry-{name}-{stamp}.xlsx")
    hxl = [f.hxl for f in chosen.fields] if fmt == "hxl.csv" else None
    return _download(csv_lines(header, rows(session(), chosen), hxl), "text/csv",
                     f"aidregistry-{name}-{stamp}.{fmt}")


@bp.get("/deliveries.geojson")
def geojson() -> ResponseReturnValue:
    """Deliveries as lines from origin to destination."""
    return _download(geojson_chunks(session()), "application/geo+json",
                     "aidregistry-deliveries.geojson")


@bp.get("/dump.json")
def dump() -> ResponseReturnValue:
    """Everything public, in the form ``aidregistry import dump`` reads back."""
    return _download(dump_chunks(session()), "application/json", "aidregistry-dump.json")


@bp.get("/iati.xml")
def iati() -> ResponseReturnValue:
    """IATI activities of organisations with an org-id identifier."""
    generated = utcnow().isoformat(timespec="seconds")
    return _download(iati_chunks(session(), generated), "application/xml",
                     "aidregistry-iati.xml")


