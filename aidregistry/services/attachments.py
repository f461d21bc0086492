"""Attaching files to donations and receipts, and who may see them.

A file is checked by its content (aidregistry/domain/documents.py) before anything is stored;
a refused file stores nothing. Accepted bytes go to the storage under the hash of their
content first, and the row that names them is added after, so that a committed row always
finds its file. Files are private to the donor, the recipients of the donation's goods and
the coordinators, unless the donor makes one public.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.domain.documents import DocumentError, check_document
from aidregistry.models import (
    Allocation,
    Donation,
    Need,
    Receipt,
    User,
    VerificationState,
)
from aidregistry.models.attachments import Attachment, AttachmentKind
from aidregistry.models.enums import HOLDING_STATUSES
from aidregistry.services.audit import record_event
from aidregistry.services.errors import NotAllowed, ServiceError
from aidregistry.storage import Storage

DONATION_KINDS = frozenset(
    {
        AttachmentKind.CERTIFICATE,
        AttachmentKind.TEST_REPORT,
        AttachmentKind.MARKING_PHOTO,
        AttachmentKind.PACKAGING_PHOTO,
        AttachmentKind.OTHER,
    }
)
RECEIPT_KINDS = frozenset({AttachmentKind.INSPECTION_PHOTO, AttachmentKind.OTHER})


@dataclass(frozen=True)
class Upload:
    """A file as sent: its bytes, the name it came with, what it shows, for which
    certificate, and whether the donor makes it public."""

    data: bytes
    filename: str
    kind: AttachmentKind
    certificate_id: int | None = None
    public: bool = False


def display_name(name: str) -> str:
    """The name to show: no folders, no control characters, at most 200 characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "file"


def _stored(storage: Storage, upload: Upload, max_bytes: int) -> Attachment:
    try:
        kind = check_document(upload.data, max_bytes)
    except DocumentError as exc:
        raise ServiceError(exc.message, field="file") from exc
    digest = hashlib.sha256(upload.data).hexdigest()
    key = f"attachments/{digest[:2]}/{digest}"
    if not storage.exists(key):
        storage.put(key, upload.data, kind.value)
    return Attachment(
        content_type=kind,
        size=len(upload.data),
        sha256=digest,
        storage_key=key,
        filename=display_name(upload.filename),
        kind=upload.kind,
    )


def _member_of(actor: User, organisation_id: int) -> bool:
    return actor.organisation_id == organisation_id and actor.organisation.state in (
        VerificationState.PENDING,
        VerificationState.VERIFIED,
    )


def attach_to_donation(
    session: Session, storage: Storage, actor: User, donation: Donation, upload: Upload,
    max_bytes: int,
) -> Attachment:  # fmt: skip
    """The donor (or a coordinator) adds a certificate, report or photo to a donation."""
    donor = _member_of(actor, donation.organisation_id)
    if not (donor or actor.is_coordinator):
        raise NotAllowed("You can only add files to your own organisation's donations.")
    if upload.kind not in DONATION_KINDS:
        raise ServiceError("Choose what the file shows.", field="kind")
    if upload.certificate_id is not None and upload.certificate_id not in {
        c.id for c in donation.certificates
    }:
        raise ServiceError("Choose one of this donation's certificates.", field="certificate_id")
    attachment = _stored(storage, upload, max_bytes)
    attachment.donation_id, attachment.certificate_id = donation.id, upload.certificate_id
    attachment.public = upload.public and donor
    attachment.uploaded_by_id = actor.id
    session.add(attachment)
    session.flush()
    record_event(session, actor, "attachment.add", attachment, after=_summary(attachment))
    return attachment


def attach_to_receipt(
    session: Session, storage: Storage, actor: User, receipt: Receipt, upload: Upload,
    max_bytes: int,
) -> Attachment:  # fmt: skip
    """The recipient (or a coordinator) adds an inspection photo to a receipt (private)."""
    if not (_member_of(actor, receipt.shipment.recipient_id) or actor.is_coordinator):
        raise NotAllowed("Only the recipient adds files to its receipt.")
    if upload.kind not in RECEIPT_KINDS:
        raise ServiceError("Choose what the file shows.", field="kind")
    attachment = _stored(storage, upload, max_bytes)
    attachment.receipt_id, attachment.uploaded_by_id = receipt.id, actor.id
    session.add(attachment)
    session.flush()
    record_event(session, actor, "attachment.add", attachment, after=_summary(attachment))
    return attachment


def _summary(attachment: Attachment) -> dict[str, object]:
    return {
        "donation_id": attachment.donation_id,
        "receipt_id": attachment.receipt_id,
        "kind": attachment.kind.value,
        "content_type": attachment.content_type.value,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "filename": attachment.filename,
        "public": attachment.public,
    }


def _recipients_of(session: Session, donation_id: int) -> set[int]:
    """Organisations whose needs hold goods of the donation."""
    query = (
        select(Need.organisation_id)
        .join(Allocation, Allocation.need_id == Need.id)
        .where(Allocation.donation_id == donation_id, Allocation.status.in_(HOLDING_STATUSES))
    )
    return set(session.scalars(query))


def may_view(session: Session, user: User | None, attachment: Attachment) -> bool:
    """Public files of verified donors to anyone; others to the donor, the recipients of
    the goods and coordinators (a receipt's: its recipient, the donor, coordinators)."""
    signed_in = user is not None and user.is_authenticated
    if signed_in and user.is_coordinator:  # type: ignore[union-attr]
        return True
    org = user.organisation_id if signed_in else None  # type: ignore[union-attr]
    if attachment.receipt is not None:
        shipment = attachment.receipt.shipment
        return org in (shipment.recipient_id, shipment.donor_id)
    donation = attachment.donation
    if donation is None:
        return False
    if attachment.public and donation.organisation.state is VerificationState.VERIFIED:
        return True
    return org is not None and (
        org == donation.organisation_id or org in _recipients_of(session, donation.id)
    )


def visible_attachments(session: Session, user: User | None, donation: Donation) -> list[
    Attachment
]:
    """A donation's files that ``user`` may see, oldest first."""
    query = select(Attachment).where(Attachment.donation_id == donation.id)
    found = session.scalars(query.order_by(Attachment.id))
    return [a for a in found if may_view(session, user, a)]


def set_public(session: Session, actor: User, attachment: Attachment, public: bool) -> None:
    """The donor shows a donation's file to everyone, or takes it back."""
    donation = attachment.donation
    if donation is None or not _member_of(actor, donation.organisation_id):
        raise NotAllowed("Only the donor decides who sees its files.")
    before = {"public": attachment.public}
    attachment.public = public
    session.flush()
    record_event(
        session, actor, "attachment.visibility", attachment, before=before,
        after={"public": public},
    )  # fmt: skip


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(attachment: Attachment) -> str:
    """An ASCII file name for the download whose extension matches the content."""
    from aidregistry.domain.documents import EXTENSIONS

    stem = SAFE_NAME.sub("-", PurePosixPath(attachment.filename).stem).strip("-.")[:80]
    return f"{stem or 'attachment'}-{attachment.id}.{EXTENSIONS[attachment.content_type]}"
