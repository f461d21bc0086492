"""Posting, editing, reconfirming and closing needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import Need, NeedStatus, OrgRole
from aidregistry.models.base import today
from tests.conftest import sign_in
from tests.factories import NeedFactory, member

SOON = (today() + timedelta(days=10)).isoformat()
GOOD = {
    "item_code": "RESP_N95",
    "quantity": "130000",
    "unit": "units",
    "priority": "1",
    "needed_by": SOON,
    "place": "New York, NY",
    "notes": "ICU staff",
}


@pytest.fixture
def recipient(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.RECIPIENT, name="New York State", country="US", city="Albany")
    db_session.commit()
    sign_in(client, user.email)
    return user


def test_a_recipient_posts_a_need_with_default_standards(
    client: FlaskClient, db_session: Any, recipient: Any
) -> None:
    response = client.post("/needs/new", data=GOOD)
    assert response.status_code == 302
    need = db_session.scalar(select(Need))
    assert need.quantity == 130000
    assert need.priority == 1
    assert {s.code for s in need.accepted_standards} == {"NIOSH-N95"}  # the EUA is dated 2020
    assert need.expires_on == today() + timedelta(days=30)
    assert need.lat == pytest.approx(40.71, abs=0.2)


def test_chosen_standards_are_kept(client: FlaskClient, db_session: Any, recipient: Any) -> None:
    client.post("/needs/new", data={**GOOD, "accepted_standards": ["NIOSH-N95", "RESP_N95-NS"]})
    need = db_session.scalar(select(Need))
    assert {s.code for s in need.accepted_standards} == {"NIOSH-N95", "RESP_N95-NS"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": "0"}, "Enter a quantity from 1"),
        ({"quantity": "-1"}, "Enter a quantity from 1"),
        ({"quantity": "nan"}, "whole number"),
        ({"priority": "7"}, "Not a valid choice"),
        ({"needed_by": "2001-01-01"}, "in the past"),
        ({"needed_by": ""}, "Enter a date"),
        ({"expires_on": "2001-01-01"}, "in the past"),
        ({"item_code": "NOTHING"}, "Not a valid choice"),
        ({"accepted_standards": ["INVENTED"]}, "Unknown standard"),
        ({"place": "Zzyzx Nonexistent Place Q"}, "could not find this place"),
    ],
)
def test_invalid_needs_store_nothing(
    client: FlaskClient, db_session: Any, recipient: Any, changes: dict[str, Any], message: str
) -> None:
    response = client.post("/needs/new", data={**GOOD, **changes})
    assert response.status_code == 200
    assert message in response.text
    assert db_session.scalar(select(func.count()).select_from(Need)) == 0


def test_reconfirm_and_close(client: FlaskClient, db_session: Any, recipient: Any) -> None:
    need = NeedFactory(
        organisation=recipient.organisation,
        quantity=500,
        allocated=200,
        expires_on=today() + timedelta(days=2),
    )
    db_session.commit()
    client.post(f"/needs/{need.id}/reconfirm")
    assert db_session.get(Need, need.id).expires_on == today() + timedelta(days=30)
    response = client.post(f"/needs/{need.id}/close")
    assert "300 units are no longer asked for" in client.get(response.headers["Location"]).text
    closed = db_session.get(Need, need.id)
    assert closed.status is NeedStatus.CLOSED
    assert closed.remaining(today()) == 0


def test_quantity_cannot_drop_below_what_is_allocated(
    client: FlaskClient, db_session: Any, recipient: Any
) -> None:
    need = NeedFactory(
        organisation=recipient.organisation,
        item_code="RESP_N95",
        quantity=500,
        allocated=400,
        accepted=["NIOSH-N95"],
    )
    db_session.commit()
    response = client.post(
        f"/needs/{need.id}/edit", data={**GOOD, "quantity": "300", "version": str(need.version)}
    )
    assert "already allocated" in response.text
    assert db_session.get(Need, need.id).quantity == 500


def test_lapsed_needs_leave_the_open_list(client: FlaskClient, db_session: Any) -> None:
    org = member(OrgRole.RECIPIENT, name="Lapsed Recipient", country="US").organisation
    NeedFactory(
        organisation=org,
        expires_on=today() - timedelta(days=1),
        needed_by=today() + timedelta(days=3),
    )
    db_session.commit()
    assert "Lapsed Recipient" not in client.get("/needs/").text
    assert "Lapsed Recipient" in client.get("/needs/?status=lapsed").text


def test_with_no_open_need_the_list_offers_every_need(
    client: FlaskClient, db_session: Any
) -> None:
    past = NeedFactory(status=NeedStatus.CLOSED)
    db_session.commit()
    page = client.get("/needs/?item=MASK_SURG").get_data(as_text=True)
    assert "No open need matches these filters." in page
    link = page.split('id="no-open-need"')[1].split('href="')[1].split('"')[0]
    assert "status=all" in link
    assert "item=MASK_SURG" in link
    assert f"/needs/{past.id}" in client.get(link.replace("&amp;", "&")).get_data(as_text=True)
