"""gunicorn's logger with the tokens of e-mailed links taken out of every access-log field.

``gunicorn.conf.py`` names it as ``logger_class``. The request line, the path and the
Referer (a page behind a link loads its CSS and JS with the link as Referer, unless the
browser honours ``Referrer-Policy: no-referrer``) all pass through :func:`redact`.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from aidregistry.log_redaction import redact


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """The standard gunicorn logger, minus the secrets in URLs."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        """The fields of an access-log line, each URL-bearing one redacted."""
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
