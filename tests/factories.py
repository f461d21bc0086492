"""factory_boy factories for the registry's records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from flask import current_app

from aidregistry.extensions import db
from aidregistry.models import (
    Certificate,
    CertificateScheme,
    CertificateState,
    Donation,
    Need,
    Organisation,
    OrgKind,
    OrgRole,
    Standard,
    User,
    UserRole,
    VerificationState,
)
from aidregistry.models.base import today, utcnow
from tests.conftest import TEST_PASSWORD, TEST_TOTP_SECRET


class Base(SQLAlchemyModelFactory):
    """Flush (never commit) into the app's session."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - factory_boy wants a callable
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrgKind.MUNICIPAL_GOVERNMENT
    role = OrgRole.DONOR
    country = "CN"
    city = "Shanghai"
    lat = 31.2222
    lon = 121.4581
    state = VerificationState.VERIFIED
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.org")
    contact_phone = "+86 21 0000 0000"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    role = UserRole.MEMBER
    password_hash = factory.LazyFunction(
        lambda: current_app.extensions["aidregistry.hasher"].hash(TEST_PASSWORD)
    )


class DonationFactory(Base):
    class Meta:
        model = Donation

    organisation = factory.SubFactory(OrganisationFactory)
    item_code = "MASK_SURG"
    quantity = 20000
    allocated = 0
    standard_code = "YY0469"
    place = "Shanghai"
    place_country = "CN"
    lat = 31.2222
    lon = 121.4581
    available_from = factory.LazyFunction(date.today)
    modes = "air"

    @factory.post_generation
    def certificates(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Certificates as (scheme, number) or (scheme, number, notified body) tuples, or
        Certificate records; by default one NMPA registration, declared."""
        specs = [("NMPA", "国械注准20203140000")] if extracted is None else extracted
        for spec in specs:
            if isinstance(spec, Certificate):
                self.certificates.append(spec)
                continue
            scheme, number, *body = spec
            self.certificates.append(Certificate(
                scheme=CertificateScheme(scheme), number=number, declared_text=number,
                notified_body=body[0] if body else None,
                verification=kwargs.get("state", CertificateState.DECLARED)))
        if create:
            db.session.flush()


class NeedFactory(Base):
    class Meta:
        model = Need

    organisation = factory.SubFactory(
        OrganisationFactory,
        role=OrgRole.RECIPIENT,
        country="US",
        city="Los Angeles",
        lat=34.0522,
        lon=-118.2437,
        kind=OrgKind.MUNICIPAL_GOVERNMENT,
    )
    item_code = "MASK_SURG"
    quantity = 20000
    allocated = 0
    priority = 2
    needed_by = factory.LazyFunction(lambda: today() + timedelta(days=14))
    expires_on = factory.LazyFunction(lambda: today() + timedelta(days=30))
    place = "Los Angeles"
    place_country = "US"
    lat = 34.0522
    lon = -118.2437

    @factory.post_generation
    def accepted(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        codes = extracted or ["ASTM-F2100", "YY0469"]
        self.accepted_standards = [db.session.get(Standard, code) for code in codes]


def member(
    role: OrgRole = OrgRole.DONOR, state: VerificationState = VerificationState.VERIFIED, **org: Any
) -> User:
    """A user of a new organisation with the given role and state."""
    organisation = OrganisationFactory(role=role, state=state, **org)
    return UserFactory(organisation=organisation)


def coordinator() -> User:
    """A coordinator of the coordination organisation, with the second factor set up (its
    app's key is TEST_TOTP_SECRET; ``sign_in`` types the codes)."""
    org = OrganisationFactory(
        name="AidRegistry coordination",
        kind=OrgKind.COORDINATION,
        role=OrgRole.COORDINATOR,
        country="XX",
        city="Coordination",
    )
    return UserFactory(organisation=org, role=UserRole.COORDINATOR,
                       totp_secret=TEST_TOTP_SECRET, totp_enabled_at=utcnow())
