"""A new donor registers, is verified, records a donation, and the public sees it."""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.extensions import db
from aidregistry.services.accounts import create_coordinator
from tests.e2e.conftest import LiveServer, browser_sign_in, shot

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough passphrase 2020"


def make_coordinator(server: LiveServer) -> None:
    with server.app.app_context():
        create_coordinator(
            db.session,
            server.app.extensions["aidregistry.hasher"],
            email="coord@example.org",
            name="Coordinator",
            password=PASSWORD,
        )
        db.session.commit()


def register_donor(page: Any, base: str) -> None:
    page.goto(f"{base}/auth/register")
    page.fill("#org_name", "Hangzhou Municipal Government")
    page.fill("#org_name_local", "杭州市人民政府")
    page.select_option("#kind", "municipal_government")
    page.select_option("#role", "donor")
    page.fill("#country", "CN")
    page.fill("#place", "杭州")
    page.fill("#name", "Li Wei")
    page.fill("#email", "li.wei@example.cn")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button[type=submit]:has-text('Register')")
    page.wait_for_selector("#check-email")


def confirm_registration(page: Any, server: LiveServer) -> None:
    """Follow the link the log-only mailer wrote, as the address's owner would."""
    from aidregistry.services.mailer import outbox

    with server.app.app_context():
        mail = [m for m in outbox() if m.to == "li.wei@example.cn"][-1]
    page.goto(mail.body.split(": ", 1)[1].split()[0].replace("http://localhost", server.url))
    page.click("button[type=submit]:has-text('Confirm')")
    page.wait_for_selector(".state-pending")


def record_donation(page: Any, base: str) -> None:
    page.goto(f"{base}/donations/new")
    page.select_option("#item_code", "MASK_SURG")
    page.fill("#quantity", "500,000")
    page.select_option("#standard_code", "YY0469")
    page.fill("#cert_nmpa", "浙械注准20202140001")
    page.fill("#manufacturer", "Hangzhou Medical Textiles")
    page.fill("#available_from", "2020-03-13")
    page.fill("#place", "Hangzhou, China")
    page.check("input[name=modes][value=air]")
    shot(page, "donation-form")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_selector("text=The donation is recorded.")


def verify(browser: Any, base: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    browser_sign_in(page, base, "coord@example.org", PASSWORD)  # enrols the second factor
    page.goto(f"{base}/coordination/")
    page.click("#pending-table >> text=Review")
    page.select_option("#decision", "verified")
    page.click("button:has-text('Record the decision')")
    page.wait_for_selector("text=is now verified")
    context.close()


def test_register_verify_record_and_publish(
    browser: Any, page: Any, live_server: LiveServer
) -> None:
    base = live_server.url
    make_coordinator(live_server)
    register_donor(page, base)
    confirm_registration(page, live_server)
    record_donation(page, base)
    page.goto(f"{base}/donations/")
    assert "Hangzhou Municipal Government" not in page.inner_text("main")  # pending: not public
    verify(browser, base)
    page.goto(f"{base}/donations/")
    row = page.locator("#donations-table tbody tr").first
    assert "Surgical mask" in row.inner_text()
    assert "500,000" in row.inner_text()
    assert "Hangzhou Municipal Government" in row.inner_text()
    shot(page, "public-donations")
    assert page.dialogs == []
