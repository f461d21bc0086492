"""A live server on 127.0.0.1 and Debian's chromium driven by Playwright.

Never ``playwright install``: it downloads a browser. The browser is the system's
chromium (CHROMIUM_PATH, default /usr/bin/chromium). Without it these tests are
skipped, unless AIDREGISTRY_REQUIRE_BROWSER=1 (CI sets it) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from aidregistry.app import create_app
from aidregistry.extensions import db
from tests.conftest import base_config

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("AIDREGISTRY_ARTIFACTS", "artifacts"))

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("AIDREGISTRY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class LiveServer:
    """The app served by Werkzeug in a thread."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(
    database_url: str, gazetteer_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "instance"))
    config = {
        **base_config(database_url, gazetteer_path),
        "WTF_CSRF_ENABLED": True,
        "AIDREGISTRY_ENV": "development",
        "TESTING": False,
    }
    app = create_app(config)
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    # The product must work with no internet: any request off this machine fails the test.
    opened.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("http://127.0.0.1")
            or route.request.url.startswith("data:")
            else route.abort()
        ),
    )
    yield opened
    context.close()


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot in the artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Steps of the codes each address has used in this process: a code is accepted once.
_USED_STEPS: dict[str, int] = {}


def pass_second_factor(page: Any, email: str, secret: str) -> None:
    """On the second-factor page, type the code an authenticator app with ``secret`` shows."""
    from tests.conftest import next_code

    code = next_code(secret, _USED_STEPS.get(email))
    _USED_STEPS[email] = max(_USED_STEPS.get(email, 0), int(time.time()) // 30)
    page.fill("#code", code)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def enrol_in_browser(page: Any, email: str, screenshot: str | None = None) -> list[str]:
    """Set up the second factor as a person would, typing the key shown as text into an
    "app"; returns the recovery codes the page shows once (``screenshot``: of that page)."""
    from tests.conftest import next_code

    key = page.inner_text("#enrol-key").replace(" ", "")
    page.fill("#code", next_code(key, None))
    _USED_STEPS[email] = int(time.time()) // 30
    page.click("main button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    if screenshot:
        shot(page, screenshot)
    page.click("#recovery-codes-kept")
    page.wait_for_load_state()
    return codes


def password_step(page: Any, base: str, email: str, password: str) -> None:
    """The first step of signing in: address and password."""
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def browser_sign_in(page: Any, base: str, email: str, password: str) -> None:
    """Sign in through the forms, second factor (or its enrolment) included."""
    from tests.conftest import TEST_TOTP_SECRET

    password_step(page, base, email, password)
    if page.url.endswith("/auth/second-factor"):
        pass_second_factor(page, email, TEST_TOTP_SECRET)
    elif page.url.endswith("/auth/second-factor/enrol"):
        enrol_in_browser(page, email)
