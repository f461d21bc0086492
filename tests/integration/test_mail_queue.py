"""Mail leaves through a background sender, only after its transaction commits."""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from aidregistry.extensions import db
from aidregistry.services import mailer
from aidregistry.services.mailer import Mail, outbox, send
from tests.conftest import IsolatedClient
from tests.factories import UserFactory

SECRET_BODY = "Set a new password: http://localhost/auth/reset/TOKEN-abc123"


@pytest.fixture
def background(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """Build an app whose sender works in the background; stops its thread afterwards."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        from aidregistry.app import create_app

        monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "instance"))
        app = create_app({**app_config, "AIDREGISTRY_MAIL_BACKGROUND": True, **overrides})
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        mailer.sender(app).close(timeout=5)
        with app.app_context():
            db.engine.dispose()


class Gate:
    """Holds every delivery until opened, and notes which thread delivered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()
        self.threads: list[str] = []
        real = mailer._log_only

        def held(mail: Mail, *, production: bool) -> None:
            self.threads.append(threading.current_thread().name)
            assert self.open.wait(10)
            real(mail, production=production)

        monkeypatch.setattr(mailer, "_log_only", held)


def test_mail_leaves_after_the_commit_from_another_thread(
    background: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = background()
    gate = Gate(monkeypatch)
    with app.app_context():
        send(db.session(), Mail("a@example.org", "Hello", "body"))
        assert not mailer.sender(app).running  # nothing before the commit
        db.session.commit()  # returns although the delivery is held
        assert list(outbox()) == []
        gate.open.set()
        assert mailer.sender(app).flush(5)
        assert [m.to for m in outbox()] == ["a@example.org"]
        db.session.remove()
    assert gate.threads == ["aidregistry-mail"]


def test_a_rolled_back_transaction_sends_nothing(background: Any) -> None:
    app = background()
    with app.app_context():
        UserFactory(email="a@example.org")  # some work in the transaction
        send(db.session(), Mail("a@example.org", "Hello", "body"))
        db.session.rollback()
        db.session.commit()  # a later commit does not bring the message back
        assert mailer.sender(app).flush(5)
        assert list(outbox()) == []
        db.session.remove()


def test_mail_of_an_uncommitted_request_is_dropped_and_logged(
    background: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = background()
    with caplog.at_level(logging.WARNING, logger="aidregistry.mail"), app.app_context():
        send(db.session(), Mail("a@example.org", "Hello", SECRET_BODY))
    with app.app_context():
        assert mailer.sender(app).flush(5)
        assert list(outbox()) == []
    assert "mail to a@example.org not sent: its transaction was not committed" in caplog.text
    assert "TOKEN" not in caplog.text


def test_a_reset_request_answers_before_the_mail_is_sent(
    background: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = background()
    gate = Gate(monkeypatch)
    with app.app_context():
        UserFactory(email="a@example.org")
        db.session.commit()
        response = app.test_client().post("/auth/reset", data={"email": "a@example.org"})
        assert response.status_code == 200  # while the delivery is still held
        assert list(outbox()) == []
        gate.open.set()
        assert mailer.sender(app).flush(5)
        assert [m.to for m in outbox()] == ["a@example.org"]
        db.session.remove()


class RefusingSMTP:
    """An SMTP server that refuses the message, quoting it back in its error."""

    def __init__(self, *_args: Any, **_kwargs: Any) -> None:
        pass

    def __enter__(self) -> RefusingSMTP:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def starttls(self) -> None:
        pass

    def send_message(self, message: Any) -> None:
        raise smtplib.SMTPDataError(554, f"refused: {message.get_content()}".encode())


def test_a_failed_delivery_is_logged_without_the_body_and_the_sender_goes_on(
    background: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = background(AIDREGISTRY_MAIL_LOG_ONLY=False, AIDREGISTRY_SMTP_HOST="smtp.invalid")
    monkeypatch.setattr(smtplib, "SMTP", RefusingSMTP)
    with caplog.at_level(logging.INFO, logger="aidregistry.mail"), app.app_context():
        send(db.session(), Mail("a@example.org", "Reset", SECRET_BODY, secret=True))
        send(db.session(), Mail("b@example.org", "Reset", SECRET_BODY, secret=True))
        db.session.commit()
        assert mailer.sender(app).flush(5)
        db.session.remove()
    assert "mail to a@example.org not sent: SMTPDataError" in caplog.text
    assert "mail to b@example.org not sent: SMTPDataError" in caplog.text  # still running
    assert "TOKEN" not in caplog.text
    assert "Set a new password" not in caplog.text


def test_a_full_queue_drops_and_logs_instead_of_blocking(
    background: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = background(AIDREGISTRY_MAIL_QUEUE_SIZE=1)
    gate = Gate(monkeypatch)
    sender = mailer.sender(app)
    with caplog.at_level(logging.ERROR, logger="aidregistry.mail"):
        sender.submit(Mail("a@example.org", "1", "held by the worker"))
        for _ in range(50):  # until the worker holds the first message
            if gate.threads:
                break
            threading.Event().wait(0.05)
        sender.submit(Mail("b@example.org", "2", "waits in the queue"))
        sender.submit(Mail("c@example.org", "3", "finds the queue full"))
    gate.open.set()
    assert sender.flush(5)
    with app.app_context():
        assert [m.to for m in outbox()] == ["a@example.org", "b@example.org"]
    assert "mail to c@example.org not sent: the queue of 1 messages is full" in caplog.text


def test_closing_delivers_what_is_queued_then_stops(
    background: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = background()
    gate = Gate(monkeypatch)
    sender = mailer.sender(app)
    for address in ("a@example.org", "b@example.org"):
        sender.submit(Mail(address, "Hello", "body"))
    gate.open.set()
    sender.close(timeout=5)
    assert not sender.running
    with app.app_context():
        assert [m.to for m in outbox()] == ["a@example.org", "b@example.org"]


def test_without_the_background_the_commit_delivers(app: Flask, db_session: Any) -> None:
    send(db_session(), Mail("a@example.org", "Hello", "body"))
    assert list(outbox()) == []
    db_session.commit()
    assert [m.to for m in outbox()] == ["a@example.org"]
    assert not mailer.sender(app).running


def test_without_logging_configured_the_mail_log_reaches_stderr(
    background: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As under ``flask run`` or gunicorn, where nobody configures logging."""
    logger = logging.getLogger("aidregistry")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logger, "handlers", [])
    app = background(AIDREGISTRY_MAIL_BACKGROUND=False)
    assert len(logger.handlers) == 1
    background(AIDREGISTRY_MAIL_BACKGROUND=False)  # a second app adds no second handler
    assert len(logger.handlers) == 1
    with app.app_context():
        mailer.sender(app).submit(Mail("a@example.org", "Hello", "the link"))
    assert "mail (log only) to a@example.org: Hello\nthe link" in capsys.readouterr().err
