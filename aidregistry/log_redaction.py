"""Secrets out of log lines: the token of an e-mailed link is replaced by ``<token>``.

The links that confirm a sign-up and reset a password carry their token in the path
(``/auth/reset/<token>``). Whatever writes a URL to a log — gunicorn's access log (the
request line, and the Referer of anything a page loads), a proxy — passes it through
:func:`redact` first. Pure Python, so that gunicorn's logger can use it without the app.
"""

from __future__ import annotations

import re

# Every route with a ``<token>`` argument starts with one of these (a test checks it).
LINK_PATHS = ("/auth/reset/", "/auth/register/confirm/")
_SECRET = re.compile("(" + "|".join(re.escape(path) for path in LINK_PATHS) + r")[^/?#\s\"']+")


def redact(text: str) -> str:
    """``text`` with the token of every e-mailed link in it replaced by ``<token>``."""
    return _SECRET.sub(r"\1<token>", text)
