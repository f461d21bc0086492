"""Demo-like flows for the map and dashboard tests: Shanghai → Los Angeles, Hangzhou → Rome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from aidregistry.extensions import db
from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    LocationPrecision,
    Mode,
    Need,
    Organisation,
    OrgKind,
    OrgRole,
)
from aidregistry.models.base import today
from aidregistry.models.shipment import Shipment, ShipmentLeg, ShipmentLine, ShipmentStatus
from tests.factories import DonationFactory, NeedFactory, OrganisationFactory

PLACES = {
    "Shanghai": ("CN", 31.2222, 121.4581), "Hangzhou": ("CN", 30.2936, 120.1614),
    "Los Angeles": ("US", 34.0522, -118.2437), "Rome": ("IT", 41.8919, 12.5113),
    "Liège": ("BE", 50.6337, 5.5675), "New York": ("US", 40.7143, -74.006),
}


def org(name: str, city: str, role: OrgRole, kind: OrgKind = OrgKind.MUNICIPAL_GOVERNMENT,
        **fields: Any) -> Organisation:
    """A verified organisation in one of the PLACES."""
    country, lat, lon = PLACES[city]
    return OrganisationFactory(name=name, city=city, country=country, lat=lat, lon=lon, role=role,
                               kind=kind, **fields)


def allocate(donor: Organisation, recipient: Organisation, quantity: int,
             status: AllocationStatus, item: str = "MASK_SURG",
             day: date = date(2020, 3, 13), **need_fields: Any) -> Allocation:
    """A donation from the donor's city, a need at the recipient's city, and an allocation."""
    _, d_lat, d_lon = PLACES[donor.city]
    _, n_lat, n_lon = PLACES[recipient.city]
    standard = {"MASK_SURG": "YY0469"}.get(item)
    donation: Donation = DonationFactory(
        organisation=donor, item_code=item, quantity=quantity, allocated=quantity,
        place=donor.city, place_country=donor.country, lat=d_lat, lon=d_lon,
        available_from=day, standard_code=standard)
    need: Need = NeedFactory(
        organisation=recipient, item_code=item, quantity=quantity * 2, allocated=quantity,
        place=recipient.city, place_country=recipient.country, lat=n_lat, lon=n_lon,
        **need_fields)
    allocation = Allocation(donation=donation, need=need, quantity=quantity, status=status,
                            proposed_by="coordinator")
    db.session.add(allocation)
    db.session.flush()
    return allocation


def ship_via(allocation: Allocation, hub: str, status: ShipmentStatus,
             departs: date = date(2020, 3, 13)) -> Shipment:
    """A two-leg shipment of the whole allocation: air to the hub, then road onwards."""
    donation, need = allocation.donation, allocation.need
    _, hub_lat, hub_lon = PLACES[hub]
    shipment = Shipment(donor_id=donation.organisation_id, recipient_id=need.organisation_id,
                        status=status)
    shipment.lines = [ShipmentLine(allocation=allocation, quantity=allocation.quantity,
                                   status_before=AllocationStatus.CONFIRMED)]
    shipment.legs = [
        ShipmentLeg(sequence=1, mode=Mode.AIR, origin=donation.place, origin_lat=donation.lat,
                    origin_lon=donation.lon, destination=hub, destination_lat=hub_lat,
                    destination_lon=hub_lon, actual_departure=departs),
        ShipmentLeg(sequence=2, mode=Mode.ROAD, origin=hub, origin_lat=hub_lat,
                    origin_lon=hub_lon, destination=need.place, destination_lat=need.lat,
                    destination_lon=need.lon),
    ]
    db.session.add(shipment)
    db.session.flush()
    return shipment


@dataclass
class World:
    """The organisations and allocations of the demo-like world."""

    shanghai: Organisation
    hangzhou: Organisation
    los_angeles: Organisation
    rome: Organisation
    allocations: list[Allocation]


def demo_world() -> World:
    """Shanghai → Los Angeles (delivered, in transit), Hangzhou → Rome (pledged, delivered)."""
    shanghai = org("Shanghai Municipal Government", "Shanghai", OrgRole.DONOR,
                   name_local="上海市人民政府")
    hangzhou = org("Jack Ma Foundation", "Hangzhou", OrgRole.DONOR, OrgKind.FOUNDATION)
    los_angeles = org("City of Los Angeles", "Los Angeles", OrgRole.RECIPIENT,
                      location_precision=LocationPrecision.CITY)
    rome = org("Italian Red Cross", "Rome", OrgRole.RECIPIENT, OrgKind.NGO,
               location_precision=LocationPrecision.REGION)
    allocations = [
        allocate(shanghai, los_angeles, 1_000_000, AllocationStatus.DELIVERED),
        allocate(shanghai, los_angeles, 800_000, AllocationStatus.SHIPPED, day=date(2020, 3, 20)),
        allocate(hangzhou, rome, 500_000, AllocationStatus.DELIVERED, day=date(2020, 3, 10)),
        allocate(hangzhou, rome, 130_000, AllocationStatus.CONFIRMED, item="RESP_KN95",
                 day=date(2020, 4, 2)),
    ]
    ship_via(allocations[2], "Liège", ShipmentStatus.DELIVERED)  # Hangzhou → Liège → Rome
    NeedFactory(organisation=los_angeles, item_code="GOWN_ISO", quantity=50_000, priority=1,
                place="Los Angeles", needed_by=today() + timedelta(days=7))
    return World(shanghai, hangzhou, los_angeles, rome, allocations)
