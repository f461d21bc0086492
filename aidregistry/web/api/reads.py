"""Public reads: organisations, donations, needs, allocations and statistics."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, selectinload

from aidregistry.extensions import db
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    DonationStatus,
    ItemType,
    Need,
    NeedStatus,
    Organisation,
    OrgKind,
    OrgRole,
    VerificationState,
)
from aidregistry.models.enums import HOLDING_STATUSES
from aidregistry.web.api import schemas as s
from aidregistry.web.api.paging import CURSOR, LIMIT, choice_arg, date_arg, int_arg, page, text_arg
from aidregistry.web.api.problems import not_found
from aidregistry.web.api.serialize import allocation_out, donation_out, need_out, organisation_out
from aidregistry.web.api.spec import Param, operation

VERIFIED = Organisation.state == VerificationState.VERIFIED
ID_MAX = 2**31 - 1
ITEM = Param("item", {"type": "string", "maxLength": 32}, "item code, e.g. MASK_SURG")
COUNTRY = Param("country", {"type": "string", "pattern": "^[A-Z]{2}$"},
                "ISO 3166-1 alpha-2 of the organisation")
ORG = Param("organisation_id", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
            "only this organisation's records")


def _country() -> str | None:
    value = text_arg("country", 2)
    if value is not None and not (len(value) == 2 and value.isascii() and value.isupper()):
        from aidregistry.web.api.paging import bad_parameter

        raise bad_parameter("country", _("Give a two-letter country code such as CN."))
    return value


def _common(query: Select[Any], model: Any) -> Select[Any]:
    item, country = text_arg("item", 32), _country()
    organisation_id = int_arg("organisation_id", 1, ID_MAX)
    if item:
        query = query.where(model.item_code == item)
    if country:
        query = query.where(Organisation.country == country)
    if organisation_id:
        query = query.where(model.organisation_id == organisation_id)
    return query


@operation("GET", "/organisations", summary="Verified organisations", tag="organisations",
           response=s.OrganisationPage, errors=(400,),
           params=(Param("role", {"type": "string", "enum": [r.value for r in OrgRole]}, "role"),
                   Param("kind", {"type": "string", "enum": [k.value for k in OrgKind]}, "kind"),
                   COUNTRY, LIMIT, CURSOR))
def list_organisations() -> s.OrganisationPage:
    """Verified organisations, newest first; never their contact details."""
    query = select(Organisation).where(VERIFIED)
    role, kind, country = choice_arg("role", list(OrgRole)), choice_arg("kind", list(OrgKind)), \
        _country()
    if role:
        query = query.where(Organisation.role == role)
    if kind:
        query = query.where(Organisation.kind == kind)
    if country:
        query = query.where(Organisation.country == country)
    rows, cursor = page(query, Organisation.id, Organisation.id, int)
    return s.OrganisationPage(data=[organisation_out(o) for o in rows], next_cursor=cursor)


@operation("GET", "/organisations/<int:org_id>", summary="One verified organisation",
           tag="organisations", response=s.OrganisationOut, errors=(404,))
def get_organisation(org_id: int) -> s.OrganisationOut:
    """One organisation's public fields."""
    org = db.session.get(Organisation, org_id)
    if org is None or org.state is not VerificationState.VERIFIED:
        raise not_found()
    return organisation_out(org)


@operation("GET", "/donations", summary="Donations of verified organisations", tag="donations",
           response=s.DonationPage, errors=(400,),
           params=(ITEM, COUNTRY, ORG,
                   Param("status", {"type": "string", "enum": list(DonationStatus)}, "status"),
                   Param("from", {"type": "string", "format": "date"}, "available from, at least"),
                   Param("to", {"type": "string", "format": "date"}, "available from, at most"),
                   LIMIT, CURSOR))
def list_donations() -> s.DonationPage:
    """Donations, latest available-from date first."""
    query = _common(select(Donation).options(selectinload(Donation.item),
                                             selectinload(Donation.certificates))
                    .join(Organisation).where(VERIFIED), Donation)
    status, start, end = choice_arg("status", list(DonationStatus)), date_arg("from"), \
        date_arg("to")
    if status:
        query = query.where(Donation.status == status)
    if start:
        query = query.where(Donation.available_from >= start)
    if end:
        query = query.where(Donation.available_from <= end)
    rows, cursor = page(query, Donation.available_from, Donation.id, date)
    return s.DonationPage(data=[donation_out(d) for d in rows], next_cursor=cursor)


@operation("GET", "/donations/<int:donation_id>", summary="One donation", tag="donations",
           response=s.DonationOut, errors=(404,))
def get_donation(donation_id: int) -> s.DonationOut:
    """One public donation."""
    donation = db.session.get(Donation, donation_id)
    if donation is None or donation.organisation.state is not VerificationState.VERIFIED:
        raise not_found()
    return donation_out(donation)


@operation("GET", "/needs", summary="Needs of verified organisations", tag="needs",
           response=s.NeedPage, errors=(400,),
           params=(ITEM, COUNTRY, ORG,
                   Param("status", {"type": "string", "enum": list(NeedStatus)}, "status"),
                   Param("priority", {"type": "integer", "minimum": 1, "maximum": 4}, "priority"),
                   LIMIT, CURSOR))
def list_needs() -> s.NeedPage:
    """Needs, soonest needed-by date first."""
    # The standards of all rows in one query, not one per row.
    query = _common(select(Need).options(selectinload(Need.accepted_standards),
                                        selectinload(Need.item))
                    .join(Organisation).where(VERIFIED), Need)
    status, priority = choice_arg("status", list(NeedStatus)), int_arg("priority", 1, 4)
    if status:
        query = query.where(Need.status == status)
    if priority:
        query = query.where(Need.priority == priority)
    rows, cursor = page(query, Need.needed_by, Need.id, date, descending=False)
    return s.NeedPage(data=[need_out(n) for n in rows], next_cursor=cursor)


@operation("GET", "/needs/<int:need_id>", summary="One need", tag="needs", response=s.NeedOut,
           errors=(404,))
def get_need(need_id: int) -> s.NeedOut:
    """One public need."""
    need = db.session.get(Need, need_id)
    if need is None or need.organisation.state is not VerificationState.VERIFIED:
        raise not_found()
    return need_out(need)


def public_allocations() -> Select[Any]:
    """Allocations that hold goods, between verified organisations."""
    donor, recipient = aliased(Organisation), aliased(Organisation)
    return (select(Allocation).join(Donation, Allocation.donation_id == Donation.id)
            .join(donor, Donation.organisation_id == donor.id)
            .join(Need, Allocation.need_id == Need.id)
            .join(recipient, Need.organisation_id == recipient.id)
            .where(Allocation.status.in_(HOLDING_STATUSES),
                   donor.state == VerificationState.VERIFIED,
                   recipient.state == VerificationState.VERIFIED))


@operation("GET", "/allocations", summary="Accepted and later allocations", tag="allocations",
           response=s.AllocationPage, errors=(400,),
           params=(Param("status", {"type": "string",
                                    "enum": sorted(a.value for a in HOLDING_STATUSES)}, "status"),
                   Param("donation_id", ORG.schema, "of this donation"),
                   Param("need_id", ORG.schema, "for this need"), LIMIT, CURSOR))
def list_allocations() -> s.AllocationPage:
    """Allocations, newest first (proposals are the coordinators' working data)."""
    query = public_allocations()
    status = choice_arg("status", sorted(a.value for a in HOLDING_STATUSES))
    donation_id, need_id = int_arg("donation_id", 1, ID_MAX), int_arg("need_id", 1, ID_MAX)
    if status:
        query = query.where(Allocation.status == AllocationStatus(status))
    if donation_id:
        query = query.where(Allocation.donation_id == donation_id)
    if need_id:
        query = query.where(Allocation.need_id == need_id)
    rows, cursor = page(query, Allocation.id, Allocation.id, int)
    return s.AllocationPage(data=[allocation_out(a) for a in rows], next_cursor=cursor)


def _sums(model: Any, column: Any) -> dict[str, int]:
    query = (select(model.item_code, func.coalesce(func.sum(column), 0)).join(Organisation)
             .where(VERIFIED).group_by(model.item_code))
    return {code: int(total) for code, total in db.session.execute(query)}


def _delivered() -> dict[str, int]:
    sub = public_allocations().where(Allocation.status == AllocationStatus.DELIVERED).subquery()
    query = (select(Donation.item_code, func.coalesce(func.sum(sub.c.quantity), 0))
             .join(sub, sub.c.donation_id == Donation.id).group_by(Donation.item_code))
    return {code: int(total) for code, total in db.session.execute(query)}


def _count(query: Select[Any]) -> int:
    return int(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0)


@operation("GET", "/statistics", summary="Registry totals", tag="statistics",
           response=s.Statistics)
def statistics() -> s.Statistics:
    """Counts of public records and per-item totals in base units."""
    donated, needed = _sums(Donation, Donation.quantity), _sums(Need, Need.quantity)
    allocated, delivered = _sums(Donation, Donation.allocated), _delivered()
    units = dict(db.session.execute(select(ItemType.code, ItemType.base_unit)).all())
    items = [s.ItemTotal(item_code=code, base_unit=units[code], donated=donated.get(code, 0),
                         needed=needed.get(code, 0), allocated=allocated.get(code, 0),
                         delivered=delivered.get(code, 0))
             for code in sorted(set(donated) | set(needed))]
    return s.Statistics(
        organisations=_count(select(Organisation.id).where(VERIFIED)),
        donations=_count(select(Donation.id).join(Organisation).where(VERIFIED)),
        needs=_count(select(Need.id).join(Organisation).where(VERIFIED)),
        allocations=_count(public_allocations()), items=items)


