"""The matcher's suggestions for one record: the donations that could serve a need and the
needs a donation could serve, ranked by the matcher's own transport cost.

Only records that could be compatible are read from the database — donations of a standard
the need accepts or that a substitution offers for one; needs that accept the donation's
standard or one it substitutes for — and as rows, not objects; the suggestion index of
:mod:`aidregistry.domain.matching.suggest` then applies the full rule (certificates, dates,
modes, jurisdictions) to them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from aidregistry.domain import matching as dm
from aidregistry.models import (
    Certificate,
    CertificationEquivalence,
    Donation,
    Need,
    Organisation,
    need_standard,
)
from aidregistry.services import matching
from aidregistry.services.catalogue import NOT_STATED_SUFFIX
from aidregistry.services.verification import (
    CERTIFICATE_COLUMNS,
    counted_schemes_of,
    with_counted_schemes,
)


@dataclass(frozen=True)
class Suggested:
    """A donation or need the matcher would pair with a given record, and how the goods
    would travel between them."""

    record: Any  # a Donation for a need, a Need for a donation
    km: int
    mode: str
    days: int


def _suggestion_index(
    session: Session, offers: list[dm.Offer], needs: list[dm.Need], on: date
) -> dm.SuggestionIndex:
    return dm.SuggestionIndex(
        offers,
        needs,
        matching.standards(session),
        matching.equivalences(session),
        dm.Policy(run_date=on),
    )


def _suggested(session: Session, model: Any, ranked: list[dm.Suggestion]) -> list[Suggested]:
    """The ranked records as the models the pages show."""
    wanted = [int(s.id) for s in ranked]
    query = (
        select(model)
        .where(model.id.in_(wanted))
        .options(selectinload(model.organisation), selectinload(model.item))
    )
    records = {r.id: r for r in session.scalars(query)}
    return [Suggested(records[int(s.id)], s.km, str(s.mode), s.transit_days) for s in ranked]


def _placed_columns(model: Any) -> tuple[ColumnElement[bool], ...]:
    return (model.lat.is_not(None), model.lon.is_not(None))


def _of_standards(codes: set[str]) -> ColumnElement[bool]:
    """Donations of one of these standards ("-NS" codes: of that item, standard not stated)."""
    unstated = [c.removesuffix(NOT_STATED_SUFFIX) for c in codes if c.endswith(NOT_STATED_SUFFIX)]
    return or_(
        Donation.standard_code.in_(codes),
        and_(Donation.standard_code.is_(None), Donation.item_code.in_(unstated)),
    )


def suggest_donations(session: Session, need: Need, on: date, k: int = 10) -> list[Suggested]:
    """The ``k`` available donations that could serve ``need`` at the lowest transport cost
    (feasible ones only: compatible, in time, before expiry).

    Only donations of a standard the need accepts, or that a substitution offers for one, are
    read (as rows, not objects); the index then applies the full rule to them.
    """
    if not matching.placed(need) or need.remaining(on) <= 0:
        return []
    accepted = {s.code for s in need.accepted_standards}
    rule = CertificationEquivalence
    codes = accepted | set(
        session.scalars(select(rule.offered_code).where(rule.requested_code.in_(accepted)))
    )
    rows = session.execute(
        select(*matching.OFFER_COLUMNS, *CERTIFICATE_COLUMNS)
        .join(Organisation)
        .outerjoin(Certificate, Certificate.donation_id == Donation.id)
        .where(*matching.available_donations(), *_placed_columns(Donation), _of_standards(codes))
    )
    offers = [matching.to_offer(r, schemes) for r, schemes in with_counted_schemes(rows, on)]
    index = _suggestion_index(session, offers, [], on)
    return _suggested(session, Donation, index.best_offers(matching.to_need(need, on), k))


def suggest_needs(session: Session, donation: Donation, on: date, k: int = 10) -> list[Suggested]:
    """The ``k`` open needs that ``donation`` could serve at the lowest transport cost.

    Only needs that accept the donation's standard, or one it substitutes for, are read.
    """
    if not matching.placed(donation) or donation.remaining <= 0:
        return []
    offer = matching.to_offer(donation, counted_schemes_of(donation, on))
    rule = CertificationEquivalence
    codes = {offer.standard} | set(
        session.scalars(select(rule.requested_code).where(rule.offered_code == offer.standard))
    )
    candidates = (
        select(Need.id)
        .join(Organisation)
        .where(*matching.open_needs(on), *_placed_columns(Need))
        .where(
            Need.id.in_(
                select(need_standard.c.need_id).where(need_standard.c.standard_code.in_(codes))
            )
        )
    )
    index = _suggestion_index(session, [], _need_rows(session, candidates), on)
    return _suggested(session, Need, index.best_needs(offer, k))


def _need_rows(session: Session, ids: Select[Any]) -> list[dm.Need]:
    """The needs of ``ids`` as the solver sees them, read as rows."""
    accepted: dict[int, set[str]] = defaultdict(set)
    links = select(need_standard.c.need_id, need_standard.c.standard_code)
    for need_id, code in session.execute(links.where(need_standard.c.need_id.in_(ids))):
        accepted[need_id].add(code)
    rows = session.execute(
        select(
            Need.id,
            Need.item_code,
            (Need.quantity - Need.allocated).label("remaining"),
            Organisation.country,
            Need.priority,
            Need.needed_by,
            Need.lat,
            Need.lon,
        )
        .join_from(Need, Organisation)
        .where(Need.id.in_(ids))
    )
    return [
        dm.Need(
            str(r.id),
            r.item_code,
            r.remaining,
            frozenset(accepted[r.id]),
            r.country,
            r.priority,
            r.needed_by,
            r.lat,
            r.lon,
        )
        for r in rows
    ]
