"""Loading the sourced 2020 events: organisations, donations, needs and allocations.

Every record gets a stable ``demo:…`` external_ref. A record whose ref is already in the
database is left exactly as it is (a person may have edited it), so loading twice creates
nothing and changes nothing. An allocation is made only together with its donation and
need, because holding quantity on an existing record would change it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidregistry.models import (
    Allocation,
    Confidence,
    Donation,
    DonationStatus,
    LocationPrecision,
    Need,
    NeedStatus,
    Organisation,
    OrgRole,
    Standard,
    VerificationState,
)
from aidregistry.models.base import utcnow
from aidregistry.services.audit import record_event, snapshot
from aidregistry.services.catalogue import default_accepted_standards
from aidregistry.services.demo import build
from aidregistry.services.demo.report import DemoReport, SkippedRow
from aidregistry.services.demo.rows import (
    EventRow,
    ItemMapping,
    Lot,
    PlaceRow,
    plan_lots,
    read_events,
    read_items,
    read_places,
)
from aidregistry.services.records import DONATION_FIELDS, NEED_FIELDS

ACTION = "demo.load"
ORG_FIELDS = ("name", "kind", "role", "country", "city", "state")
ALLOCATION_FIELDS = ("donation_id", "need_id", "quantity", "status", "proposed_by")
_Record = TypeVar("_Record", Organisation, Donation, Need, Allocation)


@dataclass
class _OrgSpec:
    """An organisation as the rows describe it: its first row's type and place, and sides."""

    type_text: str
    city: str
    country: str
    sides: set[str] = field(default_factory=set)

    @property
    def role(self) -> OrgRole:
        if len(self.sides) == 2:
            return OrgRole.BOTH
        return OrgRole.DONOR if "donor" in self.sides else OrgRole.RECIPIENT


@dataclass
class _Context:
    session: Session
    report: DemoReport
    existing: set[str]
    orgs: dict[str, Organisation] = field(default_factory=dict)

    def place(self, city: str, country: str) -> PlaceRow:
        try:
            return read_places()[(city, country)]
        except KeyError:
            raise ValueError(f"demo_places.csv has no row for {city!r}, {country}") from None

    def create(self, ref: str, make: Callable[[], _Record], fields: tuple[str, ...],
               reason: str) -> _Record | None:
        """Add the record ``make`` builds, unless ``ref`` is taken; audit it."""
        if ref in self.existing:
            self.report.already_present += 1
            return None
        record = make()
        record.external_ref = ref
        self.session.add(record)
        self.session.flush()
        record_event(self.session, None, ACTION, record, after=snapshot(record, fields),
                     reason=reason)
        self.existing.add(ref)
        return record


def load_demo(session: Session) -> DemoReport:
    """Load demo_events.csv into the registry (flushes, never commits); safe to run twice."""
    rows = read_events()
    lots, skips = plan_lots(rows)
    report = DemoReport(skipped=[
        SkippedRow(skip.row.event_id, skip.row.line, skip.row.item, skip.reason)
        for skip in skips
    ])
    ctx = _Context(session, report, existing=_existing_refs(session))
    _load_organisations(ctx, rows)
    for lot in lots:
        _load_lot(ctx, lot)
    return report


def _existing_refs(session: Session) -> set[str]:
    refs: set[str] = set()
    for model in (Organisation, Donation, Need, Allocation):
        column = model.external_ref
        refs.update(ref for ref in session.scalars(
            select(column).where(column.startswith(build.REF_PREFIX))) if ref)
    return refs


def _org_specs(rows: tuple[EventRow, ...]) -> dict[str, _OrgSpec]:
    specs: dict[str, _OrgSpec] = {}
    for row in rows:
        for side, name, type_text, city, country in (
            ("donor", row.donor, row.donor_type, row.donor_city, row.donor_country),
            ("recipient", row.recipient, row.recipient_type, row.recipient_city,
             row.recipient_country),
        ):
            specs.setdefault(name, _OrgSpec(type_text, city, country)).sides.add(side)
    return specs


def _load_organisations(ctx: _Context, rows: tuple[EventRow, ...]) -> None:
    # Records of a second run hang on the organisations of the first, whatever became of them.
    stored = ctx.session.scalars(
        select(Organisation).where(Organisation.external_ref.startswith(build.REF_PREFIX)))
    by_ref = {org.external_ref: org for org in stored}
    for name, spec in _org_specs(rows).items():
        ref = build.org_ref(name)
        created = ctx.create(ref, partial(_organisation, ctx, name, spec), ORG_FIELDS,
                             "demo data: a body named in a published source")
        if created is not None:
            ctx.report.organisations += 1
        ctx.orgs[name] = created or by_ref[ref]


def _organisation(ctx: _Context, name: str, spec: _OrgSpec) -> Organisation:
    place = ctx.place(spec.city, spec.country)
    return Organisation(
        name=name, kind=build.org_kind(spec.type_text), role=spec.role, country=place.country,
        region=place.region or None, city=place.place, lat=place.lat, lon=place.lon,
        location_precision=LocationPrecision.CITY,
        # Public bodies, firms and people named in published reports, not sign-ups.
        state=VerificationState.VERIFIED, state_changed_at=utcnow(),
    )


def _load_lot(ctx: _Context, lot: Lot) -> None:
    row = lot.first
    mapping = _mapping(row)
    refs = {kind: build.record_ref(kind, row) for kind in ("donation", "need", "allocation")}
    allocate = (lot.latest.confidence != Confidence.UNCONFIRMED
                and not ctx.existing.intersection(refs.values()))
    held = build.base_quantity(row, mapping) if allocate else 0
    reason = f"demo data: {row.event_id} line {row.line}"
    donation = ctx.create(refs["donation"], lambda: _donation(ctx, lot, mapping, held),
                          DONATION_FIELDS, reason)
    need = ctx.create(refs["need"], lambda: _need(ctx, lot, mapping, held), NEED_FIELDS, reason)
    ctx.report.donations += donation is not None
    ctx.report.needs += need is not None
    if allocate and donation is not None and need is not None:
        allocation = ctx.create(refs["allocation"], partial(_allocation, lot, donation, need),
                                ALLOCATION_FIELDS, reason)
        ctx.report.allocations += allocation is not None
    elif refs["allocation"] in ctx.existing:
        ctx.report.already_present += 1


def _mapping(row: EventRow) -> ItemMapping:
    try:
        return read_items()[(row.item, row.unit)]
    except KeyError:
        raise ValueError(f"demo_items.csv has no row for {row.item!r} ({row.unit})") from None


def _sourced(lot: Lot) -> dict[str, Any]:
    sources = dict.fromkeys(r.source for r in lot.rows if r.source)
    return {"source": "; ".join(sources),
            "confidence": Confidence(lot.latest.confidence)}


def _placed(place: PlaceRow) -> dict[str, Any]:
    return {"place": place.place, "place_country": place.country,
            "place_region": place.region or None, "lat": place.lat, "lon": place.lon}


def _donation(ctx: _Context, lot: Lot, mapping: ItemMapping, held: int) -> Donation:
    row = lot.first
    place = ctx.place(row.donor_city, row.donor_country)
    pack_label, pack_size = build.pack(row, mapping)
    return Donation(
        organisation=ctx.orgs[row.donor], item_code=mapping.item_code,
        quantity=build.base_quantity(row, mapping), allocated=held,
        pack_label=pack_label, pack_size=pack_size,
        standard_code=mapping.standard_for(row.donor_country), available_from=build.ready_on(row),
        modes=",".join(sorted(build.modes(lot.latest.transport_mode))),
        notes=build.notes(lot, mapping, place), status=DonationStatus.AVAILABLE,
        **_placed(place), **_sourced(lot),
    )


def _need(ctx: _Context, lot: Lot, mapping: ItemMapping, held: int) -> Need:
    row = lot.first
    place = ctx.place(row.recipient_city, row.recipient_country)
    pack_label, pack_size = build.pack(row, mapping)
    needed_by = row.on + build.NEEDED_WITHIN
    return Need(
        organisation=ctx.orgs[row.recipient], item_code=mapping.item_code,
        quantity=build.base_quantity(row, mapping), allocated=held,
        pack_label=pack_label, pack_size=pack_size,
        priority=build.need_priority(row.recipient_type), needed_by=needed_by,
        expires_on=needed_by + build.NEED_LIFETIME, status=NeedStatus.OPEN,
        accepted_standards=_accepted(ctx.session, row, mapping, place),
        notes=build.notes(lot, mapping, place), **_placed(place), **_sourced(lot),
    )


def _accepted(session: Session, row: EventRow, mapping: ItemMapping,
              place: PlaceRow) -> list[Standard]:
    """The recipient country's defaults on the day, plus what it accepted in 2020."""
    codes = default_accepted_standards(session, mapping.item_code, place.country, row.on)
    offered = mapping.standard_for(row.donor_country)
    if offered not in codes:
        codes.append(offered)
    return list(session.scalars(select(Standard).where(Standard.code.in_(codes))))


def _allocation(lot: Lot, donation: Donation, need: Need) -> Allocation:
    return Allocation(
        donation=donation, need=need, quantity=donation.quantity,
        status=build.status(lot.latest), proposed_by="import",
        mode=build.main_mode(lot.latest.transport_mode), explanation=build.explanation(lot),
    )
