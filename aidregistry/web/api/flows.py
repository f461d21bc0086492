"""Allocations and shipments: coordinators accept or reject proposals, recipients confirm
receipts, and everyone reads the public shipments. The services are the web pages' own."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import aliased

from aidregistry.extensions import db
from aidregistry.models import (
    Allocation,
    ApiScope,
    Organisation,
    ReasonCode,
    User,
    VerificationState,
)
from aidregistry.models.shipment import Shipment
from aidregistry.permissions import Permission, permissions_of
from aidregistry.services import allocations, receipts
from aidregistry.services.shipments import may_receive
from aidregistry.web.api import schemas as s
from aidregistry.web.api.auth import require
from aidregistry.web.api.body import read_body
from aidregistry.web.api.paging import CURSOR, LIMIT, page
from aidregistry.web.api.problems import ApiError, not_found
from aidregistry.web.api.serialize import allocation_out
from aidregistry.web.api.spec import operation, session
from aidregistry.web.api.writes import WRITE_ERRORS


class RejectWrite(s.StrictInput):
    """Why a proposal is rejected; text is required for "other"."""

    reason_code: ReasonCode
    reason_text: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ReceiptLineWrite(s.StrictInput):
    """What arrived of one shipment line."""

    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    quantity_received: Annotated[int, Field(ge=0, le=10_000_000_000)]
    condition: Literal["good", "damaged", "failed_inspection"]
    decision: Literal["accepted", "rejected"]
    inspection_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ReceiptWrite(s.StrictInput):
    """A recipient's receipt of a whole shipment."""

    received_on: date
    lines: Annotated[list[ReceiptLineWrite], Field(min_length=1, max_length=500)]
    document_ref: Annotated[str, StringConstraints(max_length=200)] | None = None
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    version: Annotated[int, Field(ge=1)] | None = None


class ShipmentLineOut(BaseModel):
    """One allocation's goods in a shipment."""

    id: int
    allocation_id: int
    quantity: int
    quantity_received: int | None
    condition: str | None
    decision: str | None


class ShipmentOut(BaseModel):
    """A public shipment: who to whom, its status and lines."""

    id: int
    donor_id: int
    recipient_id: int
    status: str
    version: int
    lines: list[ShipmentLineOut]
    created_at: datetime
    updated_at: datetime


class ShipmentPage(BaseModel):
    """A page of shipments."""

    data: list[ShipmentOut]
    next_cursor: str | None


def _value(enum: object) -> str | None:
    return getattr(enum, "value", None)


def shipment_out(shipment: Shipment) -> ShipmentOut:
    """A shipment's public fields."""
    lines = [ShipmentLineOut(id=line.id, allocation_id=line.allocation_id, quantity=line.quantity,
                             quantity_received=line.quantity_received,
                             condition=_value(line.condition), decision=_value(line.decision))
             for line in shipment.lines]
    return ShipmentOut(id=shipment.id, donor_id=shipment.donor_id,
                       recipient_id=shipment.recipient_id, status=shipment.status.value,
                       version=shipment.version, lines=lines, created_at=shipment.created_at,
                       updated_at=shipment.updated_at)


def _approver() -> User:
    user = require(ApiScope.WRITE)
    if Permission.ALLOCATION_APPROVE not in permissions_of(user):
        raise ApiError(403, _("Forbidden"), _("Only coordinators decide on allocations."))
    return user


def _allocation(allocation_id: int) -> Allocation:
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        raise not_found()
    return allocation


@operation("POST", "/allocations/<int:allocation_id>/accept", summary="Accept a proposal",
           tag="allocations", response=s.AllocationOut, scope=ApiScope.WRITE,
           errors=(401, 403, 404, 409, 422))
def accept_allocation(allocation_id: int) -> s.AllocationOut:
    """A coordinator accepts a proposed allocation; its quantity is then held."""
    user = _approver()
    allocation = _allocation(allocation_id)
    allocations.accept(session(), user, allocation)
    return allocation_out(allocation)


@operation("POST", "/allocations/<int:allocation_id>/reject", summary="Reject a proposal",
           tag="allocations", response=s.AllocationOut, body=RejectWrite, scope=ApiScope.WRITE,
           errors=(*WRITE_ERRORS, 404, 409))
def reject_allocation(allocation_id: int) -> s.AllocationOut:
    """A coordinator rejects a proposed allocation with a reason code."""
    user = _approver()
    allocation = _allocation(allocation_id)
    body = read_body(RejectWrite)
    allocations.reject(session(), user, allocation, body.reason_code, body.reason_text)
    return allocation_out(allocation)


@operation("GET", "/shipments", summary="Shipments between verified organisations",
           tag="shipments", response=ShipmentPage, errors=(400,), params=(LIMIT, CURSOR))
def list_shipments() -> ShipmentPage:
    """Public shipments, newest first."""
    donor, recipient = aliased(Organisation), aliased(Organisation)
    # The SQL form of Shipment.is_public: both organisations verified.
    query = (select(Shipment).join(donor, Shipment.donor_id == donor.id)
             .join(recipient, Shipment.recipient_id == recipient.id)
             .where(donor.state == VerificationState.VERIFIED,
                    recipient.state == VerificationState.VERIFIED))
    rows, cursor = page(query, Shipment.id, Shipment.id, int)
    return ShipmentPage(data=[shipment_out(x) for x in rows], next_cursor=cursor)


@operation("GET", "/shipments/<int:shipment_id>", summary="One shipment", tag="shipments",
           response=ShipmentOut, errors=(404,))
def get_shipment(shipment_id: int) -> ShipmentOut:
    """One public shipment."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or not shipment.is_public:
        raise not_found()
    return shipment_out(shipment)


@operation("POST", "/shipments/<int:shipment_id>/receipt", summary="Confirm a receipt",
           tag="shipments", response=ShipmentOut, body=ReceiptWrite, scope=ApiScope.WRITE,
           errors=(*WRITE_ERRORS, 404, 409))
def confirm_receipt(shipment_id: int) -> ShipmentOut:
    """The recipient confirms what arrived of each line; the shipment becomes delivered."""
    user = require(ApiScope.WRITE)
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None:
        raise not_found()
    if not may_receive(user, shipment):  # before the body, as the other writes do
        raise ApiError(403, _("Forbidden"), _("Only the recipient organisation confirms receipt."))
    body = read_body(ReceiptWrite)
    lines = [receipts.ReceiptLineInput(line.line_id, line.quantity_received, line.condition,
                                       line.decision, line.inspection_note)
             for line in body.lines]
    data = receipts.ReceiptInput(received_on=body.received_on, lines=lines,
                                 document_ref=body.document_ref, note=body.note)
    receipts.confirm_receipt(session(), user, shipment, data, body.version)
    return shipment_out(shipment)
