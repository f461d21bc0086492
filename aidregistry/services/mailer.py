"""Outgoing notices: written to the log by default, sent by SMTP when configured.

Messages that carry a secret link (sign-up confirmation, password reset) are logged in
full only outside production, so that a developer can click the link; in production the
log shows the recipient and subject only, because a logged token is a stolen account.
"""

from __future__ import annotations

import logging
import smtplib
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app

log = logging.getLogger("aidregistry.mail")
OUTBOX_SIZE = 50


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


def send(mail: Mail) -> None:
    """Deliver ``mail``; a delivery failure is logged, never shown to the person asking."""
    config = current_app.config
    if config.get("AIDREGISTRY_MAIL_LOG_ONLY", True) or not config.get("AIDREGISTRY_SMTP_HOST"):
        _log_only(mail, production=config["AIDREGISTRY_ENV"] == "production")
        return
    try:
        _smtp(mail, config)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s not sent: %s", mail.to, exc.__class__.__name__)


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
