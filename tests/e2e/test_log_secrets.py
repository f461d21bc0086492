"""No secret in any log line: a whole sign-up and a whole password reset, in Chromium, against
gunicorn started with the shipped ``gunicorn.conf.py`` in production mode, mail sent by SMTP;
then the logs are searched for the links' tokens."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_registry_flow import register_donor
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "another long passphrase 2026"
LINK = re.compile(r"(https?://\S+/auth/(?:reset|register/confirm)/(\S+))")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Gunicorn:
    """gunicorn -c gunicorn.conf.py aidregistry.wsgi:app, its output kept in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log, self.port = log, int(env["AIDREGISTRY_BIND"].rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "aidregistry.wsgi:app",
        ]
        self._out = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, the shipped config
            command, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        pytest.fail("gunicorn did not answer within 60 s")

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._out.close()
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def production(database_url: str, gazetteer_path: Path, tmp_path: Path) -> Iterator[Any]:
    with SmtpSink() as sink:
        env = {
            **os.environ,
            "AIDREGISTRY_ENV": "production",
            "AIDREGISTRY_SECRET_KEY": secrets.token_urlsafe(48),
            "AIDREGISTRY_DATABASE_URL": database_url,
            "AIDREGISTRY_INSTANCE_PATH": str(tmp_path / "instance"),
            "AIDREGISTRY_GAZETTEER_PATH": str(gazetteer_path),
            "AIDREGISTRY_BIND": f"127.0.0.1:{free_port()}",
            "AIDREGISTRY_WORKERS": "2",
            "AIDREGISTRY_MAIL_LOG_ONLY": "0",
            "AIDREGISTRY_SMTP_HOST": "127.0.0.1",
            "AIDREGISTRY_SMTP_PORT": str(sink.port),
            "AIDREGISTRY_SMTP_STARTTLS": "0",
            "AIDREGISTRY_MAIL_FROM": "aid@example.org",
        }
        server = Gunicorn(env, tmp_path / "gunicorn.log")
        try:
            yield server, sink
        finally:
            if server.process.poll() is None:
                server.stop()


def link_to(sink: SmtpSink, address: str, count: int) -> tuple[str, str]:
    """(link, token) of the newest message to ``address``, once ``count`` have arrived."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        mails = [m for m in sink.messages if m["To"] == address]
        if len(mails) >= count:
            found = LINK.search(mails[-1].get_content())
            assert found, mails[-1].get_content()
            return found.group(1), found.group(2)
        time.sleep(0.1)
    pytest.fail(f"no message {count} to {address}")


def sign_up(page: Any, base: str, sink: SmtpSink) -> str:
    register_donor(page, base)
    link, token = link_to(sink, "li.wei@example.cn", 1)
    page.goto(link)  # the page loads its CSS and JS: Referer is what the policy allows
    page.click("button[type=submit]:has-text('Confirm')")
    page.wait_for_selector(".state-pending")
    return token


def reset(page: Any, base: str, sink: SmtpSink) -> str:
    page.click("nav button:has-text('Sign out')")
    page.goto(f"{base}/auth/reset")
    page.fill("#email", "li.wei@example.cn")
    page.click("main button[type=submit]")
    page.wait_for_selector("#check-email")
    link, token = link_to(sink, "li.wei@example.cn", 2)
    page.goto(link)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Your password is set")
    page.fill("#email", "li.wei@example.cn")
    page.fill("#password", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector(".state-pending")
    return token


def test_a_sign_up_and_a_reset_leave_no_token_in_the_logs(production: Any, page: Any) -> None:
    server, sink = production
    signup_token = sign_up(page, server.url, sink)
    reset_token = reset(page, server.url, sink)
    # A client that ignores Referrer-Policy sends the link as Referer: still not logged.
    referer = {"Referer": f"{server.url}/auth/reset/{reset_token}"}
    request = urllib.request.Request(f"{server.url}/static/css/site.css", headers=referer)  # noqa: S310 - our own server
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 - our own server
    logged = server.stop()
    assert '"GET /auth/register/confirm/<token> HTTP/1.1" 200' in logged
    assert '"POST /auth/reset/<token> HTTP/1.1" 302' in logged
    assert f"{server.url}/auth/reset/<token>" in logged  # the Referer, redacted
    for token in (signup_token, reset_token):
        assert token not in logged
    assert "password_hash" not in logged
    assert "$argon2" not in logged
