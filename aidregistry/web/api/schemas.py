"""The API's request and response bodies, as pydantic models.

These models validate requests (strict: no numbers as strings, no booleans as numbers,
no unknown fields) and are also where the OpenAPI description's schemas come from, so
the description cannot drift from what the code accepts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from aidregistry.models import (
    MAX_QUANTITY,
    AllocationStatus,
    CertificateScheme,
    CertificateState,
    DonationStatus,
    Mode,
    NeedStatus,
    OrgKind,
    OrgRole,
)

Text = Annotated[str, StringConstraints(max_length=2000)]
Short = Annotated[str, StringConstraints(max_length=100)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Count = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class StrictInput(BaseModel):
    """Base of request bodies: strict types, unknown fields refused, finite numbers only."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class QuantityFields(StrictInput):
    """A count of base units, or of packs of ``pack_size`` units."""

    quantity: Count
    unit: Literal["units", "packs"] = "units"
    pack_size: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    pack_label: Annotated[str, StringConstraints(max_length=32)] | None = None


class PlaceFields(StrictInput):
    """A place name; coordinates, when given, are used instead of looking the name up."""

    place: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    lat: Latitude | None = None
    lon: Longitude | None = None


class CertificateWrite(StrictInput):
    """One certificate of the lot: the number as printed (a CE certificate with its notified
    body; a test report with the standard it tests against and the laboratory)."""

    scheme: CertificateScheme
    number: Short
    notified_body: Annotated[str, StringConstraints(max_length=16)] | None = None
    issuer: Annotated[str, StringConstraints(max_length=300)] | None = None
    tested_standard: Short | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class DonationWrite(QuantityFields, PlaceFields):
    """A donation as a donor records or replaces it."""

    item_code: Code
    standard_code: Code | None = None
    available_from: date
    expires_on: date | None = None
    modes: Annotated[list[Mode], Field(min_length=1, max_length=4)]
    certificates: Annotated[list[CertificateWrite], Field(max_length=12)] = Field(
        default_factory=list, description="the lot's certificates; a save replaces them all")
    manufacturer: Annotated[str, StringConstraints(max_length=200)] | None = None
    lot: Short | None = None
    notes: Text | None = None
    version: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="the version you read; a later save answers 409")


class NeedWrite(QuantityFields, PlaceFields):
    """A need as a recipient posts or replaces it."""

    item_code: Code
    accepted_standards: Annotated[list[Code], Field(min_length=1, max_length=20)]
    priority: Annotated[int, Field(ge=1, le=4)]
    needed_by: date
    expires_on: date | None = None
    notes: Text | None = None
    version: Annotated[int, Field(ge=1)] | None = None


class WithdrawWrite(StrictInput):
    """Why a donation is withdrawn."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    version: Annotated[int, Field(ge=1)] | None = None


class VersionWrite(StrictInput):
    """The version read, for actions without other input."""

    version: Annotated[int, Field(ge=1)] | None = None


class OrganisationOut(BaseModel):
    """An organisation's public fields (never its contacts)."""

    id: int
    name: str
    name_local: str | None
    kind: OrgKind
    role: OrgRole
    country: str
    region: str | None
    city: str
    lat: float | None
    lon: float | None
    website: str | None


class CertificateOut(BaseModel):
    """A certificate of a lot and where it stands (``invalid``: declared, not valid — the
    number is then given as it was typed)."""

    scheme: CertificateScheme
    number: str
    notified_body: str | None
    issuer: str | None
    holder_id: int | None
    tested_standard: str | None
    valid_from: date | None
    valid_until: date | None
    verification: CertificateState
    listed_from: date | None = Field(description="on its authorisation list since (when known)")
    listed_until: date | None = Field(description="first day off its list, when removed")


class DonationOut(BaseModel):
    """A public donation (offer lot); quantities in the item's base unit."""

    id: int
    organisation_id: int
    item_code: str
    base_unit: str
    quantity: int
    allocated: int
    remaining: int
    pack_size: int | None
    pack_label: str | None
    standard_code: str | None
    certificates: list[CertificateOut]
    manufacturer: str | None
    manufacturer_id: int | None
    available_from: date
    expires_on: date | None
    modes: list[str]
    place: str
    place_country: str | None
    lat: float | None
    lon: float | None
    status: DonationStatus
    version: int
    created_at: datetime
    updated_at: datetime


class NeedOut(BaseModel):
    """A public need; ``remaining`` is zero once closed or lapsed."""

    id: int
    organisation_id: int
    item_code: str
    base_unit: str
    quantity: int
    allocated: int
    remaining: int
    pack_size: int | None
    pack_label: str | None
    priority: int
    needed_by: date
    expires_on: date
    accepted_standards: list[str]
    place: str
    place_country: str | None
    lat: float | None
    lon: float | None
    status: NeedStatus
    lapsed: bool
    version: int
    created_at: datetime
    updated_at: datetime


class AllocationOut(BaseModel):
    """Goods of one donation set aside for one need."""

    id: int
    donation_id: int
    need_id: int
    quantity: int
    status: AllocationStatus
    mode: str | None
    km: int | None
    created_at: datetime
    decided_at: datetime | None


class ItemTotal(BaseModel):
    """Totals of one item, in its base unit."""

    item_code: str
    base_unit: str
    donated: int
    needed: int
    allocated: int
    delivered: int


class Statistics(BaseModel):
    """Registry-wide counts of public records."""

    organisations: int
    donations: int
    needs: int
    allocations: int
    items: list[ItemTotal]


class Me(BaseModel):
    """The token's owner and scope."""

    user_id: int
    name: str
    organisation: OrganisationOut
    organisation_state: str
    scope: Literal["read", "write"]


class Closed(BaseModel):
    """A need closed: how many base units it stopped asking for."""

    need: NeedOut
    closed_quantity: int


class OrganisationPage(BaseModel):
    """A page of organisations; ``next_cursor`` is null on the last page."""

    data: list[OrganisationOut]
    next_cursor: str | None


class DonationPage(BaseModel):
    """A page of donations."""

    data: list[DonationOut]
    next_cursor: str | None


class NeedPage(BaseModel):
    """A page of needs."""

    data: list[NeedOut]
    next_cursor: str | None


class AllocationPage(BaseModel):
    """A page of allocations."""

    data: list[AllocationOut]
    next_cursor: str | None


class FieldError(BaseModel):
    """One invalid field and why."""

    field: str
    message: str


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None
