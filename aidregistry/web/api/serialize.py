"""Records as API bodies: public fields only."""

from __future__ import annotations

from aidregistry.models import (
    Allocation,
    Certificate,
    Donation,
    LocationPrecision,
    Need,
    Organisation,
)
from aidregistry.models.base import today
from aidregistry.web.api.schemas import (
    AllocationOut,
    CertificateOut,
    DonationOut,
    NeedOut,
    OrganisationOut,
)


def organisation_out(org: Organisation) -> OrganisationOut:
    """Public fields; coordinates are withheld when the organisation shows only its region."""
    hidden = org.location_precision is LocationPrecision.REGION
    return OrganisationOut(
        id=org.id, name=org.name, name_local=org.name_local, kind=org.kind, role=org.role,
        country=org.country, region=org.region, city=org.city,
        lat=None if hidden else org.lat, lon=None if hidden else org.lon, website=org.website)


def donation_out(donation: Donation) -> DonationOut:
    """A donation with its remaining quantity and its certificates' states."""
    return DonationOut(
        id=donation.id, organisation_id=donation.organisation_id, item_code=donation.item_code,
        base_unit=donation.item.base_unit, quantity=donation.quantity,
        allocated=donation.allocated, remaining=donation.remaining,
        pack_size=donation.pack_size, pack_label=donation.pack_label,
        standard_code=donation.standard_code,
        certificates=[certificate_out(c) for c in donation.certificates],
        manufacturer=donation.manufacturer, manufacturer_id=donation.manufacturer_id,
        available_from=donation.available_from,
        expires_on=donation.expires_on, modes=sorted(donation.mode_set), place=donation.place,
        place_country=donation.place_country, lat=donation.lat, lon=donation.lon,
        status=donation.status, version=donation.version, created_at=donation.created_at,
        updated_at=donation.updated_at)


def certificate_out(certificate: Certificate) -> CertificateOut:
    """A certificate with its verification state."""
    return CertificateOut(
        scheme=certificate.scheme, number=certificate.number or certificate.declared_text,
        notified_body=certificate.notified_body, issuer=certificate.issuer,
        holder_id=certificate.holder_id, tested_standard=certificate.tested_standard,
        valid_from=certificate.valid_from, valid_until=certificate.valid_until,
        verification=certificate.verification, listed_from=certificate.listed_from,
        listed_until=certificate.listed_until)


def need_out(need: Need) -> NeedOut:
    """A need with what remains of it today."""
    on = today()
    return NeedOut(
        id=need.id, organisation_id=need.organisation_id, item_code=need.item_code,
        base_unit=need.item.base_unit, quantity=need.quantity, allocated=need.allocated,
        remaining=need.remaining(on), pack_size=need.pack_size, pack_label=need.pack_label,
        priority=need.priority, needed_by=need.needed_by, expires_on=need.expires_on,
        accepted_standards=sorted(s.code for s in need.accepted_standards), place=need.place,
        place_country=need.place_country, lat=need.lat, lon=need.lon, status=need.status,
        lapsed=need.is_lapsed(on), version=need.version, created_at=need.created_at,
        updated_at=need.updated_at)


def allocation_out(allocation: Allocation) -> AllocationOut:
    """An allocation's public fields (not the matcher's explanation)."""
    return AllocationOut(
        id=allocation.id, donation_id=allocation.donation_id, need_id=allocation.need_id,
        quantity=allocation.quantity, status=allocation.status, mode=allocation.mode,
        km=allocation.km, created_at=allocation.created_at, decided_at=allocation.decided_at)
