"""The exported tables: donations, needs and deliveries, with HXL hashtags per column.

Hashtags follow research/domain.md §6.1 and anchors.md §5 (``#x_…`` where HXL has no
core tag).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from aidregistry.models import (
    Allocation,
    AllocationStatus,
    Donation,
    Need,
    Organisation,
    VerificationState,
)

STREAM_BATCH = 1000


@dataclass(frozen=True)
class Field:
    """One exported column: its header, HXL hashtag, and how to read it from a record."""

    name: str
    hxl: str
    read: Callable[[Any], Any]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def certificates_text(donation: Donation) -> str:
    """Each certificate as scheme, number as typed and verification state, "; " between:
    ``FDA_EUA n/a [invalid]; NMPA 国械注准20203140000 [declared]``."""
    return "; ".join(
        f"{c.scheme.value} {c.number or c.declared_text}"
        + (f" ({c.notified_body})" if c.notified_body else "")
        + f" [{c.verification.value}]"
        for c in donation.certificates
    )


DONATION_FIELDS = (
    Field("id", "#meta+id", lambda d: d.id),
    Field("donor_id", "#org+funding+id", lambda d: d.organisation_id),
    Field("donor", "#org+funding+name", lambda d: d.organisation.name),
    Field("donor_type", "#org+funding+type", lambda d: d.organisation.kind.value),
    Field("donor_country", "#country+origin+code+v_iso2", lambda d: d.organisation.country),
    Field("item_code", "#item+code", lambda d: d.item_code),
    Field("item", "#item+name", lambda d: d.item.name_en),
    Field("quantity", "#item+num", lambda d: d.quantity),
    Field("unit", "#item+unit", lambda d: d.item.base_unit),
    Field("allocated", "#x_allocated+num", lambda d: d.allocated),
    Field("remaining", "#x_remaining+num", lambda d: d.remaining),
    Field("standard", "#x_standard+code", lambda d: d.standard_code),
    Field("manufacturer", "#x_manufacturer+name", lambda d: d.manufacturer),
    Field("certificates", "#x_certificate", lambda d: certificates_text(d)),
    Field("place", "#loc+origin+name", lambda d: d.place),
    Field("place_country", "#country+origin+code+v_iso2", lambda d: d.place_country),
    Field("lat", "#geo+lat", lambda d: d.lat),
    Field("lon", "#geo+lon", lambda d: d.lon),
    Field("available_from", "#date+start", lambda d: _iso(d.available_from)),
    Field("expires_on", "#date+end", lambda d: _iso(d.expires_on)),
    Field("modes", "#x_transport+type", lambda d: ";".join(sorted(d.mode_set))),
    Field("status", "#status+name", lambda d: d.status.value),
    Field("source", "#meta+source", lambda d: d.source),
    Field("confidence", "#meta+certainty", lambda d: d.confidence.value if d.confidence else None),
    Field("notes", "#description", lambda d: d.notes),
)
NEED_FIELDS = (
    Field("id", "#meta+id", lambda n: n.id),
    Field("recipient_id", "#org+recipient+id", lambda n: n.organisation_id),
    Field("recipient", "#org+recipient+name", lambda n: n.organisation.name),
    Field("recipient_type", "#org+recipient+type", lambda n: n.organisation.kind.value),
    Field("recipient_country", "#country+dest+code+v_iso2", lambda n: n.organisation.country),
    Field("item_code", "#item+code", lambda n: n.item_code),
    Field("item", "#item+name", lambda n: n.item.name_en),
    Field("quantity", "#item+num", lambda n: n.quantity),
    Field("unit", "#item+unit", lambda n: n.item.base_unit),
    Field("allocated", "#x_allocated+num", lambda n: n.allocated),
    Field("priority", "#x_priority+num", lambda n: n.priority),
    Field("accepted_standards", "#x_standard+code",
          lambda n: ";".join(sorted(s.code for s in n.accepted_standards))),
    Field("place", "#loc+dest+name", lambda n: n.place),
    Field("place_country", "#country+dest+code+v_iso2", lambda n: n.place_country),
    Field("lat", "#geo+lat", lambda n: n.lat),
    Field("lon", "#geo+lon", lambda n: n.lon),
    Field("needed_by", "#date+end", lambda n: _iso(n.needed_by)),
    Field("status", "#status+name", lambda n: n.status.value),
    Field("source", "#meta+source", lambda n: n.source),
    Field("notes", "#description", lambda n: n.notes),
)
DELIVERY_FIELDS = (
    Field("id", "#meta+id", lambda a: a.id),
    Field("donation_id", "#x_donation+id", lambda a: a.donation_id),
    Field("need_id", "#x_need+id", lambda a: a.need_id),
    Field("donor", "#org+funding+name", lambda a: a.donation.organisation.name),
    Field("recipient", "#org+recipient+name", lambda a: a.need.organisation.name),
    Field("item_code", "#item+code", lambda a: a.donation.item_code),
    Field("item", "#item+name", lambda a: a.donation.item.name_en),
    Field("quantity", "#item+num", lambda a: a.quantity),
    Field("unit", "#item+unit", lambda a: a.donation.item.base_unit),
    Field("origin", "#loc+origin+name", lambda a: a.donation.place),
    Field("origin_country", "#country+origin+code+v_iso2", lambda a: a.donation.place_country),
    Field("origin_lat", "#geo+origin+lat", lambda a: a.donation.lat),
    Field("origin_lon", "#geo+origin+lon", lambda a: a.donation.lon),
    Field("destination", "#loc+dest+name", lambda a: a.need.place),
    Field("destination_country", "#country+dest+code+v_iso2", lambda a: a.need.place_country),
    Field("destination_lat", "#geo+dest+lat", lambda a: a.need.lat),
    Field("destination_lon", "#geo+dest+lon", lambda a: a.need.lon),
    Field("mode", "#x_transport+type", lambda a: a.mode),
    Field("status", "#status+name", lambda a: a.status.value),
    Field("date", "#date+reported", lambda a: _iso((a.decided_at or a.updated_at).date())),
)
DELIVERED = (AllocationStatus.SHIPPED, AllocationStatus.DELIVERED)


@dataclass(frozen=True)
class Dataset:
    """An exported table: its name, fields and query."""

    name: str
    fields: tuple[Field, ...]
    query: Callable[[], Select[Any]]


def _donations() -> Select[Any]:
    return (select(Donation).join(Organisation)
            .where(Organisation.state == VerificationState.VERIFIED)
            .options(joinedload(Donation.organisation), joinedload(Donation.item),
                     selectinload(Donation.certificates))
            .order_by(Donation.id))


def _needs() -> Select[Any]:
    return (select(Need).join(Organisation)
            .where(Organisation.state == VerificationState.VERIFIED)
            .options(joinedload(Need.organisation), joinedload(Need.item))
            .order_by(Need.id))


def deliveries_query(statuses: tuple[AllocationStatus, ...] = DELIVERED) -> Select[Any]:
    """Allocations in the given statuses between verified organisations."""
    donor, recipient = aliased(Organisation), aliased(Organisation)
    return (select(Allocation).join(Donation, Allocation.donation_id == Donation.id)
            .join(donor, Donation.organisation_id == donor.id)
            .join(Need, Allocation.need_id == Need.id)
            .join(recipient, Need.organisation_id == recipient.id)
            .where(Allocation.status.in_(statuses), donor.state == VerificationState.VERIFIED,
                   recipient.state == VerificationState.VERIFIED)
            .order_by(Allocation.id))


DATASETS = {
    "donations": Dataset("donations", DONATION_FIELDS, _donations),
    "needs": Dataset("needs", NEED_FIELDS, _needs),
    "deliveries": Dataset("deliveries", DELIVERY_FIELDS, deliveries_query),
}


def records(session: Session, query: Select[Any]) -> Iterator[Any]:
    """The query's records, fetched in batches so memory stays flat."""
    last_id = 0
    entity = query.column_descriptions[0]["entity"]
    while True:
        batch = list(session.scalars(query.where(entity.id > last_id).limit(STREAM_BATCH))
                     .unique())
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def rows(session: Session, dataset: Dataset) -> Iterator[list[Any]]:
    """Each record of ``dataset`` as a list of cell values."""
    for record in records(session, dataset.query()):
        yield [f.read(record) for f in dataset.fields]
