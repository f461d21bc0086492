"""The matcher over the registry: demo proposals, deadlines by mode, superseding runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from aidregistry.domain import matching as dm
from aidregistry.models import Allocation, AllocationStatus, Donation, Need, OrgRole
from aidregistry.models.base import today
from aidregistry.services import allocations, matching, suggestions
from aidregistry.services.demo import load_demo
from aidregistry.services.verification import counted_schemes_of
from tests.factories import DonationFactory, NeedFactory, coordinator, member

SPRING_2020 = date(2020, 3, 30)


def test_los_angeles_masks_come_from_shanghai(db_session: Any) -> None:
    load_demo(db_session)
    run = matching.propose(db_session, None, matching.Scope(), SPRING_2020)
    proposals = matching.proposals(db_session, run)
    la = [a for a in proposals if a.need.organisation.name == "City of Los Angeles"]
    assert la, "the open Los Angeles need gets a proposal"
    assert {a.donation.organisation.name for a in la} == {"Shanghai Municipal Government"}
    assert sum(a.quantity for a in la) == 20000
    assert la[0].explanation["mode"] == "air"
    assert la[0].explanation["km"] > 10000
    assert run.totals["by_priority"]["2"]["proposed"] >= 20000


def test_a_sea_only_lot_never_serves_a_need_only_air_can_meet(db_session: Any) -> None:
    ningbo = member(OrgRole.DONOR, name="Ningbo anaesthesia masks", city="Ningbo").organisation
    DonationFactory(
        organisation=ningbo,
        item_code="ANAES_MASK",
        standard_code=None,
        quantity=5000,
        modes="sea",
        lat=29.87,
        lon=121.54,
        available_from=SPRING_2020,
        place="Ningbo",
    )
    far = member(OrgRole.DONOR, name="Hangzhou air lot", city="Hangzhou").organisation
    DonationFactory(
        organisation=far,
        item_code="ANAES_MASK",
        standard_code=None,
        quantity=3000,
        modes="air",
        lat=30.29,
        lon=120.16,
        available_from=SPRING_2020,
        place="Hangzhou",
    )
    NeedFactory(
        item_code="ANAES_MASK",
        accepted=["ANAES_MASK-NS"],
        quantity=4000,
        priority=1,
        needed_by=SPRING_2020 + timedelta(days=6),
        expires_on=SPRING_2020 + timedelta(days=30),
    )
    db_session.commit()
    run = matching.propose(db_session, None, matching.Scope(item_code="ANAES_MASK"), SPRING_2020)
    proposals = matching.proposals(db_session, run)
    assert [(a.donation.organisation.name, a.quantity, a.mode) for a in proposals] == [
        ("Hangzhou air lot", 3000, "air")
    ]
    # The air lot is used up; the sea lot cannot arrive in time.
    assert run.uncovered == [
        {**run.uncovered[0], "quantity": 1000, "reason": "taken_by_higher_priority"}
    ]


def test_a_new_run_supersedes_undecided_proposals(db_session: Any) -> None:
    DonationFactory(quantity=100)
    NeedFactory(quantity=100)
    db_session.commit()
    first = matching.propose(db_session, None, matching.Scope(), today())
    second = matching.propose(db_session, None, matching.Scope(), today())
    old = matching.proposals(db_session, first)[0]
    assert old.status is AllocationStatus.REJECTED
    assert "superseded" in (old.reason_text or "")
    assert matching.proposals(db_session, second)[0].status is AllocationStatus.PROPOSED


def test_accepting_rechecks_what_was_taken_after_the_run(db_session: Any) -> None:
    staff = coordinator()
    donation = DonationFactory(quantity=100)
    need = NeedFactory(quantity=100)
    db_session.commit()
    run = matching.propose(db_session, staff, matching.Scope(), today())
    proposal = matching.proposals(db_session, run)[0]
    other_need = NeedFactory(quantity=60)
    allocations.create_manual(db_session, staff, donation, other_need, 60)
    with pytest.raises(allocations.QuantityChanged) as changed:
        allocations.accept(db_session, staff, proposal)
    assert changed.value.available == 40
    assert db_session.get(Donation, donation.id).allocated == 60
    assert db_session.get(Need, need.id).allocated == 0
    assert (
        db_session.scalar(select(Allocation).filter_by(id=proposal.id)).status
        is AllocationStatus.PROPOSED
    )


def test_match_command_prints_the_review_summary(app: Any, db_session: Any) -> None:
    """The README's example: the demo loaded as `aidregistry setup-demo` does, then a dry run."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    held = db_session.scalar(select(func.sum(Donation.allocated)))
    result = runner.invoke(args=["match", "--dry-run", "--date", "2020-03-30"])
    assert result.exit_code == 0, result.output
    assert "Matching" in result.stderr  # the progress bar goes to standard error
    summary = result.stdout.splitlines()
    assert summary[0].startswith("Run 1 as of 2020-03-30: 1 donation, 2 needs, 1 proposal, ")
    assert "20,000 units" in summary[0]
    assert summary[1].split() == ["priority", "asked", "for", "covered", "now", "covered", "if",
                                  "accepted"]
    assert summary[3].split() == ["2", "20,000", "0", "20,000"]
    assert summary[-1].startswith("uncovered: need ")
    assert summary[-1].endswith("600,000 units — no_compatible_goods")
    db_session.expire_all()
    # A dry run holds nothing.
    assert db_session.scalar(select(func.sum(Donation.allocated))) == held


def test_match_command_refuses_a_bad_date(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["match", "--dry-run", "--date", "30/03/2020"])
    assert result.exit_code == 2
    assert "use YYYY-MM-DD" in result.output


def _every_record_ranks(db_session: Any, on: date) -> tuple[Any, Any]:
    """Suggestion indexes over every available donation and open need, unfiltered."""
    inputs = matching.read_inputs(db_session, matching.Scope(), on)
    args = (
        matching.standards(db_session),
        matching.equivalences(db_session),
        dm.Policy(run_date=on),
    )
    return (
        dm.SuggestionIndex(inputs.offers, [], *args),
        dm.SuggestionIndex([], inputs.requests, *args),
    )


def test_suggestions_read_only_compatible_records_and_lose_none(db_session: Any) -> None:
    """The pages' suggestions read only donations of a standard the need can take (and needs
    that can take the donation's) from the database; the ranking equals the one over every
    record — substitutions, standards not stated and missing certificates included."""
    on = today()
    italy = {"country": "IT", "city": "Rome", "lat": 41.9, "lon": 12.5}
    for k, (item, standard, certs) in enumerate([
        ("RESP_KN95", "GB2626-KN95", []),  # substitutes for FFP2 in the EU
        ("RESP_N95", "NIOSH-N95", [("NIOSH", "TC-84A-0001")]),
        ("RESP_FFP2", "EN149-FFP2", [("CE", "CE 2020", "0123")]),
        ("RESP_FFP2", "EN149-FFP2", []),  # no CE certificate: not compatible
        ("RESP_MED_PROT", "GB19083", []),  # substitutes for FFP2 only with NMPA registration
        ("MASK_SURG", None, []),  # standard not stated
        ("MASK_SURG", "YY0469", []),
        ("GLOVE_EXAM", "GB10213", [("NMPA", "浙械注准20202140002")]),
    ]):
        DonationFactory(item_code=item, standard_code=standard, quantity=1000 + k,
                        lat=22.5 + k, lon=114.0 + k, certificates=certs)
    needs = [
        NeedFactory(item_code="RESP_FFP2", accepted=["EN149-FFP2"],
                    organisation=member(OrgRole.RECIPIENT, **italy).organisation),
        NeedFactory(item_code="MASK_SURG", accepted=["EN14683", "MASK_SURG-NS"],
                    organisation=member(OrgRole.RECIPIENT, **italy).organisation),
        NeedFactory(item_code="RESP_N95", accepted=["NIOSH-N95"]),
        NeedFactory(item_code="GLOVE_EXAM", accepted=["EN455"],
                    organisation=member(OrgRole.RECIPIENT, **italy).organisation),
    ]
    db_session.commit()
    offers_index, needs_index = _every_record_ranks(db_session, on)
    for need in needs:
        expected = [s.id for s in offers_index.best_offers(matching.to_need(need, on), k=10)]
        got = [str(s.record.id) for s in suggestions.suggest_donations(db_session, need, on)]
        assert got == expected, need.item_code
        assert got, need.item_code  # every need here has at least one compatible donation
    for donation in db_session.scalars(select(Donation)):
        offer = matching.to_offer(donation, counted_schemes_of(donation, on))
        expected = [s.id for s in needs_index.best_needs(offer, k=10)]
        got = [str(s.record.id) for s in suggestions.suggest_needs(db_session, donation, on)]
        assert got == expected, donation.standard_code
