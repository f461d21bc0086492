"""Reading the shipped demo files: event rows, the item mapping and the place table.

Nothing here touches the database. The rows are grouped into lots (one lot per consignment
line) and sorted into item lots and rows that carry no item count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from aidregistry.services.catalogue import NOT_STATED_SUFFIX, read_data

EVENTS_FILE = "demo_events.csv"
ITEMS_FILE = "demo_items.csv"
PLACES_FILE = "demo_places.csv"
TONNE = "tonne"
NO_QUANTITY = "no quantity published"
GROSS_WEIGHT = "shipment gross weight, not an item count"
SAME_GOODS = "same goods as an earlier line of the event at a later stage; recorded as one lot"
_PARTIAL_DATE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class EventRow:
    """One line of demo_events.csv; ``line`` is its position within its event, from 1."""

    line: int
    event_id: str
    date_text: str
    donor: str
    donor_type: str
    donor_city: str
    donor_country: str
    recipient: str
    recipient_type: str
    recipient_city: str
    recipient_country: str
    item: str
    quantity_text: str
    unit: str
    transport_mode: str
    source: str
    date_type: str
    confidence: str
    notes: str

    @property
    def key(self) -> str:
        """``<event_id>:<line>``, the stable part of every external_ref made from this row."""
        return f"{self.event_id}:{self.line}"

    @property
    def on(self) -> date:
        """The event date; a partial date ("2020-04") counts as the 1st of the month."""
        return parse_date(self.date_text)

    @property
    def quantity(self) -> int:
        """The published item count (only for rows that have one)."""
        return int(self.quantity_text)

    @property
    def is_purchase(self) -> bool:
        """True for goods bought from suppliers, which the dataset keeps beside donations."""
        return "purchase" in self.donor_type

    def same_goods(self, other: EventRow) -> bool:
        """True when ``other`` reports these goods again (a later lifecycle date)."""
        return (self.event_id, self.donor, self.recipient, self.item, self.unit,
                self.quantity_text) == (other.event_id, other.donor, other.recipient,
                                        other.item, other.unit, other.quantity_text)


@dataclass(frozen=True)
class Lot:
    """Goods of one line, reported by one row or by several rows at successive stages."""

    rows: tuple[EventRow, ...]
    part_of: int | None = None  # the line whose goods these are a portion of (a recall)

    @property
    def first(self) -> EventRow:
        """The row that names the goods: its date is when the donation became available."""
        return self.rows[0]

    @property
    def latest(self) -> EventRow:
        """The row with the latest stage, which sets the allocation's status."""
        return self.rows[-1]


@dataclass(frozen=True)
class ItemMapping:
    """How an (item text, unit) of the dataset maps onto the catalogue."""

    item_code: str
    base_per_unit: int
    standard: str
    standard_if_from_cn: str
    note: str

    def standard_for(self, donor_country: str) -> str:
        """The standard the text implies for goods from ``donor_country``, else "not stated"."""
        if self.standard_if_from_cn and donor_country == "CN":
            return self.standard_if_from_cn
        return self.standard or self.item_code + NOT_STATED_SUFFIX


@dataclass(frozen=True)
class PlaceRow:
    """Where a city of the dataset is, as checked by hand in demo_places.csv."""

    place: str
    region: str
    country: str
    lat: float
    lon: float
    note: str


@dataclass(frozen=True)
class Skip:
    """A row that is not loaded as an item lot, and why."""

    row: EventRow
    reason: str


def parse_date(text: str) -> date:
    """An ISO date, or a year-month partial date taken as the 1st of the month."""
    partial = _PARTIAL_DATE.match(text.strip())
    if partial:
        return date(int(partial[1]), int(partial[2]), 1)
    return date.fromisoformat(text.strip())


def is_partial_date(text: str) -> bool:
    """True for a year-month date such as "2020-04"."""
    return bool(_PARTIAL_DATE.match(text.strip()))


@cache
def read_events() -> tuple[EventRow, ...]:
    """Every row of demo_events.csv, numbered within its event."""
    lines: dict[str, int] = {}
    rows = []
    for raw in read_data(EVENTS_FILE):
        values = {name: (value or "").strip() for name, value in raw.items()}
        lines[values["event_id"]] = lines.get(values["event_id"], 0) + 1
        rows.append(EventRow(
            line=lines[values["event_id"]], event_id=values["event_id"], date_text=values["date"],
            donor=values["donor"], donor_type=values["donor_type"],
            donor_city=values["donor_city"], donor_country=values["donor_country"],
            recipient=values["recipient"], recipient_type=values["recipient_type"],
            recipient_city=values["recipient_city"],
            recipient_country=values["recipient_country"], item=values["item"],
            quantity_text=values["quantity"], unit=values["unit"],
            transport_mode=values["transport_mode"], source=values["source"],
            date_type=values["date_type"], confidence=values["confidence"],
            notes=values["notes"],
        ))
    return tuple(rows)


@cache
def read_items() -> dict[tuple[str, str], ItemMapping]:
    """demo_items.csv by (item text, unit)."""
    return {
        (row["item"], row["unit"]): ItemMapping(
            item_code=row["item_code"], base_per_unit=int(row["base_per_unit"]),
            standard=row["standard"], standard_if_from_cn=row["standard_if_from_cn"],
            note=row["note"],
        )
        for row in read_data(ITEMS_FILE)
    }


@cache
def read_places() -> dict[tuple[str, str], PlaceRow]:
    """demo_places.csv by (city, country) exactly as the events file spells them."""
    return {
        (row["city"], row["country"]): PlaceRow(
            place=row["place"], region=row["region"], country=row["place_country"],
            lat=float(row["lat"]), lon=float(row["lon"]), note=row["note"],
        )
        for row in read_data(PLACES_FILE)
    }


def skip_reason(row: EventRow) -> str | None:
    """Why a row is not an item lot, or None when it is one."""
    if row.unit == TONNE:
        return GROSS_WEIGHT
    if not row.quantity_text or not row.unit:
        return NO_QUANTITY
    return None


def plan_lots(rows: tuple[EventRow, ...]) -> tuple[list[Lot], list[Skip]]:
    """Item lots in file order, and the rows that are not loaded (with the reason).

    A row that repeats an earlier row's goods at a later stage (E44: offered in April,
    arrived in August) joins that row's lot, so the 40,000 respirators are counted once.
    """
    lots: list[list[EventRow]] = []
    skips: list[Skip] = []
    for row in rows:
        reason = skip_reason(row)
        if reason is not None:
            skips.append(Skip(row, reason))
            continue
        earlier = next((lot for lot in lots if lot[0].same_goods(row)), None)
        if earlier is None:
            lots.append([row])
        else:
            earlier.append(row)
            skips.append(Skip(row, SAME_GOODS))
    return [Lot(tuple(lot), _portion_of(lot[0], lots)) for lot in lots], skips


def _portion_of(row: EventRow, lots: list[list[EventRow]]) -> int | None:
    """For a recall, the earlier line of the event whose goods were recalled in part.

    E12: 600,000 of the 1,300,000 FFP2 masks received on 21 March were recalled on the
    28th. The recall row gets its own lot (the receipts feature rejects it), marked so
    that totals can leave it out.
    """
    if not row.date_type.lower().startswith("recalled"):
        return None
    return next((lot[0].line for lot in lots
                 if lot[0].line < row.line and lot[0].event_id == row.event_id
                 and (lot[0].donor, lot[0].item, lot[0].unit) == (row.donor, row.item, row.unit)
                 and lot[0].quantity >= row.quantity), None)


def shipment_weights() -> dict[str, float]:
    """Published shipment gross weights in tonnes, by event id (for the shipments feature).

    These rows weigh a whole consignment; they are never item counts.
    """
    return {row.event_id: float(row.quantity_text)
            for row in read_events() if row.unit == TONNE and row.quantity_text}
