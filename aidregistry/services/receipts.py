"""The consignee's receipt: what arrived per line, its condition, accepted or rejected.

Only a receipt makes an allocation DELIVERED. A shortfall (received < shipped) is kept on
the line and shown on the need and the donation. A rejected line (the 2020 Dutch FFP2
recall is the model) makes its allocation REJECTED for quality and gives its quantity back
to the need and the donation, and the rejection is written into the donation's and the
need's own history, so their pages show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from aidregistry.models import (
    AllocationStatus,
    Donation,
    Need,
    ReasonCode,
    Receipt,
    ReceiptDecision,
    ReceivedCondition,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    User,
)
from aidregistry.models.base import today
from aidregistry.models.shipment import REFERENCE_LENGTH
from aidregistry.services.audit import record_event
from aidregistry.services.errors import NotAllowed, ServiceError
from aidregistry.services.shipments import (
    CLOCK_SLACK,
    NOTE_LENGTH,
    RECEIVABLE,
    StatusInput,
    append_event,
    check_version,
    clean_text,
    may_receive,
    move_allocation,
    whole_number,
)


@dataclass(frozen=True)
class ReceiptLineInput:
    """What the consignee found for one line."""

    line_id: int
    quantity_received: Any  # checked here: whole, 0 … shipped
    condition: str
    decision: str
    inspection_note: str | None = None


@dataclass(frozen=True)
class ReceiptInput:
    """The receipt as a whole."""

    received_on: date
    lines: Sequence[ReceiptLineInput]
    document_ref: str | None = None
    note: str | None = None


def _check_line(index: int, line: ShipmentLine, data: ReceiptLineInput) -> tuple[
        int, ReceivedCondition, ReceiptDecision, str | None]:
    prefix = f"lines-{index}-"
    received = whole_number(data.quantity_received, prefix + "quantity_received")
    if received < 0:
        raise ServiceError("The quantity received cannot be negative.",
                           field=prefix + "quantity_received")
    if received > line.quantity:
        raise ServiceError(f"Only {line.quantity:,} units were shipped on this line.",
                           field=prefix + "quantity_received")
    try:
        condition = ReceivedCondition(data.condition)
    except ValueError:
        raise ServiceError("Choose the condition.", field=prefix + "condition") from None
    try:
        decision = ReceiptDecision(data.decision)
    except ValueError:
        raise ServiceError("Choose accepted or rejected.", field=prefix + "decision") from None
    note = clean_text(data.inspection_note, prefix + "inspection_note", NOTE_LENGTH)
    if decision is ReceiptDecision.REJECTED and not note:
        raise ServiceError("Say why the goods are rejected (the inspection result).",
                           field=prefix + "inspection_note")
    if condition is ReceivedCondition.FAILED_INSPECTION and decision is ReceiptDecision.ACCEPTED:
        raise ServiceError("Goods that failed inspection cannot be accepted.",
                           field=prefix + "decision")
    return received, condition, decision, note


def _check_receipt(shipment: Shipment, data: ReceiptInput) -> list[tuple[ShipmentLine, Any]]:
    if shipment.receipt is not None:
        raise ServiceError("This shipment's receipt is already recorded.")
    if shipment.status not in RECEIVABLE:
        raise ServiceError(f"A shipment that is {shipment.status.value} cannot be received; "
                           "the donor marks it in transit first.")
    if data.received_on > today() + CLOCK_SLACK:
        raise ServiceError("The receipt date cannot be in the future.", field="received_on")
    by_id = {line.id: line for line in shipment.lines}
    if sorted(x.line_id for x in data.lines) != sorted(by_id):
        raise ServiceError("Give what arrived for every line of the shipment.", field="lines")
    return [(by_id[x.line_id], _check_line(i, by_id[x.line_id], x))
            for i, x in enumerate(data.lines)]


def confirm_receipt(session: Session, actor: User, shipment: Shipment, data: ReceiptInput,
                    version: int | None = None) -> Receipt:
    """The recipient confirms what arrived; the shipment becomes delivered."""
    if not may_receive(actor, shipment):
        raise NotAllowed("Only the recipient organisation confirms receipt.")
    check_version(shipment, version)
    checked = _check_receipt(shipment, data)
    receipt = Receipt(received_on=data.received_on, received_by_id=actor.id,
                      document_ref=clean_text(data.document_ref, "document_ref", REFERENCE_LENGTH),
                      note=clean_text(data.note, "note", NOTE_LENGTH))
    shipment.receipt = receipt
    for line, (received, condition, decision, note) in checked:
        line.quantity_received, line.condition = received, condition
        line.decision, line.inspection_note = decision, note
        _settle(session, actor, line)
    shipment.status = ShipmentStatus.DELIVERED
    session.flush()
    append_event(session, actor, shipment, StatusInput(
        ShipmentStatus.DELIVERED.value, occurred_on=data.received_on,
        document_ref=receipt.document_ref, note=receipt.note))
    record_event(session, actor, "shipment.receipt", shipment, after=_summary(shipment),
                 reason=receipt.note)
    return receipt


def _summary(shipment: Shipment) -> dict[str, Any]:
    return {"status": shipment.status.value, "lines": [
        {"line": line.id, "allocation": line.allocation_id, "shipped": line.quantity,
         "received": line.quantity_received, "condition": _value(line.condition),
         "decision": _value(line.decision), "note": line.inspection_note}
        for line in shipment.lines]}


def _value(member: Any) -> Any:
    return member.value if member is not None else None


def _settle(session: Session, actor: User, line: ShipmentLine) -> None:
    """Deliver or reject the line's allocation; tell its donation and need."""
    allocation = line.allocation
    if line.decision is ReceiptDecision.ACCEPTED:
        move_allocation(session, actor, allocation, AllocationStatus.SHIPPED,
                        AllocationStatus.DELIVERED)
    else:
        move_allocation(session, actor, allocation, AllocationStatus.SHIPPED,
                        AllocationStatus.REJECTED, reason_code=ReasonCode.QUALITY,
                        reason_text=line.inspection_note, decided_by_id=actor.id)
        give_back(session, allocation.donation, allocation.need, allocation.quantity)
    after = {"shipment": line.shipment_id, "allocation": allocation.id,
             "shipped": line.quantity, "received": line.quantity_received,
             "shortfall": line.shortfall, "condition": _value(line.condition),
             "decision": _value(line.decision)}
    action = "receipt_rejected" if line.decision is ReceiptDecision.REJECTED else "receipt"
    for record in (allocation.donation, allocation.need):
        record_event(session, actor, f"{type(record).__name__.lower()}.{action}", record,
                     after=after, reason=line.inspection_note)


def give_back(session: Session, donation: Donation, need: Need, quantity: int) -> None:
    """Release a rejected allocation's hold; the CHECK constraints refuse going below 0."""
    for model, record_id in ((Donation, donation.id), (Need, need.id)):
        session.execute(update(model).where(model.id == record_id)
                        .values(allocated=model.allocated - quantity, version=model.version + 1)
                        .execution_options(synchronize_session=False))
    session.expire(donation)
    session.expire(need)
