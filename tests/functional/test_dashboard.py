"""The public dashboard: readable quantities, charts with text alternatives, public data only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from aidregistry.models import Need, NeedStatus
from aidregistry.web.quantities import exact_quantity, quantity_words
from tests.flows import World, demo_world


@pytest.fixture
def world(db_session: Any) -> World:
    built = demo_world()
    db_session.commit()
    return built


@pytest.mark.parametrize(("n", "unit", "words"), [
    (1_800_000, "piece", "1.8 million pieces"), (130_000, "piece", "130,000 pieces"),
    (1_000, "unit", "1,000 units"), (1, "unit", "1 unit"), (2_000_000, "test", "2 million tests"),
    (1_000_000, "pair", "1 million pairs"),
])
def test_quantities_in_words(app: Flask, n: int, unit: str, words: str) -> None:
    with app.test_request_context("/"):
        assert quantity_words(n, unit) == words


@pytest.mark.parametrize(("n", "unit", "words"), [
    (20_000, "piece", "20,000 pieces"), (1, "pair", "1 pair"),
    (1_800_000, "box", "1,800,000 boxes"),
    (0, "test", "0 tests"), (3, "sachet", "3 sachet"),
])
def test_exact_quantities_take_the_plural_of_their_unit(
    app: Flask, n: int, unit: str, words: str
) -> None:
    with app.test_request_context("/"):
        assert exact_quantity(n, unit) == words


def test_record_pages_give_quantities_with_their_plural(client: FlaskClient, world: World) -> None:
    donation = world.allocations[0].donation
    html = client.get(f"/donations/{donation.id}").get_data(as_text=True)
    assert f"{donation.quantity:,} pieces</span>" in html
    assert f"{donation.quantity:,} piece</span>" not in html


def test_quantities_in_chinese(app: Flask) -> None:
    with app.test_request_context("/?lang=zh"):
        assert quantity_words(1_800_000, "piece").startswith("180万")


def test_the_dashboard_reads_at_a_glance(client: FlaskClient, world: World) -> None:
    html = client.get("/").get_data(as_text=True)
    totals = html[html.index('id="totals"'):html.index("</table>", html.index('id="totals"'))]
    assert "1.5 million pieces" in totals  # masks delivered
    assert "800,000 pieces" in totals  # in transit
    assert "130,000 pieces" in totals  # KN95 pledged
    assert 'href="/map/"' in html
    for chart in re.findall(r"<svg[^>]*>.*?</svg>", html, re.S):
        assert 'role="img"' in chart
        assert "<title" in chart
        assert "<desc" in chart
    assert 'id="coverage"' in html  # the coverage figures as a table
    assert 'id="weeks"' in html  # the weekly figures as a table
    assert "Shanghai Municipal Government" in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_the_dashboard_without_data(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "Nothing is recorded yet." in html
    assert "No delivery is recorded yet." in html


def test_with_no_open_need_the_dashboard_shows_the_record(
    client: FlaskClient, world: World, db_session: Any
) -> None:
    current = client.get("/").get_data(as_text=True)
    assert "Are current needs covered?" in current
    db_session.execute(update(Need).values(status=NeedStatus.CLOSED))
    db_session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "How were the needs covered?" in html
    assert "No need is open now" in html
    coverage = html[html.index('id="coverage"'):html.index("</table>", html.index('id="coverage"'))]
    assert re.search(r"2 · urgent</th><td[^>]*>4</td>", coverage)  # the four allocated needs
