"""A donor declares a lot's certificates, attaches the certificate's PDF and a photo of the
markings in a real browser, is refused a web page renamed .pdf, and reads it all in Chinese;
a recipient of the goods opens the file, the public does not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.models import Allocation, AllocationStatus, Attachment, Donation, OrgRole
from tests.e2e.conftest import LiveServer, shot
from tests.e2e.test_shipments_flow import sign_in
from tests.factories import NeedFactory, member
from tests.files import samples

pytestmark = pytest.mark.e2e


def test_a_donor_attaches_evidence_and_a_recipient_opens_it(
    live_server: LiveServer, page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    with live_server.app.app_context():
        donor = member(OrgRole.DONOR, name="Ningbo Medical Supplies", city="Ningbo")
        recipient = member(OrgRole.RECIPIENT, name="Boston Public Health", country="US",
                           city="Boston")
        db.session.commit()
        donor_email, recipient_email = donor.email, recipient.email
    sign_in(page, base, donor_email)
    page.goto(f"{base}/donations/new")
    page.select_option("#item_code", "RESP_KN95")
    page.fill("#quantity", "50,000")
    page.select_option("#standard_code", "GB2626-KN95")
    page.fill("#manufacturer", "Lanshan Shendun Technology Co., Ltd.")
    page.fill("#cert_nmpa", "粤械注准20202140317")
    page.fill("#cert_fda_eua", "n/a")
    page.fill("#available_from", "2020-04-06")
    page.fill("#place", "Ningbo, China")
    page.click("#donation-form button[type=submit]")
    assert page.locator("#cert_fda_eua ~ .invalid-feedback, .invalid-feedback").first \
        .inner_text().startswith("This is a placeholder")
    shot(page, "evidence-placeholder-refused")
    page.fill("#cert_fda_eua", "EUA200412")
    page.click("#donation-form button[type=submit]")
    page.wait_for_selector("#certificates")
    assert page.locator('tr[data-scheme="FDA_EUA"]').get_attribute("data-state") == "removed"
    donation_url = page.url

    pdf, photo, fake = tmp_path / "nmpa-certificate.pdf", tmp_path / "markings.jpg", \
        tmp_path / "certificate.pdf"
    pdf.write_bytes(samples.clean_pdf())
    photo.write_bytes(samples.image("JPEG"))
    fake.write_bytes(samples.HTML_RENAMED)
    page.click("#attach-link")
    page.set_input_files("#file", str(fake))
    page.click("#attachment-form button[type=submit]")
    assert "is a web page (HTML)" in page.inner_text("#attachment-form")
    shot(page, "evidence-html-refused")
    for path, kind in ((pdf, "certificate"), (photo, "marking_photo")):
        page.goto(donation_url)
        page.click("#attach-link")
        page.set_input_files("#file", str(path))
        page.select_option("#kind", kind)
        page.click("#attachment-form button[type=submit]")
        page.wait_for_selector("#attachments")
    assert page.locator("#attachments li").count() == 2
    shot(page, "evidence-donation-page")
    page.goto(f"{base}/language/zh?next={donation_url.removeprefix(base)}")
    assert "文件和照片" in page.inner_text("body")
    assert "已从名单中移除" in page.inner_text("#certificates")
    shot(page, "evidence-donation-page-zh")

    with live_server.app.app_context():
        donation = db.session.query(Donation).one()
        need = NeedFactory(organisation=db.session.merge(recipient).organisation,
                           item_code="RESP_N95", accepted=["NIOSH-N95"],
                           needed_by=date(2020, 4, 30), expires_on=date(2020, 5, 30))
        db.session.add(Allocation(donation_id=donation.id, need_id=need.id, quantity=1000,
                                  status=AllocationStatus.ACCEPTED, proposed_by="coordinator"))
        db.session.commit()
        first = db.session.query(Attachment).order_by(Attachment.id).first()
        link = f"{base}/evidence/attachments/{first.id}"
    public = page.context.browser.new_context().new_page()
    assert public.goto(link).status == 404
    public.context.close()
    page.context.clear_cookies()
    sign_in(page, base, recipient_email)
    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; "
                      "document.body.appendChild(a); a.click(); }", link)
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(str(saved))
    assert saved.read_bytes() == pdf.read_bytes()
    assert download.value.suggested_filename.endswith(".pdf")
