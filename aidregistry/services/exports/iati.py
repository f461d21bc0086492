"""IATI 2.03 activity XML of in-kind flows, for organisations with an org-id identifier.

Each donation is an activity reported by its donor: transaction type 12 (outgoing pledge)
for the lot, 2 (outgoing commitment) per accepted or confirmed allocation, and 3
(disbursement) per shipped or delivered one (research/domain.md §6.2). IATI transactions
carry money; the registry holds quantities, not values, so each value is 0 with the
quantity in the description, and the activity says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    DonationStatus,
    Organisation,
    OrganisationIdentifier,
    VerificationState,
)
from aidregistry.services.exports.datasets import records

GLIDE_COVID = "EP-2020-000012-001"
COMMITTED = (AllocationStatus.ACCEPTED, AllocationStatus.CONFIRMED)
DISBURSED = (AllocationStatus.SHIPPED, AllocationStatus.DELIVERED)


def org_ref(org: Organisation) -> str | None:
    """The org-id.guide reference (scheme-value) of an organisation, if it has one."""
    if not org.identifiers:
        return None
    first = org.identifiers[0]
    return f"{first.scheme}-{first.value}"


def _org(parent: ET.Element, tag: str, org: Organisation, **attrs: str) -> None:
    ref = org_ref(org)
    element = ET.SubElement(parent, tag, {**({"ref": ref} if ref else {}), **attrs})
    ET.SubElement(element, "narrative").text = org.name


def _transaction(activity: ET.Element, code: str, date: str, quantity: int, unit: str,
                 donor: Organisation, receiver: Organisation | None) -> None:
    tx = ET.SubElement(activity, "transaction")
    ET.SubElement(tx, "transaction-type", code=code)
    ET.SubElement(tx, "transaction-date", {"iso-date": date})
    value = ET.SubElement(tx, "value", {"currency": "USD", "value-date": date})
    value.text = "0"
    ET.SubElement(ET.SubElement(tx, "description"), "narrative").text = \
        f"In kind: {quantity} {unit}"
    _org(tx, "provider-org", donor)
    if receiver is not None:
        _org(tx, "receiver-org", receiver)


def _status(donation: Donation, allocations: list[Allocation]) -> str:
    if donation.status is DonationStatus.WITHDRAWN:
        return "5"
    if allocations and all(a.status is AllocationStatus.DELIVERED for a in allocations):
        return "3"
    return "2" if allocations else "1"


def _activity(donation: Donation, allocations: list[Allocation]) -> ET.Element:
    donor, item = donation.organisation, donation.item
    ref = org_ref(donor)
    activity = ET.Element("iati-activity", {"humanitarian": "1", "default-currency": "USD",
                                            "last-updated-datetime":
                                                donation.updated_at.isoformat(timespec="seconds")})
    ET.SubElement(activity, "iati-identifier").text = f"{ref}-AIDREG-D{donation.id}"
    _org(activity, "reporting-org", donor, type="80")
    ET.SubElement(ET.SubElement(activity, "title"), "narrative").text = \
        f"COVID-19 in-kind donation: {item.name_en}"
    ET.SubElement(ET.SubElement(activity, "description"), "narrative").text = (
        f"{donation.quantity} {item.base_unit} of {item.name_en} from {donation.place}. "
        "Values are not recorded in AidRegistry; transaction values are 0.")
    _org(activity, "participating-org", donor, role="1")
    for receiver in {a.need.organisation.id: a.need.organisation for a in allocations}.values():
        _org(activity, "participating-org", receiver, role="4")
    ET.SubElement(activity, "activity-status", code=_status(donation, allocations))
    ET.SubElement(activity, "activity-date", {"type": "2",
                                              "iso-date": donation.available_from.isoformat()})
    if donation.place_country:
        ET.SubElement(activity, "recipient-country", code=donation.place_country)
    ET.SubElement(activity, "humanitarian-scope", type="1", vocabulary="1-2", code=GLIDE_COVID)
    ET.SubElement(activity, "tag", vocabulary="99", code="COVID-19")
    _transaction(activity, "12", donation.created_at.date().isoformat(), donation.quantity,
                 item.base_unit, donor, None)
    for allocation in allocations:
        date = (allocation.decided_at or allocation.updated_at).date().isoformat()
        code = "3" if allocation.status in DISBURSED else "2"
        _transaction(activity, code, date, allocation.quantity, item.base_unit, donor,
                     allocation.need.organisation)
    return activity


def _publishing_donations(session: Session) -> Any:
    publishers = select(OrganisationIdentifier.organisation_id)
    return (select(Donation).join(Organisation)
            .where(Organisation.state == VerificationState.VERIFIED,
                   Organisation.id.in_(publishers))
            .order_by(Donation.id))


def iati_chunks(session: Session, generated: str) -> Iterator[str]:
    """The iati-activities document, activity by activity."""
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<iati-activities version="2.03" generated-datetime="{generated}">\n')
    for donation in records(session, _publishing_donations(session)):
        allocations = list(session.scalars(
            select(Allocation).where(Allocation.donation_id == donation.id,
                                     Allocation.status.in_(COMMITTED + DISBURSED))
            .order_by(Allocation.id)))
        yield ET.tostring(_activity(donation, allocations), encoding="unicode") + "\n"
    yield "</iati-activities>\n"
