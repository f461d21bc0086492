"""``aidregistry geocode`` and ``aidregistry build-gazetteer`` on the test database."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from aidregistry.models import Donation, Need, Organisation, OrgRole
from aidregistry.models.shipment import ShipmentLeg
from tests.factories import DonationFactory, NeedFactory, OrganisationFactory
from tests.flows import allocate, org, ship_via


def unresolved_records(db_session: Any) -> dict[str, Any]:
    """One record of each kind whose place has text but no coordinates."""
    organisation = OrganisationFactory(city="Hartford", country="US", lat=None, lon=None)
    donation = DonationFactory(place="Ningbo", place_country=None, lat=None, lon=None)
    need = NeedFactory(place="Springfield", place_country="US", lat=None, lon=None)
    unknown = NeedFactory(place="Xyzzyville", place_country="US", lat=None, lon=None)
    db_session.commit()
    return {"organisation": organisation, "donation": donation, "need": need, "unknown": unknown}


def test_geocode_resolves_every_unresolved_place_and_lists_the_rest(
    app: Flask, db_session: Any
) -> None:
    records = unresolved_records(db_session)
    result = app.test_cli_runner().invoke(args=["geocode", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "Resolved 3 of 4 places." in result.output
    unknown = records["unknown"]
    assert f"need {unknown.id}: 'Xyzzyville' (no place of this name was found)" in result.output
    assert "Resolving places" in result.stderr  # the progress bar

    db_session.expire_all()
    organisation = db_session.get(Organisation, records["organisation"].id)
    assert (organisation.region, organisation.country) == ("Connecticut", "US")
    assert organisation.lat == pytest.approx(41.76, abs=0.05)
    donation = db_session.get(Donation, records["donation"].id)
    assert (donation.place_region, donation.place_country) == ("Zhejiang", "CN")
    need = db_session.get(Need, records["need"].id)
    assert (need.place_country, need.lat is not None) == ("US", True)
    assert db_session.get(Need, unknown.id).lat is None

    again = app.test_cli_runner().invoke(args=["geocode"])
    assert "Resolved 0 of 1 places." in again.output


def test_geocode_fills_shipment_legs(app: Flask, db_session: Any) -> None:
    from aidregistry.models import AllocationStatus, ShipmentStatus

    donor = org("Hangzhou Municipal Government", "Hangzhou", OrgRole.DONOR)
    recipient = org("Rome Civil Protection", "Rome", OrgRole.RECIPIENT)
    allocation = allocate(donor, recipient, 1000, AllocationStatus.CONFIRMED)
    ship_via(allocation, "Liège", ShipmentStatus.IN_TRANSIT)
    legs = list(db_session.scalars(select(ShipmentLeg)))
    for leg in legs:
        leg.origin_lat = leg.origin_lon = None
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["geocode"])
    assert result.exit_code == 0, result.output
    db_session.expire_all()
    places = {leg.origin: (leg.origin_lat, leg.origin_lon) for leg in legs}
    assert places["Hangzhou"] == pytest.approx((30.29, 120.16), abs=0.05)
    assert places["Liège"] == pytest.approx((50.63, 5.57), abs=0.05)


def test_nothing_to_do(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["geocode"])
    assert result.output.strip() == "Every place is already resolved."


def test_build_gazetteer_reports_the_index(app: Flask, gazetteer_path: Any) -> None:
    result = app.test_cli_runner().invoke(args=["build-gazetteer"])
    assert result.exit_code == 0, result.output
    assert f"Place index ready: {gazetteer_path}" in result.output
    assert "places of 1,000+ inhabitants" in result.output
