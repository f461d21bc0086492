"""Recording, editing and closing donations and needs.

Forms check the shape of input; the rules that involve other records (the catalogue,
who owns what, what is already allocated) live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aidregistry.domain.places import Place
from aidregistry.models import (
    MAX_QUANTITY,
    Donation,
    DonationStatus,
    ItemType,
    Need,
    NeedStatus,
    Organisation,
    Standard,
    User,
)
from aidregistry.models.base import today, utcnow
from aidregistry.services.audit import record_event, snapshot
from aidregistry.services.certificates import CertificateEntry, apply_certificates
from aidregistry.services.errors import Conflict, NotAllowed, ServiceError
from aidregistry.services.manufacturers import resolve_manufacturer

NEED_LIFETIME = timedelta(days=30)
DONATION_FIELDS = (
    "item_code",
    "quantity",
    "pack_size",
    "standard_code",
    "place",
    "lat",
    "lon",
    "available_from",
    "expires_on",
    "modes",
    "manufacturer",
    "status",
)
NEED_FIELDS = (
    "item_code",
    "quantity",
    "priority",
    "needed_by",
    "expires_on",
    "place",
    "lat",
    "lon",
    "status",
)


@dataclass(frozen=True)
class Quantity:
    """A quantity as typed: a count of base units, or of packs of ``pack_size`` units."""

    count: int
    in_packs: bool = False
    pack_size: int | None = None
    pack_label: str | None = None

    def base_units(self) -> int:
        """The quantity in base units; refuses impossible values."""
        if self.in_packs and not self.pack_size:
            raise ServiceError("Give the number of units in one pack.", field="pack_size")
        units = self.count * (self.pack_size if self.in_packs and self.pack_size else 1)
        if units <= 0:
            raise ServiceError("The quantity must be at least 1.", field="quantity")
        if units > MAX_QUANTITY:
            raise ServiceError(
                f"The quantity is larger than {MAX_QUANTITY:,} units; check it.", field="quantity"
            )
        return units


@dataclass(frozen=True)
class DonationInput:
    """What a donor tells about an offer lot."""

    item_code: str
    quantity: Quantity
    standard_code: str | None
    place: Place
    place_text: str
    available_from: date
    modes: frozenset[str]
    certificates: tuple[CertificateEntry, ...] = ()
    manufacturer: str | None = None
    lot: str | None = None
    expires_on: date | None = None
    notes: str | None = None


@dataclass(frozen=True)
class NeedInput:
    """What a recipient tells about a need."""

    item_code: str
    quantity: Quantity
    accepted_standards: tuple[str, ...]
    priority: int
    needed_by: date
    place: Place
    place_text: str
    expires_on: date | None = None
    notes: str | None = None


def _item(session: Session, code: str) -> ItemType:
    item = session.get(ItemType, code)
    if item is None:
        raise ServiceError("Choose an item from the catalogue.", field="item_code")
    return item


def _standards(
    session: Session, item: ItemType, codes: tuple[str, ...], name: str
) -> list[Standard]:
    # session.get answers from the identity map once a standard is loaded: a bulk import
    # checks thousands of rows against the same few standards without a query each.
    found = [s for s in (session.get(Standard, code) for code in dict.fromkeys(codes)) if s]
    unknown = set(codes) - {s.code for s in found}
    if unknown:
        raise ServiceError(f"Unknown standard: {', '.join(sorted(unknown))}.", field=name)
    return found


def _check_owner(actor: User, org: Organisation, capability: str) -> None:
    if actor.organisation_id != org.id:
        raise NotAllowed("You can only change your own organisation's records.")
    allowed = org.can_donate if capability == "donate" else org.can_receive
    if not allowed:
        raise NotAllowed(f"Your organisation is not registered to {capability}.")


def _check_version(record: Donation | Need, version: int | None) -> None:
    if version is not None and version != record.version:
        raise Conflict(
            "Someone else saved this record after you opened it. "
            "Reload the page to see their changes, then make yours again."
        )


def _apply_place(record: Donation | Need, place: Place, text: str) -> None:
    record.place = text.strip() or place.name
    record.place_country = place.country_code
    record.place_region = place.admin1 or None
    record.lat, record.lon = place.lat, place.lon


def _apply_donation(session: Session, donation: Donation, data: DonationInput) -> None:
    item = _item(session, data.item_code)
    if data.standard_code:
        standard = _standards(session, item, (data.standard_code,), "standard_code")[0]
        if standard.item_code != item.code:
            raise ServiceError(
                "This standard is not one of the item's standards.", field="standard_code"
            )
    if data.expires_on is not None and data.expires_on <= data.available_from:
        raise ServiceError(
            "The expiry date must be after the available-from date.", field="expires_on"
        )
    if not data.modes:
        raise ServiceError("Choose at least one way the goods can travel.", field="modes")
    donation.item_code, donation.standard_code = item.code, data.standard_code or None
    donation.quantity = data.quantity.base_units()
    donation.pack_size, donation.pack_label = data.quantity.pack_size, data.quantity.pack_label
    donation.available_from, donation.expires_on = data.available_from, data.expires_on
    donation.modes = ",".join(sorted(data.modes))
    donation.lot, donation.notes = data.lot, data.notes
    donation.manufacturer = (data.manufacturer or "").strip() or None
    donation.maker = resolve_manufacturer(session, donation.manufacturer)
    apply_certificates(session, donation, data.certificates)
    _apply_place(donation, data.place, data.place_text)


def _donation_snapshot(donation: Donation) -> dict[str, Any]:
    certificates = [
        f"{c.scheme.value} {c.number or c.declared_text}"
        + (f" ({c.notified_body})" if c.notified_body else "")
        for c in donation.certificates
    ]
    return {**snapshot(donation, DONATION_FIELDS), "certificates": certificates}


def apply_donation_input(session: Session, donation: Donation, data: DonationInput) -> None:
    """Check ``data`` by the same rules as ``record_donation`` and copy it onto ``donation``.

    For the bulk import, which writes many rows at once and records one audit event.
    """
    _apply_donation(session, donation, data)


def apply_need_input(session: Session, need: Need, data: NeedInput, on: date) -> None:
    """Check ``data`` by the same rules as ``post_need`` and copy it onto ``need`` (bulk import)."""
    _apply_need(session, need, data, on)


def record_donation(session: Session, actor: User, data: DonationInput) -> Donation:
    """A donor records an offer lot."""
    _check_owner(actor, actor.organisation, "donate")
    donation = Donation(organisation_id=actor.organisation_id, allocated=0)
    _apply_donation(session, donation, data)
    session.add(donation)
    session.flush()
    record_event(session, actor, "donation.create", donation, after=_donation_snapshot(donation))
    return donation


def edit_donation(
    session: Session, actor: User, donation: Donation, data: DonationInput, version: int | None
) -> None:
    """Change a donation that nothing has been allocated from yet."""
    _check_owner(actor, donation.organisation, "donate")
    _check_version(donation, version)
    if donation.allocated or donation.status is not DonationStatus.AVAILABLE:
        raise ServiceError(
            "This donation can no longer be edited: goods are allocated from it "
            "or it was withdrawn."
        )
    before = _donation_snapshot(donation)
    _apply_donation(session, donation, data)
    session.flush()
    record_event(
        session, actor, "donation.edit", donation, before=before, after=_donation_snapshot(donation)
    )


def withdraw_donation(
    session: Session, actor: User, donation: Donation, reason: str, version: int | None = None
) -> None:
    """Take a donation off the registry; nothing may be allocated from it."""
    _check_owner(actor, donation.organisation, "donate")
    _check_version(donation, version)
    if not reason.strip():
        raise ServiceError("Say why the donation is withdrawn.", field="reason")
    if donation.status is DonationStatus.WITHDRAWN:
        raise ServiceError("This donation is already withdrawn.")
    if donation.allocated:
        raise ServiceError(
            "Goods from this donation are allocated; ask a coordinator to cancel "
            "those allocations first."
        )
    donation.status, donation.status_reason = DonationStatus.WITHDRAWN, reason.strip()
    donation.withdrawn_at = utcnow()
    session.flush()
    record_event(
        session,
        actor,
        "donation.withdraw",
        donation,
        reason=reason.strip(),
        before={"status": "available"},
        after={"status": "withdrawn"},
    )


def _apply_need(session: Session, need: Need, data: NeedInput, on: date) -> None:
    item = _item(session, data.item_code)
    if not data.accepted_standards:
        raise ServiceError("Choose at least one standard you accept.", field="accepted_standards")
    standards = _standards(session, item, data.accepted_standards, "accepted_standards")
    if not 1 <= data.priority <= 4:
        raise ServiceError("Priority is 1 (most urgent) to 4.", field="priority")
    if data.needed_by < on:
        raise ServiceError("The needed-by date is in the past.", field="needed_by")
    expires_on = data.expires_on or on + NEED_LIFETIME
    if expires_on < on:
        raise ServiceError("The expiry date is in the past.", field="expires_on")
    quantity = data.quantity.base_units()
    if quantity < need.allocated:
        raise ServiceError(
            f"{need.allocated:,} units are already allocated to this need; "
            "the quantity cannot be lower.",
            field="quantity",
        )
    need.item_code, need.quantity, need.priority = item.code, quantity, data.priority
    need.pack_size, need.pack_label = data.quantity.pack_size, data.quantity.pack_label
    need.needed_by, need.expires_on, need.notes = data.needed_by, expires_on, data.notes
    need.accepted_standards = standards
    _apply_place(need, data.place, data.place_text)


def post_need(session: Session, actor: User, data: NeedInput, on: date | None = None) -> Need:
    """A recipient posts a need."""
    _check_owner(actor, actor.organisation, "receive")
    need = Need(organisation_id=actor.organisation_id, allocated=0)
    _apply_need(session, need, data, on or today())
    session.add(need)
    session.flush()
    record_event(session, actor, "need.create", need, after=snapshot(need, NEED_FIELDS))
    return need


def edit_need(
    session: Session, actor: User, need: Need, data: NeedInput, version: int | None
) -> None:
    """Change an open need; its item is fixed once goods are allocated."""
    _check_owner(actor, need.organisation, "receive")
    _check_version(need, version)
    if need.status is not NeedStatus.OPEN:
        raise ServiceError("This need is closed.")
    if need.allocated and data.item_code != need.item_code:
        raise ServiceError(
            "Goods are allocated to this need; its item cannot change.", field="item_code"
        )
    before = snapshot(need, NEED_FIELDS)
    _apply_need(session, need, data, today())
    session.flush()
    record_event(
        session, actor, "need.edit", need, before=before, after=snapshot(need, NEED_FIELDS)
    )


def reconfirm_need(session: Session, actor: User, need: Need, on: date | None = None) -> None:
    """Keep an open need from lapsing for another 30 days."""
    _check_owner(actor, need.organisation, "receive")
    if need.status is not NeedStatus.OPEN:
        raise ServiceError("This need is closed.")
    before = {"expires_on": need.expires_on.isoformat()}
    need.expires_on = (on or today()) + NEED_LIFETIME
    need.reconfirmed_at = utcnow()
    session.flush()
    record_event(
        session,
        actor,
        "need.reconfirm",
        need,
        before=before,
        after={"expires_on": need.expires_on.isoformat()},
    )


def close_need(session: Session, actor: User, need: Need, version: int | None = None) -> int:
    """ "Enough for now": stop asking for the rest; returns the quantity closed."""
    _check_owner(actor, need.organisation, "receive")
    _check_version(need, version)
    if need.status is not NeedStatus.OPEN:
        raise ServiceError("This need is already closed.")
    closed = need.quantity - need.allocated
    need.status, need.closed_at = NeedStatus.CLOSED, utcnow()
    session.flush()
    record_event(
        session,
        actor,
        "need.close",
        need,
        before={"status": "open"},
        after={"status": "closed", "closed_quantity": closed},
    )
    return closed


def owned(record: Any, actor: User | None) -> bool:
    """True when ``actor`` belongs to the organisation that owns ``record``."""
    return actor is not None and record.organisation_id == actor.organisation_id
