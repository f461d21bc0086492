"""Files attached to a donation (certificates, test reports, photos of markings and packaging)
or to a receipt (inspection photos). The bytes live in the storage (aidregistry/storage.py)
under a key of their content's hash; this row says what they are and who may see them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.domain.documents import FileKind
from aidregistry.models.base import Base, TimestampMixin
from aidregistry.models.organisation import enum_column

if TYPE_CHECKING:
    from aidregistry.models.evidence import Certificate
    from aidregistry.models.records import Donation
    from aidregistry.models.shipment import Receipt
    from aidregistry.models.user import User


class AttachmentKind(StrEnum):
    """What an attached file shows."""

    CERTIFICATE = "certificate"
    TEST_REPORT = "test_report"
    MARKING_PHOTO = "marking_photo"
    PACKAGING_PHOTO = "packaging_photo"
    INSPECTION_PHOTO = "inspection_photo"
    OTHER = "other"


class Attachment(TimestampMixin, Base):
    """One file of a donation or of a receipt."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint(
            "(donation_id IS NULL) <> (receipt_id IS NULL)", name="one_record"
        ),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int | None] = mapped_column(
        ForeignKey("donation.id", ondelete="CASCADE"), index=True
    )
    receipt_id: Mapped[int | None] = mapped_column(
        ForeignKey("receipt.id", ondelete="CASCADE"), index=True
    )
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL"), comment="the certificate it documents"
    )
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind, "attachment_kind"))
    content_type: Mapped[FileKind] = mapped_column(
        enum_column(FileKind, "attachment_type"), comment="told by the content, not the name"
    )
    size: Mapped[int] = mapped_column(Integer, comment="bytes")
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), comment="key in the file storage")
    filename: Mapped[str] = mapped_column(String(200), comment="the name it was sent with")
    public: Mapped[bool] = mapped_column(
        Boolean, default=False, comment="shown to everyone (the donor's choice)"
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    donation: Mapped[Donation | None] = relationship()
    receipt: Mapped[Receipt | None] = relationship()
    certificate: Mapped[Certificate | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
