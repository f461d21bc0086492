"""Outgoing notices: handed to a background sender once the transaction that asked for them
commits; written to the log by default, sent by SMTP when configured.

Why in the background: a request that sent mail itself would take longer than one that
does not, and that difference tells an attacker whether an address has an account (sign-up,
password reset); a slow SMTP server would also slow the page. So :func:`send` only notes
the message on the database session. The session's commit hands it to a bounded queue that
one worker thread per process drains; a rollback forgets it, so a request that fails sends
nothing. ``AIDREGISTRY_MAIL_BACKGROUND=0`` delivers at the commit instead, in the
committing thread, which keeps tests and one-off commands deterministic.

Messages that carry a secret link (sign-up confirmation, password reset) are logged in
full only outside production, so that a developer can click the link; in production the
log shows the recipient and subject only, because a logged token is a stolen account. A
failed delivery is logged with the recipient and the error's class, never the body.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import smtplib
import threading
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("aidregistry.mail")
OUTBOX_SIZE = 50
PENDING = "aidregistry.mail.pending"
SENDER = "aidregistry.mail.sender"
SHUTDOWN_SECONDS = 10.0  # how long the process waits at exit for queued mail


@dataclass(frozen=True)
class Mail:
    """One message to one address; ``secret`` marks a body with a token in it."""

    to: str
    subject: str
    body: str
    secret: bool = False


def outbox() -> deque[Mail]:
    """The last messages written by a log-only mailer outside production (for tests, demos)."""
    box: deque[Mail] = current_app.extensions.setdefault(
        "aidregistry.outbox", deque(maxlen=OUTBOX_SIZE)
    )
    return box


def send(session: Session, mail: Mail) -> None:
    """Send ``mail`` once ``session``'s transaction commits; nothing if it rolls back.

    Call it before the commit: a message noted after the last commit is dropped (and
    logged) when the request ends.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session.info.setdefault(PENDING, []).append((app, mail))


def init_app(app: Flask) -> None:
    """Give ``app`` its sender (the worker thread starts with the first message)."""
    app.extensions[SENDER] = Sender(
        app,
        background=bool(app.config.get("AIDREGISTRY_MAIL_BACKGROUND", True)),
        size=int(app.config.get("AIDREGISTRY_MAIL_QUEUE_SIZE") or 1000),
    )
    app.teardown_appcontext(_drop_uncommitted)


def sender(app: Flask) -> Sender:
    """The sender of ``app``."""
    found: Sender = app.extensions[SENDER]
    return found


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    for app, mail in session.info.pop(PENDING, ()):
        sender(app).submit(mail)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the outermost transaction, not a savepoint
        session.info.pop(PENDING, None)


def _drop_uncommitted(_exc: BaseException | None) -> None:
    from aidregistry.extensions import db

    if not db.session.registry.has():  # this context never opened a session
        return
    for _app, mail in db.session().info.pop(PENDING, ()):
        log.warning("mail to %s not sent: its transaction was not committed", mail.to)


class Sender:
    """A bounded queue and one daemon thread per process that delivers what it holds."""

    def __init__(self, app: Flask, *, background: bool, size: int) -> None:
        self.app, self.background, self.size = app, background, size
        self._lock = threading.Lock()
        self._pid = -1
        self._queue: queue.Queue[Mail | None] = queue.Queue(size)
        self._thread: threading.Thread | None = None

    def submit(self, mail: Mail) -> None:
        """Queue ``mail`` (or deliver it now when not in the background); never blocks."""
        if not self.background:
            self._deliver(mail)
            return
        self._start()
        try:
            self._queue.put_nowait(mail)
        except queue.Full:
            log.error("mail to %s not sent: the queue of %d messages is full", mail.to, self.size)

    def flush(self, timeout: float = SHUTDOWN_SECONDS) -> bool:
        """Wait until every queued message is delivered; False if ``timeout`` ran out."""
        done = self._queue.all_tasks_done
        with done:
            return done.wait_for(lambda: self._queue.unfinished_tasks == 0, timeout)

    def close(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        """Deliver what is queued, then stop the thread (at exit)."""
        thread = self._thread
        if thread is None or not thread.is_alive() or self._pid != os.getpid():
            return
        self.flush(timeout)
        self._queue.put(None, timeout=timeout)
        thread.join(timeout)

    @property
    def running(self) -> bool:
        """True while this process's worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _start(self) -> None:
        # Started on first use in each process: gunicorn forks workers after loading the
        # app (preload_app), and a thread does not survive a fork.
        with self._lock:
            if self._pid == os.getpid() and self.running:
                return
            if self._pid != os.getpid():
                self._queue = queue.Queue(self.size)
                atexit.register(self.close)
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="aidregistry-mail", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            mail = self._queue.get()
            try:
                if mail is None:
                    return
                self._deliver(mail)
            finally:
                self._queue.task_done()

    def _deliver(self, mail: Mail) -> None:
        try:
            with self.app.app_context():
                deliver(mail)
        except Exception as exc:  # one bad message must not stop the sender
            log.error("mail to %s not sent: %s", mail.to, exc.__class__.__name__)


def deliver(mail: Mail) -> None:
    """Write ``mail`` to the log or send it by SMTP, as configured; raises on failure."""
    config = current_app.config
    if config.get("AIDREGISTRY_MAIL_LOG_ONLY", True) or not config.get("AIDREGISTRY_SMTP_HOST"):
        _log_only(mail, production=config["AIDREGISTRY_ENV"] == "production")
        return
    _smtp(mail, config)


def _log_only(mail: Mail, *, production: bool) -> None:
    if production and mail.secret:
        log.info(
            "mail (log only) to %s: %s [body withheld: it holds a link]", mail.to, mail.subject
        )
        return
    log.info("mail (log only) to %s: %s\n%s", mail.to, mail.subject, mail.body)
    if not production:
        outbox().append(mail)


def _smtp(mail: Mail, config: Any) -> None:
    message = EmailMessage()
    message["From"] = config.get("AIDREGISTRY_MAIL_FROM") or "aidregistry@localhost"
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    port = int(config.get("AIDREGISTRY_SMTP_PORT") or 587)
    with smtplib.SMTP(config["AIDREGISTRY_SMTP_HOST"], port, timeout=10) as smtp:
        if config.get("AIDREGISTRY_SMTP_STARTTLS", True):
            smtp.starttls()
        if config.get("AIDREGISTRY_SMTP_USER"):
            smtp.login(config["AIDREGISTRY_SMTP_USER"], config.get("AIDREGISTRY_SMTP_PASSWORD", ""))
        smtp.send_message(message)
    log.info("mail sent to %s: %s", mail.to, mail.subject)
