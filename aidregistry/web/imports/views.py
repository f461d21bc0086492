"""/imports: upload a spreadsheet, see every row's errors, then import all rows or none.

When the file's headers are not all the template's, a screen asks which column of the file
holds each field, pre-selected where a header is a field's name or alias. The columns the
preview used travel in its commit form, so the commit reads the file exactly as previewed.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import Length

from aidregistry.extensions import db
from aidregistry.permissions import Permission, can
from aidregistry.services.imports import ImportKind, ImportReport, commit, preview
from aidregistry.services.imports.columns import (
    Choice,
    Label,
    assign_by_header,
    choice_problems,
    column_letter,
    columns_of,
    guess_choice,
    labels_of,
    normalise_header,
    template_csv,
    template_xlsx,
)
from aidregistry.services.imports.messages import Message
from aidregistry.services.imports.reading import ImportFileError, peek
from aidregistry.web.api.spec import session
from aidregistry.web.forms import as_choices
from aidregistry.web.geocoder import get_geocoder

bp = Blueprint("imports", __name__, url_prefix="/imports")
MAX_UPLOAD = 50 * 1024 * 1024
KIND_PERMISSION = {ImportKind.DONATIONS: Permission.DONATION_CREATE,
                   ImportKind.NEEDS: Permission.NEED_CREATE}
MAX_CHOICE_JSON = 4000
SAMPLE_CHARS = 30
FIELD_PREFIX = "map_"


class UploadForm(FlaskForm):
    """What the file holds, and the file."""

    kind = SelectField(_l("The file lists"), choices=[])
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


class CommitForm(FlaskForm):
    """Confirms the import of a previewed upload, with the columns the preview used."""

    token = HiddenField()
    kind = HiddenField()
    columns = HiddenField(validators=[Length(max=MAX_CHOICE_JSON)])


class ColumnsForm(FlaskForm):
    """Which column of the upload holds each field: one select per field, added per kind."""

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
        return _after_upload(ImportKind(form.kind.data), path, token)
    return render_template("imports/upload.html", form=form, kinds=kinds, columns_of=columns_of)


def _after_upload(kind: ImportKind, path: Path, token: str) -> ResponseReturnValue:
    """Straight to the preview when every header is the template's; else the columns screen."""
    try:
        header, sample = peek(path)
    except ImportFileError:
        return _preview(kind, path, token, None)  # the preview says what is wrong with the file
    _names, problems = assign_by_header(header, kind, {})
    if problems:
        initial = _initial(token, kind, guess_choice(header, kind))
        return _show_columns(_columns_form(kind, header, sample, initial), kind)
    return _preview(kind, path, token, guess_choice(header, kind))


@bp.route("/columns", methods=["GET", "POST"])
@login_required
def choose_columns() -> ResponseReturnValue:
    """Say which column of the upload holds each field; then the preview."""
    source = request.form if request.method == "POST" else request.args
    kind = _permitted_kind(source.get("kind", ""))
    token = source.get("token", "")
    path = _upload_path(token)
    try:
        header, sample = peek(path)
    except ImportFileError:
        return _preview(kind, path, token, None)
    if request.method == "GET":
        chosen = _parse_choice(request.args.get("columns", "")) or guess_choice(header, kind)
        return _show_columns(_columns_form(kind, header, sample, _initial(token, kind, chosen)),
                             kind)
    form = _columns_form(kind, header, sample, None)
    if not form.validate_on_submit():
        return _show_columns(form, kind)
    choice = {name[len(FIELD_PREFIX):]: int(value) for name, value in form.data.items()
              if name.startswith(FIELD_PREFIX) and value}
    problems = choice_problems(header, kind, choice)
    for name, problem in problems:
        getattr(form, FIELD_PREFIX + name).errors.append(_say(problem))
    if problems:
        return _show_columns(form, kind)
    return _preview(kind, path, token, choice)


def _permitted_kind(value: str) -> ImportKind:
    if value not in set(ImportKind):
        abort(400)
    kind = ImportKind(value)
    if not can(KIND_PERMISSION[kind]):
        abort(403)
    return kind


def _initial(token: str, kind: ImportKind, choice: Choice) -> dict[str, str]:
    selected = {FIELD_PREFIX + name: str(position) for name, position in choice.items()}
    return {"token": token, "kind": kind.value, **selected}


def _columns_form(kind: ImportKind, header: list[str], sample: list[str],
                  initial: dict[str, str] | None) -> ColumnsForm:
    """The columns form of this kind, offering this file's columns; ``initial`` for a fresh
    form, None to read the submitted one."""
    offered = [(str(position), _column_label(header, sample, position))
               for position in range(len(header))]
    fields = {
        FIELD_PREFIX + c.name: SelectField(
            c.name, default="", description=_l(c.help) if c.help else "",
            choices=as_choices([("", _("— choose a column —") if c.required
                                 else _("— not in my file —")), *offered]))
        for c in columns_of(kind)}
    form_class = type("KindColumnsForm", (ColumnsForm,), fields)
    if initial is None:
        return form_class()  # type: ignore[no-any-return]
    return form_class(formdata=None, data=initial)  # type: ignore[no-any-return]


def _column_label(header: list[str], sample: list[str], position: int) -> str:
    text = header[position].strip() or _("(no header)")
    example = sample[position].strip() if position < len(sample) else ""
    if len(example) > SAMPLE_CHARS:
        example = example[:SAMPLE_CHARS] + "…"
    letter = column_letter(position)
    if example:
        return str(_("column %(letter)s: %(header)s (e.g. %(example)s)", letter=letter,
                     header=text, example=example))
    return str(_("column %(letter)s: %(header)s", letter=letter, header=text))


def _show_columns(form: ColumnsForm, kind: ImportKind) -> ResponseReturnValue:
    labels = labels_of(kind)
    rows = [(c, _(labels[c.name]), getattr(form, FIELD_PREFIX + c.name))
            for c in columns_of(kind)]
    return render_template("imports/columns.html", form=form, kind=kind, rows=rows)


def _parse_choice(text: str) -> Choice | None:
    """A choice as the commit form carries it, or None when it is not one."""
    if not text or len(text) > MAX_CHOICE_JSON:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and type(v) is int for k, v in value.items()):
        return None
    return value


def _say(problem: Message) -> str:
    """A service's message in the reader's language; its values are filled in afterwards."""
    return str(_(problem.msgid, **problem.params))


def _label(label: Label) -> str:
    """A column as the file or the template writes it (kept), or words (translated)."""
    return _say(label) if isinstance(label, Message) else label


def _preview(kind: ImportKind, path: Path, token: str, choice: Choice | None
             ) -> ResponseReturnValue:
    report = preview(session(), get_geocoder(), path, kind, current_user.organisation,
                     choice=choice)
    db.session.rollback()
    form = CommitForm(formdata=None, token=token, kind=kind.value,
                      columns=json.dumps(choice) if choice is not None else "")
    return _show_report(report, kind, form, path, choice)


def _where(header: list[str], kind: ImportKind, choice: Choice | None) -> dict[str, str]:
    """Each field read from the file → its column as the donor knows it ("column B: 数量")."""
    if choice is None:
        fields, _problems = assign_by_header(header, kind, {})
        choice = {name: position for position, name in enumerate(fields) if name}
    return {name: _column_label(header, [], position) for name, position in choice.items()
            if 0 <= position < len(header) and normalise_header(header[position]) != name}


def _show_report(report: ImportReport, kind: ImportKind, form: CommitForm, path: Path,
                 choice: Choice | None) -> ResponseReturnValue:
    try:
        header, sample = peek(path)
    except ImportFileError:
        header, sample = [], []
    where = _where(header, kind, choice)
    errors = [(e.row, _label(e.label), where.get(str(e.label), ""), _say(e.problem))
              for e in report.errors]
    used: list[tuple[str, str, str]] = []
    if choice is not None:
        labels = labels_of(kind)
        used = [(name, str(_(labels.get(name, name))), _column_label(header, sample, position))
                for name, position in sorted(choice.items(), key=lambda pair: pair[1])
                if 0 <= position < len(header)]
    return render_template("imports/preview.html", report=report, kind=kind, form=form,
                           errors=errors, used=used)


@bp.post("/commit")
@login_required
def commit_upload() -> ResponseReturnValue:
    """Import every row of a previewed upload, or none, reading its columns as previewed."""
    form = CommitForm()
    if not form.validate_on_submit() or form.kind.data not in set(ImportKind):
        abort(400)
    kind = ImportKind(form.kind.data)
    if not can(KIND_PERMISSION[kind]):
        abort(403)
    path = _upload_path(form.token.data)
    choice = _parse_choice(form.columns.data)
    if choice is None:
        abort(400)
    report = commit(session(), current_user, get_geocoder(), path, kind,
                    current_user.organisation, choice=choice)
    if not report.ok:
        db.session.rollback()
        return _show_report(report, kind, form, path, choice)
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
