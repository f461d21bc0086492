"""/imports: upload a spreadsheet, see every row's errors, then import all rows or none."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField

from aidregistry.extensions import db
from aidregistry.permissions import Permission, can
from aidregistry.services.imports import ImportKind, commit, preview
from aidregistry.services.imports.columns import columns_of, template_csv, template_xlsx
from aidregistry.web.api.spec import session
from aidregistry.web.forms import as_choices
from aidregistry.web.geocoder import get_geocoder

bp = Blueprint("imports", __name__, url_prefix="/imports")
MAX_UPLOAD = 50 * 1024 * 1024
KIND_PERMISSION = {ImportKind.DONATIONS: Permission.DONATION_CREATE,
                   ImportKind.NEEDS: Permission.NEED_CREATE}


class UploadForm(FlaskForm):
    """What the file holds, and the file."""

    kind = SelectField(_l("The file lists"), choices=[])
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class CommitForm(FlaskForm):
    """Confirms the import of a previewed upload."""

    token = HiddenField()
    kind = HiddenField()


def _kinds() -> list[ImportKind]:
    return [kind for kind, permission in KIND_PERMISSION.items() if can(permission)]


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_path(token: str) -> Path:
    if not token.isalnum() or len(token) != 32:
        abort(404)
    # One folder per person: a token cannot reach someone else's upload.
    path = _upload_dir() / f"{current_user.id}-{token}"
    if not path.is_file():
        abort(404)
    return path


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    """The upload form; a valid upload is checked and its preview shown."""
    kinds = _kinds()
    if not kinds:
        abort(403)
    form = UploadForm()
    form.kind.choices = as_choices((k.value, _(k.value)) for k in kinds)
    if form.validate_on_submit():
        token = secrets.token_hex(16)
        path = _upload_dir() / f"{current_user.id}-{token}"
        form.file.data.save(path)
        if path.stat().st_size > MAX_UPLOAD:
            path.unlink()
            flash(_("The file is larger than 50 MB; split it."), "danger")
            return redirect(url_for("imports.index"))
        return _preview(ImportKind(form.kind.data), path, token)
    return render_template("imports/upload.html", form=form, kinds=kinds, columns_of=columns_of)


def _preview(kind: ImportKind, path: Path, token: str) -> ResponseReturnValue:
    report = preview(session(), get_geocoder(), path, kind, current_user.organisation)
    db.session.rollback()
    return render_template("imports/preview.html", report=report, kind=kind,
                           form=CommitForm(token=token, kind=kind.value))


@bp.post("/commit")
@login_required
def commit_upload() -> ResponseReturnValue:
    """Import every row of a previewed upload, or none."""
    form = CommitForm()
    if not form.validate_on_submit() or form.kind.data not in set(ImportKind):
        abort(400)
    kind = ImportKind(form.kind.data)
    if not can(KIND_PERMISSION[kind]):
        abort(403)
    path = _upload_path(form.token.data)
    report = commit(session(), current_user, get_geocoder(), path, kind,
                    current_user.organisation)
    if not report.ok:
        db.session.rollback()
        return render_template("imports/preview.html", report=report, kind=kind, form=form)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("%(written)s rows imported; %(skipped)s were already in the registry.",
            written=report.written, skipped=report.skipped), "success")
    return redirect(url_for("account.dashboard"))


@bp.get("/template/<kind>.<fmt>")
def template(kind: str, fmt: str) -> ResponseReturnValue:
    """The import template, as CSV or XLSX."""
    if kind not in set(ImportKind) or fmt not in ("csv", "xlsx"):
        abort(404)
    chosen = ImportKind(kind)
    if fmt == "csv":
        response = Response("\ufeff" + template_csv(chosen), mimetype="text/csv")
    else:
        response = Response(template_xlsx(chosen), mimetype="application/vnd.openxmlformats-"
                                                            "officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="aidregistry-{kind}-template.{fmt}"'
    return response
