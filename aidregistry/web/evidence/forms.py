"""The attachment form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from aidregistry.models import AttachmentKind
from aidregistry.web.forms import as_choices

KIND_LABELS = {
    AttachmentKind.CERTIFICATE: _l("Certificate"),
    AttachmentKind.TEST_REPORT: _l("Test report"),
    AttachmentKind.MARKING_PHOTO: _l("Photo of the markings"),
    AttachmentKind.PACKAGING_PHOTO: _l("Photo of the packaging"),
    AttachmentKind.INSPECTION_PHOTO: _l("Inspection photo"),
    AttachmentKind.OTHER: _l("Other document"),
}
DONATION_KINDS = (
    AttachmentKind.CERTIFICATE,
    AttachmentKind.TEST_REPORT,
    AttachmentKind.MARKING_PHOTO,
    AttachmentKind.PACKAGING_PHOTO,
    AttachmentKind.OTHER,
)


class AttachmentForm(FlaskForm):
    """A file for a donation: what it shows, which certificate, and who may see it."""

    file = FileField(
        _l("File (PDF, PNG, JPEG or WebP)"),
        validators=[FileRequired(_l("Choose a file."))],
        render_kw={"accept": "application/pdf,image/png,image/jpeg,image/webp"},
    )
    kind = SelectField(
        _l("What it shows"), choices=as_choices((k.value, KIND_LABELS[k]) for k in DONATION_KINDS)
    )
    certificate_id = SelectField(_l("For the certificate"), choices=[], validate_choice=False)
    public = BooleanField(_l("Everyone may see this file (otherwise: the recipients and "
                             "coordinators only)"))
