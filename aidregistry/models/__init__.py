"""SQLAlchemy 2 typed models; importing this package registers every table."""

from aidregistry.domain.evidence.numbers import Scheme as CertificateScheme
from aidregistry.domain.evidence.states import CertificateState
from aidregistry.models.account_link import AccountLink, LinkKind
from aidregistry.models.allocation import Allocation, MatchRun
from aidregistry.models.api_token import ApiScope, ApiToken
from aidregistry.models.attachments import Attachment, AttachmentKind
from aidregistry.models.audit import AppendOnlyError, AuditEvent
from aidregistry.models.base import Base
from aidregistry.models.catalogue import CertificationEquivalence, ItemType, Standard
from aidregistry.models.enums import (
    AllocationStatus,
    Confidence,
    DonationStatus,
    LocationPrecision,
    Mode,
    NeedStatus,
    OrgKind,
    OrgRole,
    ReasonCode,
    UserRole,
    VerificationState,
)
from aidregistry.models.evidence import Certificate, Manufacturer
from aidregistry.models.geocode import GeocodeCacheEntry
from aidregistry.models.listings import AuthorisationList, ListingEntry
from aidregistry.models.organisation import Organisation, OrganisationIdentifier
from aidregistry.models.records import MAX_QUANTITY, Donation, Need, need_standard
from aidregistry.models.shipment import (
    CustomsState,
    Receipt,
    ReceiptDecision,
    ReceivedCondition,
    Shipment,
    ShipmentEvent,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
)
from aidregistry.models.user import RecoveryCode, User

__all__ = [
    "MAX_QUANTITY",
    "AccountLink",
    "Allocation",
    "AllocationStatus",
    "ApiScope",
    "ApiToken",
    "AppendOnlyError",
    "Attachment",
    "AttachmentKind",
    "AuditEvent",
    "AuthorisationList",
    "Base",
    "Certificate",
    "CertificateScheme",
    "CertificateState",
    "CertificationEquivalence",
    "Confidence",
    "CustomsState",
    "Donation",
    "DonationStatus",
    "GeocodeCacheEntry",
    "ItemType",
    "LinkKind",
    "ListingEntry",
    "LocationPrecision",
    "Manufacturer",
    "MatchRun",
    "Mode",
    "Need",
    "NeedStatus",
    "OrgKind",
    "OrgRole",
    "Organisation",
    "OrganisationIdentifier",
    "ReasonCode",
    "Receipt",
    "ReceiptDecision",
    "ReceivedCondition",
    "RecoveryCode",
    "Shipment",
    "ShipmentEvent",
    "ShipmentLeg",
    "ShipmentLine",
    "ShipmentStatus",
    "Standard",
    "User",
    "UserRole",
    "VerificationState",
    "need_standard",
]
