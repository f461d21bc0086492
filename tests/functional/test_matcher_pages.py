"""The coordinator's matcher pages: a dry run with its reasons, decisions on it, and
allocating by hand — through the views, as a coordinator uses them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    AuditEvent,
    Donation,
    MatchRun,
    Need,
    ReasonCode,
    User,
)
from aidregistry.models.base import today
from aidregistry.services import allocations
from tests.conftest import sign_in
from tests.factories import DonationFactory, NeedFactory, coordinator


@pytest.fixture
def staff(client: FlaskClient, db_session: Any) -> User:
    user = coordinator()
    db_session.commit()
    sign_in(client, user.email)
    return user


def run_matcher(client: FlaskClient, item_code: str = "") -> tuple[int, str]:
    """Run the matcher (every item, or one) as of today; the run's id and its page."""
    response = client.post(
        "/coordination/match", data={"item_code": item_code, "country": "", "run_date": today()}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    return int(location.rsplit("/", 1)[1]), client.get(location).get_data(as_text=True)


def proposals_of(db_session: Any, run_id: int) -> list[Allocation]:
    query = select(Allocation).filter_by(match_run_id=run_id).order_by(Allocation.id)
    return list(db_session.scalars(query))


def decide(client: FlaskClient, run_id: int, **form: Any) -> str:
    response = client.post(f"/coordination/match/{run_id}/decide", data=form)
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_dry_run_shows_each_proposal_with_why_and_holds_nothing(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    donation = DonationFactory(quantity=20_000)
    need = NeedFactory(quantity=30_000, priority=2)
    db_session.commit()
    run_id, html = run_matcher(client)
    assert "1 donation and 1 need considered; 1 proposal moving 20,000 units" in html
    assert "20,000 pieces" in html
    assert "covers priority 2" in html
    assert "by air" in html
    uncovered = html[html.index('id="uncovered"') :]
    assert "10,000" in uncovered
    assert "What can arrive in time is used up" in uncovered
    db_session.expire_all()
    assert db_session.get(Donation, donation.id).allocated == 0
    assert db_session.get(Need, need.id).allocated == 0
    assert [a.status for a in proposals_of(db_session, run_id)] == [AllocationStatus.PROPOSED]
    assert db_session.get(MatchRun, run_id).totals["by_priority"]["2"]["proposed"] == 20_000


def test_accepting_a_selected_proposal_holds_it_and_is_audited(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    donation = DonationFactory(quantity=500)
    DonationFactory(quantity=700, item_code="GLOVE_EXAM", standard_code=None)
    NeedFactory(quantity=500)
    db_session.commit()
    run_id, _ = run_matcher(client)
    (proposal,) = proposals_of(db_session, run_id)
    html = decide(client, run_id, selected=[proposal.id], action="accept")
    assert "1 proposal accepted." in html
    db_session.expire_all()
    assert db_session.get(Allocation, proposal.id).status is AllocationStatus.ACCEPTED
    assert db_session.get(Donation, donation.id).allocated == 500
    event = db_session.scalar(
        select(AuditEvent).filter_by(action="allocation.accept", entity_id=proposal.id)
    )
    assert event is not None
    assert event.actor_id == staff.id


def one_proposal(client: FlaskClient, db_session: Any) -> tuple[int, Allocation]:
    """A donation and a need that match, and the run that proposes the one allocation."""
    DonationFactory(quantity=100)
    NeedFactory(quantity=100)
    db_session.commit()
    run_id, _ = run_matcher(client)
    (proposal,) = proposals_of(db_session, run_id)
    return run_id, proposal


def test_a_rejection_needs_its_reason_and_other_needs_words(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    run_id, proposal = one_proposal(client, db_session)
    html = decide(client, run_id, selected=[proposal.id], action="reject", reason_code="other")
    assert "Say what the other reason is." in html
    db_session.expire_all()
    assert db_session.get(Allocation, proposal.id).status is AllocationStatus.PROPOSED
    html = decide(
        client, run_id, selected=[proposal.id], action="reject", reason_code="no_contact",
        reason_text="The recipient's phone does not answer.",
    )
    assert "1 proposal rejected." in html
    db_session.expire_all()
    rejected = db_session.get(Allocation, proposal.id)
    assert rejected.status is AllocationStatus.REJECTED
    assert rejected.reason_code is ReasonCode.NO_CONTACT
    assert rejected.reason_text == "The recipient's phone does not answer."
    assert "The recipient&#39;s phone does not answer." in html


def test_nothing_selected_decides_nothing(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    run_id, proposal = one_proposal(client, db_session)
    assert "Select at least one proposal." in decide(client, run_id, action="accept")
    db_session.expire_all()
    assert db_session.get(Allocation, proposal.id).status is AllocationStatus.PROPOSED


def test_accepting_all_reports_what_was_taken_since_the_run(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    first = DonationFactory(quantity=100, place="Shanghai")
    DonationFactory(quantity=100, place="Hangzhou", lat=30.29, lon=120.16)
    NeedFactory(quantity=200)
    db_session.commit()
    run_id, _ = run_matcher(client)
    assert len(proposals_of(db_session, run_id)) == 2
    # After the run, 60 of the first donation go elsewhere by hand.
    allocations.create_manual(db_session, staff, first, NeedFactory(quantity=60), 60)
    db_session.commit()
    html = decide(client, run_id, action="accept", all="1")
    assert "1 proposal accepted." in html
    assert "Only 40 units of this donation are still available." in html
    db_session.expire_all()
    statuses = {a.donation_id: a.status for a in proposals_of(db_session, run_id)}
    assert statuses[first.id] is AllocationStatus.PROPOSED
    assert sorted(s.value for s in statuses.values()) == ["accepted", "proposed"]
    assert db_session.get(Donation, first.id).allocated == 60


def test_allocating_by_hand_beside_the_suggestions(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    near = DonationFactory(quantity=300, place="Shanghai")
    DonationFactory(quantity=300, item_code="GLOVE_EXAM", standard_code=None)
    need = NeedFactory(quantity=250)
    db_session.commit()
    page = client.get(f"/coordination/needs/{need.id}/allocate").get_data(as_text=True)
    suggestions = page[page.index('id="suggestions"') : page.index("</ol>")]
    assert f"#{near.id} {near.organisation.name} (Shanghai)" in suggestions
    assert suggestions.count("<li>") == 1  # gloves cannot serve a mask need
    too_many = client.post(
        f"/coordination/needs/{need.id}/allocate",
        data={"donation_id": near.id, "quantity": "251", "note": ""},
    )
    assert too_many.status_code == 200
    assert "This need now asks for only 250 more units." in too_many.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Allocation)) == 0
    made = client.post(
        f"/coordination/needs/{need.id}/allocate",
        data={"donation_id": near.id, "quantity": "250", "note": "Called both sides."},
    )
    assert made.status_code == 302
    db_session.expire_all()
    (allocation,) = db_session.scalars(select(Allocation))
    assert (allocation.quantity, allocation.status) == (250, AllocationStatus.ACCEPTED)
    assert allocation.explanation == {"note": "Called both sides."}
    assert db_session.get(Need, need.id).allocated == 250


def test_records_without_a_map_position_are_reported_not_dropped(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    DonationFactory(quantity=100)
    DonationFactory(quantity=900, place="Somewhere unknown", lat=None, lon=None)
    NeedFactory(quantity=100)
    lost = NeedFactory(quantity=400, priority=1, place="Nowhere known", lat=None, lon=None)
    db_session.commit()
    run_id, html = run_matcher(client)
    assert "2 donations and 2 needs considered; 1 proposal moving 100 units" in html
    assert "1 donation was left out: its place has no map position yet." in html
    uncovered = html[html.index('id="uncovered"') :]
    assert f'href="/needs/{lost.id}"' in uncovered
    assert "Its place has no map position yet" in uncovered
    run = db_session.get(MatchRun, run_id)
    assert run.totals["by_priority"]["1"]["demand"] == 400
    assert [(u["need_id"], u["quantity"], u["reason"]) for u in run.uncovered] == [
        (lost.id, 400, "no_location")
    ]


def test_a_need_without_a_map_position_gets_no_suggestions_and_says_why(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    DonationFactory(quantity=100)
    need = NeedFactory(quantity=400, place="Nowhere known", lat=None, lon=None)
    db_session.commit()
    response = client.get(f"/coordination/needs/{need.id}/allocate")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "place has no map position yet" in html
    assert 'id="suggestions"' not in html


def test_a_donation_page_shows_coordinators_where_it_could_go(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    donation = DonationFactory(quantity=300)
    near = NeedFactory(quantity=200, priority=1)  # Los Angeles
    far = NeedFactory(quantity=100, priority=4, place="New York", lat=40.7128, lon=-74.006)
    NeedFactory(quantity=100, item_code="GLOVE_EXAM", accepted=["EN455"])  # another item
    db_session.commit()
    html = client.get(f"/donations/{donation.id}").get_data(as_text=True)
    start = html.index('id="suggested-needs"')
    table = html[start : html.index("</table>", start)]
    links = re.findall(r'href="/needs/(\d+)"', table)
    assert links == [str(near.id), str(far.id)]  # cheapest transport first, feasible only
    assert "200 pieces" in table
    assert f"/coordination/needs/{near.id}/allocate?donation={donation.id}" in table
    page = client.get(f"/coordination/needs/{near.id}/allocate?donation={donation.id}")
    assert f'<option selected value="{donation.id}">' in page.get_data(as_text=True)


def test_donation_pages_show_no_suggestions_to_others(
    client: FlaskClient, db_session: Any
) -> None:
    donation = DonationFactory(quantity=300)
    NeedFactory(quantity=200)
    db_session.commit()
    html = client.get(f"/donations/{donation.id}").get_data(as_text=True)
    assert "Needs it could serve, cheapest transport first" not in html


def test_a_run_too_big_for_a_page_is_refused_with_what_to_do(
    client: FlaskClient, db_session: Any, staff: User, app: Any
) -> None:
    app.config["AIDREGISTRY_MATCH_WEB_MAX_RECORDS"] = 2
    DonationFactory(quantity=100)
    DonationFactory(quantity=100, item_code="GLOVE_EXAM", standard_code=None)
    NeedFactory(quantity=100)
    db_session.commit()
    response = client.post(
        "/coordination/match", data={"item_code": "", "country": "", "run_date": today()}
    )
    assert response.headers["Location"].endswith("/coordination/match")
    html = client.get("/coordination/match").get_data(as_text=True)
    assert "This run would cover 3 donations and needs together, more than the 2" in html
    assert "aidregistry match --dry-run" in html
    assert db_session.scalar(select(func.count()).select_from(MatchRun)) == 0
    _, page = run_matcher(client, "MASK_SURG")  # one item: 1 donation and 1 need
    assert "1 donation and 1 need considered" in page


def test_a_run_with_nothing_in_scope_says_so(
    client: FlaskClient, db_session: Any, staff: User
) -> None:
    NeedFactory(quantity=100)
    db_session.commit()
    _, html = run_matcher(client)
    assert "0 donations and 1 need considered" in html
    assert f"no donation is available in this scope on {today().isoformat()}" in html
    assert "see why below" not in html
