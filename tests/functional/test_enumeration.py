"""No account enumeration (ASVS 2.2, 3.x): for a known and an unknown address, sign-in,
sign-up and password reset answer alike and do the same work — the same password-hash
operations, links stored, database writes and mail hand-overs. Structural, not timed:
``benchmarks/enumeration.py`` prints the times."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from aidregistry.extensions import db
from aidregistry.services import account_links
from aidregistry.services.mailer import Sender
from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory
from tests.functional.test_accounts import REGISTRATION

WRITES = ("insert", "update", "delete")


class CountingHasher:
    """The app's hasher, counting each operation."""

    def __init__(self, real: Any, counts: Counter[str]) -> None:
        self._real, self._counts = real, counts

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)

        def counted(*args: Any) -> Any:
            self._counts[name] += 1
            return method(*args)

        return counted


@pytest.fixture
def probe(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], Any]], Any]:
    """Run a request; return its response, page text and counts of the work it did."""
    counts: Counter[str] = Counter()
    real = app.extensions["aidregistry.hasher"]
    monkeypatch.setitem(app.extensions, "aidregistry.hasher", CountingHasher(real, counts))
    submit, issue = Sender.submit, account_links._issue

    def counted_submit(self: Sender, mail: Any) -> None:
        counts["mail"] += 1
        submit(self, mail)

    def counted_issue(*args: Any, **kwargs: Any) -> Any:
        counts["token"] += 1
        return issue(*args, **kwargs)

    monkeypatch.setattr(Sender, "submit", counted_submit)
    monkeypatch.setattr(account_links, "_issue", counted_issue)

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().lower().startswith(WRITES):
            counts["writes"] += 1

    event.listen(db.engine, "before_cursor_execute", on_execute)

    def run(request: Callable[[], Any], email: str) -> Any:
        """(status, page with the address typed and any CSRF token blanked, counts)."""
        counts.clear()
        response = request()
        page = re.sub(r'name="csrf_token"[^>]*', "", response.get_data(as_text=True))
        return response.status_code, page.replace(email, "(address)"), dict(counts)

    yield run
    event.remove(db.engine, "before_cursor_execute", on_execute)


def test_sign_in_does_the_same_work_for_unknown_wrong_and_inactive(
    app: Flask, db_session: Any, probe: Any
) -> None:
    UserFactory(email="known@example.org")
    UserFactory(email="gone@example.org", active=False)
    db_session.commit()

    def attempt(email: str, password: str) -> Any:
        data = {"email": email, "password": password}
        return probe(lambda: app.test_client().post("/auth/login", data=data), email)

    unknown = attempt("nobody@example.org", TEST_PASSWORD)
    wrong = attempt("known@example.org", "a wrong password entirely")
    inactive = attempt("gone@example.org", TEST_PASSWORD)
    assert unknown == wrong == inactive
    assert unknown[0] == 200
    assert unknown[2] == {"verify": 1}  # one argon2 verification, no write, no mail


def test_sign_up_does_the_same_work_for_a_known_and_a_new_address(
    app: Flask, db_session: Any, probe: Any
) -> None:
    UserFactory(email="li.wei@example.cn")
    db_session.commit()

    def sign_up(email: str) -> Any:
        data = {**REGISTRATION, "email": email, "identifier_value": ""}
        return probe(lambda: app.test_client().post("/auth/register", data=data), email)

    known = sign_up("li.wei@example.cn")
    new = sign_up("new.person@example.cn")
    assert known[0] == new[0] == 200
    assert known[1] == new[1]
    # One hash, one link stored (and expired links removed), one hand-over, on both.
    assert known[2] == new[2] == {"hash": 1, "token": 1, "writes": 2, "mail": 1}


def test_a_reset_request_does_the_same_work_for_a_known_and_an_unknown_address(
    app: Flask, db_session: Any, probe: Any
) -> None:
    UserFactory(email="known@example.org")
    UserFactory(email="gone@example.org", active=False)
    db_session.commit()

    def ask(email: str) -> Any:
        return probe(lambda: app.test_client().post("/auth/reset", data={"email": email}), email)

    known, unknown, inactive = (
        ask("known@example.org"),
        ask("nobody@example.org"),
        ask("gone@example.org"),
    )
    assert known == unknown == inactive
    assert known[0] == 200
    assert known[2] == {"token": 1, "writes": 2, "mail": 1}  # one link stored, one hand-over
