"""Attachments on the donation's page: the same tests on the instance folder and on a real
S3 API server. Files are judged by content, stored whole or not at all, served as downloads
with nosniff, and seen only by those who may."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Attachment,
    AttachmentKind,
    OrgRole,
    VerificationState,
)
from aidregistry.services import attachments
from aidregistry.web.evidence.attachments import get_storage
from tests.conftest import sign_in
from tests.factories import DonationFactory, NeedFactory, coordinator, member
from tests.files import samples


@pytest.fixture
def stored(app: Flask, storage_settings: dict[str, Any]) -> Any:
    """The app on each back end; returns its storage."""
    app.config.update(storage_settings)
    app.extensions.pop("aidregistry.storage", None)
    return get_storage()


@pytest.fixture
def donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR, name="Ningbo Medical Supplies", city="Ningbo")
    db_session.commit()
    sign_in(client, user.email)
    return user


def send(client: FlaskClient, donation_id: int, data: bytes, name: str, **fields: str) -> Any:
    form = {"file": (io.BytesIO(data), name), "kind": "certificate", **fields}
    return client.post(f"/evidence/donations/{donation_id}/attachments", data=form,
                       content_type="multipart/form-data")


def rows(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Attachment)))


def key_of(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"attachments/{digest[:2]}/{digest}"


def test_a_donor_attaches_a_certificate_pdf_and_a_photo(
    client: FlaskClient, db_session: Any, donor: Any, stored: Any
) -> None:
    donation = DonationFactory(organisation=donor.organisation)
    db_session.commit()
    pdf, photo = samples.clean_pdf(), samples.image("JPEG")
    certificate = donation.certificates[0]
    assert send(client, donation.id, pdf, "NMPA certificate.pdf",
                certificate_id=str(certificate.id)).status_code == 302
    assert send(client, donation.id, photo, "markings.jpg", kind="marking_photo",
                public="y").status_code == 302
    assert stored.get(key_of(pdf)) == pdf
    page = client.get(f"/donations/{donation.id}").text
    assert "NMPA certificate.pdf" in page
    assert 'data-kind="marking_photo"' in page
    first, second = db_session.scalars(select(Attachment).order_by(Attachment.id))
    assert (first.certificate_id, first.public, second.public) == (certificate.id, False, True)
    download = client.get(f"/evidence/attachments/{first.id}")
    assert download.status_code == 200
    assert download.data == pdf
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="NMPA-certificate-{first.id}.pdf"')
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert client.get(f"/evidence/attachments/{second.id}").mimetype == "image/jpeg"


REFUSED = [
    (samples.HTML_RENAMED, "certificate.pdf", "is a web page (HTML)"),
    (samples.SVG, "logo.svg", "SVG images can carry scripts"),
    (samples.zip_file(), "certificates.zip", "Archives (ZIP and the like)"),
    (samples.pdf_with_javascript(), "certificate.pdf", "contains scripts"),
    (samples.pdf_with_javascript_in_object_streams(), "certificate.pdf", "contains scripts"),
    (samples.pdf_with_open_action(), "certificate.pdf", "contains scripts"),
    (samples.encrypted_pdf(), "certificate.pdf", "encrypted or protected"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSED)
def test_refused_files_store_nothing(
    client: FlaskClient, db_session: Any, donor: Any, stored: Any, data: bytes, name: str,
    message: str,
) -> None:
    donation = DonationFactory(organisation=donor.organisation)
    db_session.commit()
    response = send(client, donation.id, data, name)
    assert response.status_code == 400
    assert message in response.text
    assert 'id="file"' in response.text
    assert rows(db_session) == 0
    assert not stored.exists(key_of(data))


def test_a_50_mb_file_is_refused_with_a_clear_message(
    client: FlaskClient, db_session: Any, donor: Any, stored: Any
) -> None:
    donation = DonationFactory(organisation=donor.organisation)
    db_session.commit()
    data = samples.clean_pdf() + b"\0" * (50 * 1024 * 1024)
    response = send(client, donation.id, data, "scan.pdf")
    assert response.status_code == 413
    assert "larger than the registry accepts" in response.text
    assert rows(db_session) == 0
    assert not stored.exists(key_of(data))


def test_a_file_just_under_the_limit_but_over_the_cap_is_refused(
    app: Flask, client: FlaskClient, db_session: Any, donor: Any, stored: Any
) -> None:
    app.config["AIDREGISTRY_ATTACHMENT_MAX_BYTES"] = 1000
    donation = DonationFactory(organisation=donor.organisation)
    db_session.commit()
    response = send(client, donation.id, samples.image("PNG") + b"\0" * 1200, "photo.png")
    assert response.status_code in (400, 413)
    assert "larger than the registry accepts" in response.text
    assert rows(db_session) == 0


def _private_file(db_session: Any, donor: Any, public: bool = False) -> tuple[Any, Any]:
    donation = DonationFactory(organisation=donor.organisation)
    upload = attachments.Upload(samples.clean_pdf(), "certificate.pdf",
                                AttachmentKind.CERTIFICATE, public=public)
    made = attachments.attach_to_donation(db_session, get_storage(), donor, donation, upload,
                                          10_000_000)
    db_session.commit()
    return donation, made


def status_for(app: Flask, user: Any, attachment: Any) -> int:
    client = app.test_client()
    if user is not None:
        sign_in(client, user.email)
    return client.get(f"/evidence/attachments/{attachment.id}").status_code


def test_who_may_see_a_file(app: Flask, db_session: Any, stored: Any) -> None:
    donor = member(OrgRole.DONOR)
    donation, private = _private_file(db_session, donor)
    receiving = member(OrgRole.RECIPIENT, country="US")
    need = NeedFactory(organisation=receiving.organisation)
    db_session.add(Allocation(donation_id=donation.id, need_id=need.id, quantity=100,
                              status=AllocationStatus.ACCEPTED, proposed_by="coordinator"))
    other_recipient = member(OrgRole.RECIPIENT, country="US")
    other_donor = member(OrgRole.DONOR)
    staff = coordinator()
    db_session.commit()
    seen = {name: status_for(app, user, private) for name, user in [
        ("anonymous", None), ("donor", donor), ("recipient of the goods", receiving),
        ("another recipient", other_recipient), ("another donor", other_donor),
        ("coordinator", staff)]}
    assert seen == {"anonymous": 404, "donor": 200, "recipient of the goods": 200,
                    "another recipient": 404, "another donor": 404, "coordinator": 200}
    _, public = _private_file(db_session, donor, public=True)
    assert status_for(app, None, public) == 200
    donor.organisation.state = VerificationState.SUSPENDED
    db_session.commit()
    assert status_for(app, None, public) == 404  # nothing of an unverified donor is public


def test_the_donor_makes_a_file_public_and_private_again(
    app: Flask, client: FlaskClient, db_session: Any, donor: Any, stored: Any
) -> None:
    _, made = _private_file(db_session, donor)
    assert status_for(app, None, made) == 404
    client.post(f"/evidence/attachments/{made.id}/public", data={"public": "1"})
    assert status_for(app, None, made) == 200
    client.post(f"/evidence/attachments/{made.id}/public", data={"public": "0"})
    assert status_for(app, None, made) == 404


def test_only_the_donor_or_a_coordinator_attaches(
    app: Flask, db_session: Any, stored: Any
) -> None:
    donation = DonationFactory()
    outsider = member(OrgRole.DONOR)
    db_session.commit()
    client = app.test_client()
    sign_in(client, outsider.email)
    assert send(client, donation.id, samples.clean_pdf(), "x.pdf").status_code == 403
    assert rows(db_session) == 0


def test_a_recipient_attaches_inspection_photos_to_its_receipt(
    db_session: Any, stored: Any
) -> None:
    from tests.integration.test_shipments import shipment_between

    donor, recipient = member(OrgRole.DONOR), member(OrgRole.RECIPIENT, country="US")
    shipment = shipment_between(db_session, donor, recipient)
    from aidregistry.models import Receipt

    receipt = Receipt(shipment=shipment, received_on=date(2020, 4, 20),
                      received_by_id=recipient.id)
    db_session.add(receipt)
    db_session.flush()
    photo = attachments.Upload(samples.image("WEBP"), "carton.webp",
                               AttachmentKind.INSPECTION_PHOTO)
    made = attachments.attach_to_receipt(db_session, get_storage(), recipient, receipt, photo,
                                         10_000_000)
    assert stored.get(made.storage_key) == photo.data
    assert attachments.may_view(db_session, donor, made)
    assert attachments.may_view(db_session, recipient, made)
    assert not attachments.may_view(db_session, member(OrgRole.DONOR), made)
    assert not attachments.may_view(db_session, None, made)
