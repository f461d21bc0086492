"""In Chromium, in English and Chinese: a new coordinator enrols at the first sign-in, signs in
again with a recovery code, makes an API token with the password; a member turns the second
factor on from the account page and signs in with a code. Nothing is fetched from outside."""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import (
    LiveServer,
    enrol_in_browser,
    pass_second_factor,
    password_step,
    shot,
)
from tests.e2e.test_registry_flow import PASSWORD, make_coordinator
from tests.factories import member

pytestmark = pytest.mark.e2e


def make_people(server: LiveServer) -> str:
    """A coordinator made as ``create-coordinator`` makes one, and a member; the member's
    address."""
    make_coordinator(server)
    with server.app.app_context():
        email = str(member(name="Hangzhou Red Cross", name_local="杭州市红十字会").email)
        db.session.commit()
        db.session.remove()
        return email


def sign_out(page: Any) -> None:
    page.click("nav button[type=submit]")
    page.wait_for_load_state()


def coordinator_in_english(page: Any, base: str) -> None:
    password_step(page, base, "coord@example.org", PASSWORD)
    assert page.url.endswith("/auth/second-factor/enrol")  # the first sign-in enrols
    assert page.locator("#enrol-qr svg").count() == 1
    shot(page, "second-factor-enrol-en")
    codes = enrol_in_browser(page, "coord@example.org", "recovery-codes-en")
    assert len(codes) == 10
    assert "/coordination/" in page.url
    sign_out(page)
    password_step(page, base, "coord@example.org", PASSWORD)
    page.fill("#code", "123456")
    page.click("main button[type=submit]")
    assert "The code is not correct or was already used." in page.inner_text("main")
    page.click("#lost-phone summary")
    shot(page, "second-factor-code-en")
    page.fill("#code", codes[0])  # the phone is lost: a recovery code
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/coordination/" in page.url
    page.goto(f"{base}/account/tokens/")
    page.fill("#name", "warehouse sync")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]:has-text('Create token')")
    assert page.inner_text("#new-token").startswith("ar_")
    shot(page, "tokens-en")
    page.goto(f"{base}/account/security")
    assert "9 recovery codes left" in page.inner_text("main")
    shot(page, "security-en")


def member_in_chinese(zh: Any, base: str, email: str) -> None:
    password_step(zh, base, email, TEST_PASSWORD)
    zh.goto(f"{base}/account/security")
    assert "第二重验证未开启" in zh.inner_text("main")
    zh.click("#turn-on")
    zh.fill("#password", TEST_PASSWORD)
    shot(zh, "second-factor-enrol-zh")
    key = zh.inner_text("#enrol-key").replace(" ", "")
    enrol_in_browser(zh, email, "recovery-codes-zh")
    assert "还剩 10 个恢复码" in zh.inner_text("main")
    shot(zh, "security-zh")
    sign_out(zh)
    password_step(zh, base, email, TEST_PASSWORD)
    assert "登录第二步" in zh.inner_text("main")
    shot(zh, "second-factor-code-zh")
    pass_second_factor(zh, email, key)
    assert zh.url.endswith("/account/")
    zh.goto(f"{base}/account/tokens/")
    assert "您的密码" in zh.inner_text("main")
    assert "每个令牌都会过期" in zh.inner_text("main")
    shot(zh, "tokens-zh")


def test_enrol_sign_in_recover_and_make_a_token(
    browser: Any, page: Any, live_server: LiveServer
) -> None:
    base = live_server.url
    email = make_people(live_server)
    coordinator_in_english(page, base)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    zh = context.new_page()
    outside: list[str] = []
    zh.on(
        "request",
        lambda request: None if request.url.startswith(base) else outside.append(request.url),
    )
    member_in_chinese(zh, base, email)
    context.close()
    assert outside == []
    assert page.dialogs == []
