"""The demo loader: real 2020 events become organisations, donations, needs and allocations."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    AuditEvent,
    Donation,
    DonationStatus,
    Need,
    NeedStatus,
    Organisation,
    OrgKind,
    OrgRole,
    Standard,
    VerificationState,
)
from aidregistry.services.demo import build, load_demo, shipment_weights
from aidregistry.services.demo.rows import (
    GROSS_WEIGHT,
    NO_QUANTITY,
    SAME_GOODS,
    plan_lots,
    read_events,
    read_items,
    read_places,
)

# 122 rows: 5 shipment weights and 4 without a quantity are not item lots, and E44's
# second row reports the first row's goods on arrival, so 112 lots remain; E24 alone is
# unconfirmed and stays open. 92 distinct donor and recipient names.
ORGANISATIONS, LOTS, ALLOCATIONS = 92, 112, 111
MODELS: tuple[Any, ...] = (Organisation, Donation, Need, Allocation)


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def counts(session: Session) -> dict[str, int]:
    return {model.__name__: count(session, model) for model in (*MODELS, AuditEvent)}


def by_ref(session: Session, model: Any, ref: str) -> Any:
    return session.scalars(select(model).filter_by(external_ref=ref)).one()


@pytest.fixture
def loaded(db_session: Session) -> Session:
    load_demo(db_session)
    db_session.commit()
    return db_session


def test_loading_creates_the_expected_counts(db_session: Session) -> None:
    report = load_demo(db_session)
    db_session.commit()

    assert (report.organisations, report.donations, report.needs, report.allocations) == (
        ORGANISATIONS, LOTS, LOTS, ALLOCATIONS)
    assert counts(db_session) == {
        "Organisation": ORGANISATIONS, "Donation": LOTS, "Need": LOTS,
        "Allocation": ALLOCATIONS, "AuditEvent": ORGANISATIONS + 2 * LOTS + ALLOCATIONS,
    }
    events = db_session.scalars(select(AuditEvent)).all()
    assert {(e.action, e.actor_id) for e in events} == {("demo.load", None)}


def test_loading_twice_creates_nothing_new(loaded: Session) -> None:
    before = counts(loaded)

    report = load_demo(loaded)
    loaded.commit()

    assert report.created == 0
    assert report.already_present == ORGANISATIONS + 2 * LOTS + ALLOCATIONS
    assert counts(loaded) == before
    assert "already present" in report.summary()


def test_loading_again_leaves_edited_records_alone(loaded: Session) -> None:
    donation = by_ref(loaded, Donation, "demo:donation:E24:1")
    donation.notes = "Checked with the LA Mayor's Office."
    organisation = donation.organisation
    organisation.name = "Shanghai Municipal People's Government"
    loaded.commit()

    load_demo(loaded)
    loaded.commit()
    loaded.expire_all()

    assert by_ref(loaded, Donation, "demo:donation:E24:1").notes == (
        "Checked with the LA Mayor's Office.")
    assert loaded.get(Organisation, organisation.id).name == (
        "Shanghai Municipal People's Government")


def test_shanghai_to_los_angeles_stays_open_for_the_matcher(loaded: Session) -> None:
    donation = by_ref(loaded, Donation, "demo:donation:E24:1")
    need = by_ref(loaded, Need, "demo:need:E24:1")

    assert donation.organisation.name == "Shanghai Municipal Government"
    assert need.organisation.name == "City of Los Angeles"
    assert (donation.item_code, donation.quantity, donation.allocated) == ("MASK_UNSPEC", 20_000, 0)
    assert donation.status is DonationStatus.AVAILABLE
    assert (need.item_code, need.quantity, need.allocated) == ("MASK_UNSPEC", 20_000, 0)
    assert need.status is NeedStatus.OPEN
    assert donation.confidence == "unconfirmed"
    assert loaded.scalars(select(Allocation).filter_by(donation_id=donation.id)).all() == []
    # A partial date is the 1st of its month, and the original wording stays in the notes.
    # "arrived" in April 2020: the goods were ready about a week before.
    assert donation.available_from.isoformat() == "2020-03-25"
    assert "partial date 2020-04" in (donation.notes or "")
    assert "MASK_UNSPEC-NS" in {s.code for s in need.accepted_standards}


def test_a_delivered_row_holds_its_quantity(loaded: Session) -> None:
    allocation = by_ref(loaded, Allocation, "demo:allocation:E01:1")

    assert allocation.status is AllocationStatus.DELIVERED
    assert allocation.proposed_by == "import"
    assert allocation.quantity == allocation.donation.quantity == 1_000_000
    assert allocation.donation.allocated == allocation.donation.quantity
    assert allocation.need.allocated == allocation.need.quantity
    assert allocation.donation.organisation.name == "Jack Ma Foundation & Alibaba Foundation"
    assert allocation.explanation["event_id"] == "E01"
    assert allocation.explanation["route"] == "air (China Eastern Airlines)"


@pytest.mark.parametrize(("ref", "expected"), [
    ("E08:1", AllocationStatus.SHIPPED),      # dispatched
    ("E03:1", AllocationStatus.SHIPPED),      # arrived at the Liège hub, not yet in Rome
    ("E29b:1", AllocationStatus.CONFIRMED),   # pledged
    ("E44:1", AllocationStatus.DELIVERED),    # offered in April, arrived in August
    ("E12:2", AllocationStatus.DELIVERED),    # delivered, then recalled
])
def test_the_stage_sets_the_allocation_status(
    loaded: Session, ref: str, expected: AllocationStatus
) -> None:
    assert by_ref(loaded, Allocation, f"demo:allocation:{ref}").status is expected


def test_allocations_keep_route_hubs_and_recalls(loaded: Session) -> None:
    liege = by_ref(loaded, Allocation, "demo:allocation:E03:1").explanation
    addis = by_ref(loaded, Allocation, "demo:allocation:E15:1").explanation
    recall = by_ref(loaded, Allocation, "demo:allocation:E12:2").explanation
    annapolis = by_ref(loaded, Allocation, "demo:allocation:E44:1").explanation

    assert liege["hubs"] == ["Liège"]
    assert "Liege LGG" in liege["route"]
    assert addis["hubs"] == ["Addis Ababa"]
    assert recall["recalled"] is True
    assert recall["date_type"] == "recalled (quality failure)"
    assert recall["part_of"] == "demo:allocation:E12:1"
    assert "part_of" not in by_ref(loaded, Allocation, "demo:allocation:E12:1").explanation
    assert [stage["date"] for stage in annapolis["stages"]] == ["2020-04", "2020-08"]


def test_every_donation_and_need_keeps_its_source(loaded: Session) -> None:
    for model in (Donation, Need):
        for record in loaded.scalars(select(model)):
            assert "http" in (record.source or ""), record.external_ref
            assert record.confidence is not None, record.external_ref
            assert "[as published:" in (record.notes or ""), record.external_ref


def test_every_place_has_coordinates(loaded: Session) -> None:
    for model in (Organisation, Donation, Need):
        for record in loaded.scalars(select(model)):
            assert record.lat is not None, record.external_ref
            assert record.lon is not None, record.external_ref
    for place in read_places().values():
        assert -90 <= place.lat <= 90
        assert -180 <= place.lon <= 180


def test_skipped_rows_are_reported(db_session: Session) -> None:
    report = load_demo(db_session)

    reasons = Counter(row.reason for row in report.skipped)
    assert reasons == {GROSS_WEIGHT: 5, NO_QUANTITY: 4, SAME_GOODS: 1}
    assert {(row.event_id, row.line) for row in report.skipped if row.reason == NO_QUANTITY} == {
        ("E14b", 1), ("E20", 1), ("E25", 1), ("E45", 1)}
    assert "E02 line 2" in report.summary()
    assert shipment_weights() == {"E02": 31.0, "E14": 10.0, "E16b": 2.0, "E32": 81.3,
                                  "E40": 56.0}


def test_units_become_base_units(loaded: Session) -> None:
    gloves = by_ref(loaded, Donation, "demo:donation:E06:2")      # 5,544 pairs
    goggles = by_ref(loaded, Donation, "demo:donation:E26b:3")    # 100,000 pairs
    suits = by_ref(loaded, Donation, "demo:donation:E15:3")       # 40,000 sets
    boxes = by_ref(loaded, Donation, "demo:donation:E38:1")       # 4,556 boxes

    assert (gloves.item_code, gloves.quantity) == ("GLOVE_EXAM", 11_088)
    assert "5,544 pair" in (gloves.notes or "")
    assert (goggles.item_code, goggles.quantity) == ("GOGGLES", 100_000)
    assert (suits.item_code, suits.quantity) == ("COVERALL", 40_000)
    assert (boxes.item_code, boxes.quantity, boxes.pack_label) == ("PPE_MIXED", 4_556, "box")


def test_standards_follow_the_text_and_what_recipients_accepted(loaded: Session) -> None:
    ffp2 = by_ref(loaded, Donation, "demo:donation:E09:1")
    surgical = by_ref(loaded, Donation, "demo:donation:E03:1")
    combined = by_ref(loaded, Donation, "demo:donation:E07:1")
    ffp2_to_prague = by_ref(loaded, Need, "demo:need:E10:1")
    surgical_to_new_york = by_ref(loaded, Need, "demo:need:E26b:2")

    assert ffp2.standard_code == "EN149-FFP2"
    assert surgical.standard_code == "YY0469"
    assert (combined.item_code, combined.standard_code) == ("MASK_UNSPEC", "MASK_UNSPEC-NS")
    assert "combined figure" in (combined.notes or "")
    # The EU accepted KN95 and N95 for FFP2 from 13 March 2020 (Recommendation 2020/403).
    assert {s.code for s in ffp2_to_prague.accepted_standards} == {
        "EN149-FFP2", "GB2626-KN95", "NIOSH-N95", "GB19083"}
    # The US equivalence for YY 0469 came in August; New York took these masks in April.
    assert {s.code for s in surgical_to_new_york.accepted_standards} == {"ASTM-F2100", "YY0469"}


def test_organisations_are_verified_public_bodies(loaded: Session) -> None:
    jmf = by_ref(loaded, Organisation, build.org_ref("Jack Ma Foundation & Alibaba Foundation"))
    ndma = loaded.scalars(select(Organisation).filter_by(
        name="National Disaster Management Authority (NDMA), Pakistan")).one()
    friendship = loaded.scalars(select(Organisation).where(
        Organisation.name.startswith("Friendship cities"))).one()

    assert (jmf.kind, jmf.role, jmf.city, jmf.country) == (
        OrgKind.FOUNDATION, OrgRole.DONOR, "Hangzhou", "CN")
    assert (ndma.kind, ndma.role) == (OrgKind.GOVERNMENT_AGENCY, OrgRole.RECIPIENT)
    assert (friendship.country, friendship.city) == ("BR", "Brasília")
    states = loaded.scalars(select(Organisation.state).distinct()).all()
    assert states == [VerificationState.VERIFIED]
    assert loaded.scalar(select(func.count()).where(Organisation.contact_email.is_not(None))) == 0


def test_multi_country_recipients_are_placed_at_the_first_capital(loaded: Session) -> None:
    need = by_ref(loaded, Need, "demo:need:E34:1")

    assert (need.place, need.place_country) == ("Brasília", "BR")
    assert "several countries (BR;JP;HR;IT)" in (need.notes or "")


def test_priority_follows_the_recipient(loaded: Session) -> None:
    assert by_ref(loaded, Need, "demo:need:E22:1").priority == 1   # Javits field hospital
    assert by_ref(loaded, Need, "demo:need:E05:1").priority == 2   # ministry of health
    assert by_ref(loaded, Need, "demo:need:E02:1").priority == 3   # Italian Red Cross


def test_the_shipped_tables_cover_every_row(db_session: Session) -> None:
    lots, _ = plan_lots(read_events())
    items, places = read_items(), read_places()
    standards = {s.code: s.item_code for s in db_session.scalars(select(Standard))}

    for lot in lots:
        row = lot.first
        mapping = items[(row.item, row.unit)]
        assert standards[mapping.standard_for(row.donor_country)] == mapping.item_code
        assert build.status(lot.latest) in AllocationStatus
    for row in read_events():
        assert (row.donor_city, row.donor_country) in places
        assert (row.recipient_city, row.recipient_country) in places
        assert build.org_kind(row.donor_type) in OrgKind
        assert build.org_kind(row.recipient_type) in OrgKind
    names = {name for row in read_events() for name in (row.donor, row.recipient)}
    assert len({build.org_ref(name) for name in names}) == len(names) == ORGANISATIONS


def test_load_demo_command(app: Flask, db_session: Session) -> None:
    runner = app.test_cli_runner()

    first = runner.invoke(args=["load-demo"])
    second = runner.invoke(args=["load-demo"])

    assert first.exit_code == 0, first.output
    assert f"created {ORGANISATIONS} organisations, {LOTS} donations" in first.output
    assert "E02 line 2 (shipment gross weight" in first.output
    assert second.exit_code == 0, second.output
    assert "created 0 organisations" in second.output
    assert "already present" in second.output
    assert count(db_session, Donation) == LOTS
