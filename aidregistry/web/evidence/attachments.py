"""Attachments: uploading a file to a donation, and serving files to those who may see them.

Files are always served as downloads (``Content-Disposition: attachment``) with the type
their content showed, ``nosniff`` and a sandboxing policy, so that no file is ever rendered
in the site's origin as a page.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from aidregistry.extensions import db
from aidregistry.models import Attachment, AttachmentKind, Donation
from aidregistry.permissions import can_edit
from aidregistry.services import attachments
from aidregistry.storage import Storage, StorageError, storage_from_config
from aidregistry.web.evidence.blueprint import bp
from aidregistry.web.evidence.forms import KIND_LABELS, AttachmentForm
from aidregistry.web.forms import as_choices, commit_or_refuse

ENVELOPE = 256 * 1024  # room for the form's other fields around the file


def get_storage() -> Storage:
    """The app's file storage, made once from its settings."""
    found = current_app.extensions.get("aidregistry.storage")
    if found is None:
        found = storage_from_config(current_app.config, current_app.instance_path)
        current_app.extensions["aidregistry.storage"] = found
    return found


def max_bytes() -> int:
    """The largest attachment accepted."""
    return int(current_app.config["AIDREGISTRY_ATTACHMENT_MAX_BYTES"])


@bp.app_template_global()
def donation_attachments(donation: Donation) -> list[Attachment]:
    """The donation's files the reader may see (for its page)."""
    user = current_user if current_user.is_authenticated else None
    return attachments.visible_attachments(db.session(), user, donation)


@bp.app_template_global()
def may_attach(donation: Donation) -> bool:
    """Whether the reader may add files to the donation (its donor, or a coordinator)."""
    return bool(current_user.is_authenticated and (
        current_user.is_coordinator or can_edit(donation)))


@bp.app_template_global()
def attachment_kind_label(kind: Any) -> str:
    """What a file shows, in the reader's language."""
    return str(KIND_LABELS[kind])


def _form(donation: Donation) -> AttachmentForm:
    form = AttachmentForm()
    form.certificate_id.choices = as_choices(
        [("", _("None in particular"))] + [
            (str(c.id), f"{c.scheme.value} {c.number or c.declared_text}")
            for c in donation.certificates]
    )
    return form


def _page(form: AttachmentForm, donation: Donation, status: int = 200) -> ResponseReturnValue:
    return render_template("evidence/upload.html", form=form, donation=donation,
                           limit_mb=max_bytes() // (1024 * 1024)), status


@bp.route("/donations/<int:donation_id>/attachments", methods=["GET", "POST"])
@login_required
def upload(donation_id: int) -> ResponseReturnValue:
    """Add a certificate, test report or photo to a donation; a refused file stores nothing."""
    donation = db.get_or_404(Donation, donation_id)
    if not may_attach(donation):
        abort(403)
    request.max_content_length = max_bytes() + ENVELOPE
    try:
        form = _form(donation)
        submitted = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = AttachmentForm(formdata=None)
        form.file.errors = [_("The file is larger than the registry accepts.")]
        return _page(form, donation, 413)
    if submitted:
        done = commit_or_refuse(lambda: attachments.attach_to_donation(
            db.session(), get_storage(), current_user, donation, _upload(form), max_bytes()),
            form)
        if done:
            flash(_("The file is attached."), "success")
            return redirect(url_for("donations.detail", donation_id=donation.id))
    return _page(form, donation, 200 if not form.errors else 400)


def _upload(form: AttachmentForm) -> attachments.Upload:
    sent = form.file.data
    return attachments.Upload(
        data=sent.read(), filename=sent.filename or "", kind=AttachmentKind(form.kind.data),
        certificate_id=int(form.certificate_id.data) if form.certificate_id.data else None,
        public=bool(form.public.data))


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> ResponseReturnValue:
    """A file, as a download, to those who may see it (404 to others)."""
    attachment = db.get_or_404(Attachment, attachment_id)
    user = current_user if current_user.is_authenticated else None
    if not attachments.may_view(db.session(), user, attachment):
        abort(404)
    try:
        data = get_storage().get(attachment.storage_key)
    except StorageError:
        abort(404)
    response = Response(data, mimetype=attachment.content_type.value)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{attachments.download_name(attachment)}"')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/attachments/<int:attachment_id>/public")
@login_required
def visibility(attachment_id: int) -> ResponseReturnValue:
    """The donor shows a file to everyone, or takes it back."""
    attachment = db.get_or_404(Attachment, attachment_id)
    public = request.form.get("public") == "1"
    done = commit_or_refuse(lambda: attachments.set_public(
        db.session(), current_user, attachment, public))
    if done:
        flash(_("Everyone may see this file now.") if public
              else _("Only the recipients and coordinators may see this file now."), "info")
    return redirect(url_for("donations.detail", donation_id=attachment.donation_id or 0))
