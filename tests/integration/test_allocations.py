"""Allocation decisions hold and return quantities exactly, also under concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from aidregistry.extensions import db
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    AuditEvent,
    Donation,
    DonationStatus,
    Need,
    NeedStatus,
    OrgRole,
    ReasonCode,
)
from aidregistry.models.base import today
from aidregistry.services import allocations
from aidregistry.services.errors import NotAllowed, ServiceError
from tests.factories import DonationFactory, NeedFactory, coordinator, member


def proposal(donation: Donation, need: Need, quantity: int) -> Allocation:
    allocation = Allocation(
        donation=donation,
        need=need,
        quantity=quantity,
        status=AllocationStatus.PROPOSED,
        proposed_by="matcher",
    )
    db.session.add(allocation)
    db.session.flush()
    return allocation


@pytest.fixture
def pair(db_session: Any) -> tuple[Any, Donation, Need]:
    staff = coordinator()
    donation = DonationFactory(quantity=100)
    need = NeedFactory(quantity=80)
    db_session.commit()
    return staff, donation, need


def test_accept_holds_on_both_records(db_session: Any, pair: Any) -> None:
    staff, donation, need = pair
    allocation = proposal(donation, need, 60)
    allocations.accept(db_session, staff, allocation)
    db_session.commit()
    assert (donation.allocated, need.allocated) == (60, 60)
    assert allocation.status is AllocationStatus.ACCEPTED
    assert (
        db_session.scalar(select(AuditEvent).filter_by(action="allocation.accept")).actor_id
        == staff.id
    )


def test_accepting_more_than_remains_is_refused_and_holds_nothing(
    db_session: Any, pair: Any
) -> None:
    staff, donation, need = pair
    allocations.accept(db_session, staff, proposal(donation, need, 50))
    late = proposal(donation, need, 40)  # the need has only 30 left
    with pytest.raises(allocations.QuantityChanged) as refused:
        allocations.accept(db_session, staff, late)
    assert refused.value.available == 30
    assert "only 30" in refused.value.message
    db_session.rollback()
    assert late.status is AllocationStatus.PROPOSED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, n: setattr(d, "status", DonationStatus.WITHDRAWN),
         "This donation is withdrawn now."),
        (lambda d, n: setattr(n, "status", NeedStatus.CLOSED), "This need is closed now."),
        (lambda d, n: setattr(n, "expires_on", today() - timedelta(days=1)),
         f"This need expired on {(today() - timedelta(days=1)).isoformat()}."),
    ],
)
def test_accepting_says_what_changed_on_the_records(
    db_session: Any, pair: Any, change: Any, message: str
) -> None:
    staff, donation, need = pair
    late = proposal(donation, need, 10)
    change(donation, need)
    db_session.commit()
    with pytest.raises(allocations.QuantityChanged) as refused:
        allocations.accept(db_session, staff, late)
    assert (refused.value.message, refused.value.available) == (message, 0)
    db_session.rollback()
    assert (db_session.get(Donation, donation.id).allocated, need.allocated) == (0, 0)


def test_cancel_returns_the_quantities(db_session: Any, pair: Any) -> None:
    staff, donation, need = pair
    allocation = proposal(donation, need, 60)
    allocations.accept(db_session, staff, allocation)
    allocations.confirm(db_session, _donor_of(donation), allocation)
    allocations.cancel(db_session, staff, allocation, ReasonCode.NO_CONTACT, None)
    db_session.commit()
    assert (donation.allocated, need.allocated) == (0, 0)
    assert allocation.status is AllocationStatus.CANCELLED


def _donor_of(donation: Donation) -> Any:
    from tests.factories import UserFactory

    return UserFactory(organisation=donation.organisation)


def test_only_the_donor_confirms_and_only_coordinators_accept(db_session: Any, pair: Any) -> None:
    staff, donation, need = pair
    allocation = proposal(donation, need, 10)
    with pytest.raises(NotAllowed):
        allocations.accept(db_session, _donor_of(donation), allocation)
    allocations.accept(db_session, staff, allocation)
    with pytest.raises(NotAllowed):
        allocations.confirm(db_session, member(OrgRole.DONOR), allocation)


def test_reject_with_other_needs_text(db_session: Any, pair: Any) -> None:
    staff, donation, need = pair
    allocation = proposal(donation, need, 10)
    with pytest.raises(ServiceError, match="other reason"):
        allocations.reject(db_session, staff, allocation, ReasonCode.OTHER, "  ")
    allocations.reject(db_session, staff, allocation, ReasonCode.QUALITY, "No NMPA registration")
    assert allocation.status is AllocationStatus.REJECTED
    assert donation.allocated == 0


def test_concurrent_accepts_never_over_allocate(app: Flask, db_session: Any) -> None:
    staff = coordinator()
    donation = DonationFactory(quantity=100)
    need = NeedFactory(quantity=1000)
    other_donation = DonationFactory(quantity=1000)
    small_need = NeedFactory(quantity=70)
    # 12 proposals of 10 compete for one donation of 100; 12 of 10 for one need of 70.
    ids = [proposal(donation, need, 10).id for _ in range(12)]
    ids += [proposal(other_donation, small_need, 10).id for _ in range(12)]
    # Read before committing: afterwards a read would open a transaction in this thread,
    # which on SQLite holds the write lock the workers wait for.
    staff_id, user_model = staff.id, type(staff)
    db_session.commit()
    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []

    def worker(allocation_id: int) -> None:
        barrier.wait()
        with app.app_context():  # one request: read, decide, commit
            session = db.session
            try:
                allocation = session.get(Allocation, allocation_id)
                actor = session.get(user_model, staff_id)
                allocations.accept(session, actor, allocation)
                session.commit()
                outcomes.append("accepted")
            except ServiceError:
                session.rollback()
                outcomes.append("refused")
            finally:
                session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db_session.expire_all()
    assert outcomes.count("accepted") == 17
    assert outcomes.count("refused") == 7
    for record, model in (
        (donation, Donation),
        (need, Need),
        (other_donation, Donation),
        (small_need, Need),
    ):
        column = Allocation.donation_id if model is Donation else Allocation.need_id
        held = db_session.scalar(
            select(func.coalesce(func.sum(Allocation.quantity), 0)).where(
                column == record.id, Allocation.status == AllocationStatus.ACCEPTED
            )
        )
        assert db_session.get(model, record.id).allocated == held
    assert db_session.get(Donation, donation.id).allocated == 100
    assert db_session.get(Need, small_need.id).allocated == 70
