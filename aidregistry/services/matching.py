"""Running the matcher over the registry: a dry run whose proposals coordinators review.

The domain solver knows nothing of the database; this module turns available
donations and open needs into its inputs, stores the proposals with their
explanations, and compares the totals they would reach with the current state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session, selectinload

from aidregistry.domain import matching as dm
from aidregistry.domain.certification import Equivalence, Standard
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    CertificationEquivalence,
    Donation,
    DonationStatus,
    ItemType,
    MatchRun,
    Need,
    NeedStatus,
    Organisation,
    ReasonCode,
    User,
    VerificationState,
)
from aidregistry.models import Standard as StandardRow
from aidregistry.services.audit import record_event
from aidregistry.services.catalogue import EU_MEMBERS, NOT_STATED_SUFFIX
from aidregistry.services.verification import counted_by_donation

Progress = Callable[[str], None]


# Why a need is left uncovered when its place has no coordinates yet (the solver's own
# reasons are dm.UncoveredReason).
NO_LOCATION = "no_location"


@dataclass(frozen=True)
class Scope:
    """What a run covers: every item, or one item; every country, or one recipient country."""

    item_code: str | None = None
    country: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The scope as stored on the run."""
        return {
            key: value
            for key, value in (("item", self.item_code), ("country", self.country))
            if value
        }


def available_donations() -> tuple[ColumnElement[bool], ...]:
    """Conditions of a donation the matcher may use (join Organisation)."""
    return (
        Organisation.state == VerificationState.VERIFIED,
        Donation.status == DonationStatus.AVAILABLE,
        Donation.quantity > Donation.allocated,
    )


def open_needs(on: date) -> tuple[ColumnElement[bool], ...]:
    """Conditions of a need the matcher may serve on ``on`` (join Organisation)."""
    return (
        Organisation.state == VerificationState.VERIFIED,
        Need.status == NeedStatus.OPEN,
        Need.expires_on >= on,
        Need.quantity > Need.allocated,
    )


def _donation_filter(scope: Scope) -> tuple[ColumnElement[bool], ...]:
    item = (Donation.item_code == scope.item_code,) if scope.item_code else ()
    return (*available_donations(), *item)


def _donations(scope: Scope) -> Select[Any]:
    return select(Donation).join(Organisation).where(*_donation_filter(scope))


def _needs_in(scope: Scope, on: date) -> Select[Any]:
    query = select(Need).join(Organisation).where(*open_needs(on))
    if scope.item_code:
        query = query.where(Need.item_code == scope.item_code)
    if scope.country:
        query = query.where(Organisation.country == scope.country)
    return query


def _needs(scope: Scope, on: date) -> Select[Any]:
    return _needs_in(scope, on).options(
        selectinload(Need.accepted_standards), selectinload(Need.organisation)
    )


# What the solver reads of a donation, for reading many without building ORM objects.
OFFER_COLUMNS = (
    Donation.id,
    Donation.item_code,
    (Donation.quantity - Donation.allocated).label("remaining"),
    Donation.standard_code,
    Donation.lat,
    Donation.lon,
    Donation.available_from,
    Donation.modes,
    Donation.expires_on,
)


def to_offer(donation: Any, certificates: frozenset[str]) -> dm.Offer:
    """A donation as the solver sees it: a Donation, or a row of :data:`OFFER_COLUMNS`, with
    the certificate schemes that stand on the planning date (services/verification.py)."""
    if donation.lat is None or donation.lon is None:
        raise ValueError(f"donation {donation.id} has no coordinates")
    return dm.Offer(
        id=str(donation.id),
        item=donation.item_code,
        quantity=donation.remaining,
        standard=donation.standard_code or donation.item_code + NOT_STATED_SUFFIX,
        certificates=certificates,
        lat=donation.lat,
        lon=donation.lon,
        available_from=donation.available_from,
        modes=_modes(donation.modes),
        expires_on=donation.expires_on,
    )


@lru_cache(maxsize=64)
def _modes(text: str) -> frozenset[dm.Mode]:
    """The modes of a donation's comma-separated ``modes`` (few distinct values)."""
    return frozenset(dm.Mode(m) for m in text.split(",") if m)


def to_need(need: Need, on: date) -> dm.Need:
    """A need as the solver sees it; its jurisdiction is the recipient's country."""
    if need.lat is None or need.lon is None:
        raise ValueError(f"need {need.id} has no coordinates")
    return dm.Need(
        id=str(need.id),
        item=need.item_code,
        quantity=need.remaining(on),
        accepted_standards=frozenset(s.code for s in need.accepted_standards),
        jurisdiction=need.organisation.country,
        priority=need.priority,
        needed_by=need.needed_by,
        lat=need.lat,
        lon=need.lon,
    )


def standards(session: Session) -> dict[str, Standard]:
    """The standards table for the solver."""
    return {
        row.code: Standard(row.code, row.item_code, row.certificate_kinds)
        for row in session.scalars(select(StandardRow))
    }


def equivalences(session: Session) -> list[Equivalence]:
    """The equivalence table, with EU rows applying in each member state."""
    rows: list[Equivalence] = []
    for row in session.scalars(select(CertificationEquivalence)):
        places = sorted(EU_MEMBERS) if row.jurisdiction == "EU" else [row.jurisdiction]
        required = frozenset(k for k in row.required_certificates.split(";") if k)
        rows.extend(
            Equivalence(
                row.requested_code,
                row.offered_code,
                place,
                row.valid_from,
                row.valid_to,
                required,
                row.note,
            )
            for place in places
        )
    return rows


@dataclass
class Inputs:
    """Everything one run needs, read in one go.

    Records whose place has no coordinates yet cannot be routed: they are kept apart in
    ``unplaced_donations`` and ``unplaced_needs`` so that a run reports them instead of
    leaving them out without a word.
    """

    donations: dict[str, Donation]
    needs: dict[str, Need]
    offers: list[dm.Offer]
    requests: list[dm.Need]
    unplaced_donations: list[Donation]
    unplaced_needs: list[Need]


def placed(record: Donation | Need) -> bool:
    """Whether the record's place has coordinates (the matcher cannot route it otherwise)."""
    return record.lat is not None and record.lon is not None


def scope_size(session: Session, scope: Scope, on: date) -> tuple[int, int]:
    """How many donations and needs a run of ``scope`` on ``on`` would read (two counts)."""
    donations = _donations(scope).with_only_columns(func.count(Donation.id))
    needs = _needs_in(scope, on).with_only_columns(func.count(Need.id))
    return int(session.scalar(donations) or 0), int(session.scalar(needs) or 0)


def read_inputs(session: Session, scope: Scope, on: date) -> Inputs:
    """The available donations and open needs in ``scope`` on ``on``."""
    all_donations = list(session.scalars(_donations(scope)))
    all_needs = list(session.scalars(_needs(scope, on)))
    donations = {str(d.id): d for d in all_donations if placed(d)}
    needs = {str(n.id): n for n in all_needs if placed(n)}
    counted = counted_by_donation(session, on, *_donation_filter(scope))
    return Inputs(
        donations,
        needs,
        [to_offer(d, counted.get(d.id, frozenset())) for d in donations.values()],
        [to_need(n, on) for n in needs.values()],
        [d for d in all_donations if not placed(d)],
        [n for n in all_needs if not placed(n)],
    )


def current_coverage(needs: Sequence[Need]) -> dict[int, dict[str, int]]:
    """Per priority: demand (quantity) and what allocations already hold."""
    out: dict[int, dict[str, int]] = {p: {"demand": 0, "covered": 0} for p in (1, 2, 3, 4)}
    for need in needs:
        out[need.priority]["demand"] += need.quantity
        out[need.priority]["covered"] += need.allocated
    return out


def _tonne_km(session: Session, allocations: Sequence[dm.Allocation], inputs: Inputs) -> float:
    masses = {i.code: i.unit_mass_g or 0 for i in session.scalars(select(ItemType))}
    grams_km = sum(
        a.quantity * a.km * masses[inputs.donations[a.offer_id].item_code] for a in allocations
    )
    return round(grams_km / 1_000_000, 1)


def counted(n: int, noun: str) -> str:
    """``n`` with a regular English noun in the right number: "1 donation", "2,500 needs"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def propose(
    session: Session, actor: User | None, scope: Scope, on: date, progress: Progress | None = None
) -> MatchRun:
    """Solve, store the run and its proposals (holding nothing), and supersede older ones."""
    say = progress or (lambda _message: None)
    say("reading donations and needs")
    inputs = read_inputs(session, scope, on)
    offers, needs = counted(len(inputs.offers), "donation"), counted(len(inputs.requests), "need")
    say(f"solving {offers} × {needs}")
    result = dm.solve(
        inputs.offers,
        inputs.requests,
        standards(session),
        equivalences(session),
        dm.Policy(run_date=on),
        workers=1,
    )
    say("storing the proposals")
    _supersede(session, actor)
    run = MatchRun(
        created_by_id=actor.id if actor else None,
        scope=scope.as_dict(),
        run_date=on.isoformat(),
        totals=_totals(session, result, inputs),
        uncovered=[_uncovered(u, inputs) for u in result.uncovered]
        + [_unplaced(n, on) for n in inputs.unplaced_needs],
    )
    session.add(run)
    session.flush()
    for proposal in result.allocations:
        session.add(_allocation(run, actor, proposal, inputs))
    session.flush()
    record_event(
        session,
        actor,
        "match.run",
        run,
        after={"scope": run.scope, "run_date": run.run_date, "proposals": len(result.allocations)},
    )
    return run


def _totals(session: Session, result: dm.MatchResult, inputs: Inputs) -> dict[str, Any]:
    current = current_coverage([*inputs.needs.values(), *inputs.unplaced_needs])
    proposed = result.totals.covered_by_priority
    return {
        "by_priority": {
            str(p): {**current[p], "proposed": int(proposed.get(p, 0))} for p in (1, 2, 3, 4)
        },
        "proposals": len(result.allocations),
        "quantity": sum(a.quantity for a in result.allocations),
        "unit_km": int(result.totals.unit_km),
        "tonne_km": _tonne_km(session, result.allocations, inputs),
        "transport_cost": int(result.totals.transport_cost),
        "weighted_coverage": int(result.totals.weighted_coverage),
        "donations": len(inputs.offers) + len(inputs.unplaced_donations),
        "needs": len(inputs.requests) + len(inputs.unplaced_needs),
        "unplaced_donations": len(inputs.unplaced_donations),
        "solve_seconds": round(result.stats.get("total_s", 0.0), 3),
    }


def _uncovered(item: dm.Uncovered, inputs: Inputs) -> dict[str, Any]:
    return _uncovered_need(inputs.needs[item.need_id], item.quantity, item.reason.value)


def _unplaced(need: Need, on: date) -> dict[str, Any]:
    return _uncovered_need(need, need.remaining(on), NO_LOCATION)


def _uncovered_need(need: Need, quantity: int, reason: str) -> dict[str, Any]:
    return {
        "need_id": need.id,
        "priority": need.priority,
        "quantity": quantity,
        "reason": reason,
        "item": need.item_code,
        "recipient": need.organisation.name,
        "place": need.place,
    }


def _allocation(
    run: MatchRun, actor: User | None, proposal: dm.Allocation, inputs: Inputs
) -> Allocation:
    need = inputs.needs[proposal.need_id]
    return Allocation(
        donation_id=int(proposal.offer_id),
        need_id=int(proposal.need_id),
        quantity=proposal.quantity,
        status=AllocationStatus.PROPOSED,
        proposed_by="matcher",
        match_run=run,
        created_by_id=actor.id if actor else None,
        mode=str(proposal.mode),
        km=proposal.km,
        explanation={**dm_explain(proposal, need), "run": run.id},
    )


def dm_explain(proposal: dm.Allocation, need: Need) -> dict[str, Any]:
    """Why this proposal: the priority it covers, distance, mode, time, substitution."""
    return {
        "priority": need.priority,
        "km": proposal.km,
        "mode": str(proposal.mode),
        "transit_days": proposal.transit_days,
        "unit_cost": proposal.unit_cost,
        "substitution": proposal.substitution,
    }


def _supersede(session: Session, actor: User | None) -> None:
    """Proposals of earlier runs that nobody decided on are withdrawn: one list to review."""
    session.execute(
        update(Allocation)
        .where(Allocation.status == AllocationStatus.PROPOSED, Allocation.proposed_by == "matcher")
        .values(
            status=AllocationStatus.REJECTED,
            reason_code=ReasonCode.OTHER,
            reason_text="superseded by a newer matcher run",
        )
        .execution_options(synchronize_session=False)
    )


def latest_run(session: Session) -> MatchRun | None:
    """The most recent run."""
    return session.scalar(select(MatchRun).order_by(MatchRun.id.desc()).limit(1))


def proposals(session: Session, run: MatchRun) -> list[Allocation]:
    """A run's allocations with their donations and needs, best priority first."""
    query = (
        select(Allocation)
        .where(Allocation.match_run_id == run.id)
        .options(
            selectinload(Allocation.donation).selectinload(Donation.organisation),
            selectinload(Allocation.need).selectinload(Need.organisation),
        )
        .order_by(Allocation.id)
    )
    rows: list[Allocation] = list(session.scalars(query))
    rows.sort(key=lambda a: (a.need.priority, a.need.needed_by, a.id))
    return rows
