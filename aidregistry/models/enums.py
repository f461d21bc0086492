"""Statuses, roles and kinds: closed vocabularies stored as strings."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """What sort of body an organisation is (research/domain.md §3)."""

    NATIONAL_GOVERNMENT = "national_government"
    PROVINCIAL_GOVERNMENT = "provincial_government"
    STATE_GOVERNMENT = "state_government"
    REGIONAL_GOVERNMENT = "regional_government"
    MUNICIPAL_GOVERNMENT = "municipal_government"
    COUNTY_GOVERNMENT = "county_government"
    GOVERNMENT_AGENCY = "government_agency"
    FOREIGN_MISSION = "foreign_mission"
    FOUNDATION = "foundation"
    BUSINESS = "business"
    BUSINESS_ASSOCIATION = "business_association"
    COMMUNITY_GROUP = "community_group"
    INDIVIDUAL = "individual"
    HOSPITAL = "hospital"
    NGO = "ngo"
    INTL_ORG = "intl_org"
    DISTRIBUTOR = "distributor"
    COORDINATION = "coordination"


class OrgRole(StrEnum):
    """Whether an organisation gives, receives or both."""

    DONOR = "donor"
    RECIPIENT = "recipient"
    BOTH = "both"
    COORDINATOR = "coordinator"


class VerificationState(StrEnum):
    """Where an organisation stands with the coordinators."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class LocationPrecision(StrEnum):
    """How precisely an organisation's location may be shown to the public."""

    EXACT = "exact"
    CITY = "city"
    REGION = "region"


class UserRole(StrEnum):
    """A person's role in the registry."""

    MEMBER = "member"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class DonationStatus(StrEnum):
    """An offer lot's state; remaining quantity is quantity minus allocated."""

    AVAILABLE = "available"
    WITHDRAWN = "withdrawn"


class NeedStatus(StrEnum):
    """A need's state; an open need lapses after ``expires_on`` unless reconfirmed."""

    OPEN = "open"
    CLOSED = "closed"


class AllocationStatus(StrEnum):
    """proposed → accepted → confirmed → shipped → delivered; or rejected / cancelled."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# Allocations in these states hold quantity on their donation and need.
HOLDING_STATUSES = frozenset(
    {
        AllocationStatus.ACCEPTED,
        AllocationStatus.CONFIRMED,
        AllocationStatus.SHIPPED,
        AllocationStatus.DELIVERED,
    }
)


class ReasonCode(StrEnum):
    """Why an allocation was rejected or cancelled."""

    NO_SUPPLY = "no_supply"
    NO_NEED = "no_need"
    NO_CONTACT = "no_contact"
    PREFERS_DIFFERENT = "prefers_different"
    QUALITY = "quality"
    OTHER = "other"


class Mode(StrEnum):
    """How goods travel."""

    AIR = "air"
    SEA = "sea"
    ROAD = "road"
    RAIL = "rail"


class Confidence(StrEnum):
    """How well a sourced record is confirmed (demo and imported data)."""

    CONFIRMED = "confirmed"
    PARTIAL = "partial"
    UNCONFIRMED = "unconfirmed"
