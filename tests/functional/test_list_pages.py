"""Public list pages count their rows only a few pages ahead, and keep their order."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from aidregistry.web import pagination
from tests.factories import DonationFactory, NeedFactory, OrganisationFactory


def pager(client: FlaskClient, url: str) -> tuple[str, bool, list[str]]:
    """(the pager's "Page n of …" text, whether it links a next page, the rows' links)."""
    page = client.get(url).get_data(as_text=True)
    label = re.search(r"Page \d+ of[^<]*", page)
    rows = re.findall(r'href="(/(?:donations|needs)/\d+)"', page)
    return (label.group(0) if label else ""), ">Next<" in page, rows


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rows a page, counted one page ahead."""
    monkeypatch.setattr(pagination, "PER_PAGE", 2)
    monkeypatch.setattr(pagination, "PAGES_AHEAD", 1)


def test_a_long_list_says_more_than_and_still_pages_to_its_end(
    client: FlaskClient, db_session: Any, small_pages: None
) -> None:
    org = OrganisationFactory()
    start = date(2026, 3, 1)
    donations = [
        DonationFactory(organisation=org, available_from=start + timedelta(days=k))
        for k in range(7)
    ]
    db_session.commit()
    latest_first = [f"/donations/{d.id}" for d in reversed(donations)]
    assert pager(client, "/donations/") == ("Page 1 of more than 2", True, latest_first[:2])
    assert pager(client, "/donations/?page=2") == ("Page 2 of more than 3", True, latest_first[2:4])
    assert pager(client, "/donations/?page=3") == ("Page 3 of 4", True, latest_first[4:6])
    assert pager(client, "/donations/?page=4") == ("Page 4 of 4", False, latest_first[6:])


def test_a_short_list_is_counted_exactly(
    client: FlaskClient, db_session: Any, small_pages: None
) -> None:
    org = OrganisationFactory(role="recipient")
    for priority in (3, 1, 2):
        NeedFactory(organisation=org, priority=priority)
    db_session.commit()
    label, has_next, rows = pager(client, "/needs/")
    assert (label, has_next, len(rows)) == ("Page 1 of 2", True, 2)


ITEM_CODES = ["RESP_N95", "RESP_KN95", "RESP_FFP2", "RESP_FFP3", "MASK_SURG", "GLOVE_EXAM"]


def statements_for(client: FlaskClient, url: str) -> int:
    """How many SQL statements one request to ``url`` runs."""
    from sqlalchemy import event

    from aidregistry.extensions import db

    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("url", ["/donations/", "/needs/", "/api/v1/donations", "/api/v1/needs"])
def test_a_page_of_many_items_runs_as_few_statements_as_a_page_of_one(
    client: FlaskClient, db_session: Any, url: str
) -> None:
    """Each row's item comes with the page, not from a query of its own."""
    org = OrganisationFactory()
    recipient = OrganisationFactory(role="recipient")
    DonationFactory(organisation=org, standard_code=None, certificates=[])
    NeedFactory(organisation=recipient, accepted=["YY0469"])
    db_session.commit()
    one_item = statements_for(client, url)
    for code in ITEM_CODES:
        DonationFactory(organisation=org, item_code=code, standard_code=None, certificates=[])
        NeedFactory(organisation=recipient, item_code=code, accepted=["YY0469"])
    db_session.commit()
    assert statements_for(client, url) == one_item
