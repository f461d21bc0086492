"""Resolving, in bulk, every record whose place has text but no coordinates yet.

Used by ``aidregistry geocode``: organisations, donations, needs, and both ends of every
shipment leg. The caller finds the work (`find_unresolved`), ends that read transaction, then
resolves it batch by batch (`resolve_batch`) and commits after each batch. A batch asks the
geocoder before it touches the database, so no transaction (and on SQLite no write lock) is
held while an online geocoder takes its one request per second.

Each record's stored country is the hint, so "Springfield" of an organisation registered in the
United States finds the American one. Updates only fill coordinates that are still empty:
a record someone placed by hand in the meantime keeps that place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aidregistry.domain.places import Geocoder, GeocodingError, Place
from aidregistry.geocoding.text import normalise
from aidregistry.models import Donation, Need, Organisation
from aidregistry.models.shipment import ShipmentLeg

REGION_LENGTH = {"organisation": 64}  # Organisation.region; the others hold 100
DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class PlaceColumns:
    """Where one kind of record keeps its place: the text, the country, the coordinates."""

    kind: str
    model: Any
    text: str
    country: str
    lat: str
    lon: str
    region: str | None = None
    # Organisation.country is the registered country, chosen by a person: only a hint.
    sets_country: bool = True


KINDS: tuple[PlaceColumns, ...] = (
    PlaceColumns("organisation", Organisation, "city", "country", "lat", "lon", "region", False),
    PlaceColumns("donation", Donation, "place", "place_country", "lat", "lon", "place_region"),
    PlaceColumns("need", Need, "place", "place_country", "lat", "lon", "place_region"),
    PlaceColumns(
        "shipment leg origin", ShipmentLeg, "origin", "origin_country", "origin_lat", "origin_lon"
    ),
    PlaceColumns(
        "shipment leg destination",
        ShipmentLeg,
        "destination",
        "destination_country",
        "destination_lat",
        "destination_lon",
    ),
)


@dataclass(frozen=True)
class PlaceTarget:
    """One record's place still to be resolved."""

    columns: PlaceColumns
    record_id: int
    text: str
    country_hint: str | None

    @property
    def kind(self) -> str:
        """The record type, as the report names it ("donation", "shipment leg origin")."""
        return self.columns.kind


@dataclass
class BatchOutcome:
    """What one batch did: how many places it stored, which it could not resolve and why."""

    resolved: int = 0
    unresolved: list[tuple[PlaceTarget, str]] = field(default_factory=list)


def find_unresolved(session: Session) -> list[PlaceTarget]:
    """Every record with place text and no latitude, in a stable order (kind, then id)."""
    targets: list[PlaceTarget] = []
    for columns in KINDS:
        model = columns.model
        text_col, lat_col = getattr(model, columns.text), getattr(model, columns.lat)
        query = (
            select(model.id, text_col, getattr(model, columns.country))
            .where(lat_col.is_(None), text_col.is_not(None), text_col != "")
            .order_by(model.id)
        )
        for record_id, text, country in session.execute(query):
            hint = (country or "").strip().upper() or None
            targets.append(PlaceTarget(columns, record_id, text, hint))
    return targets


def batches(
    targets: list[PlaceTarget], size: int = DEFAULT_BATCH_SIZE
) -> Iterator[list[PlaceTarget]]:
    """`targets` in slices of `size`."""
    for start in range(0, len(targets), max(1, size)):
        yield targets[start : start + size]


class Lookups:
    """Answers per distinct (text, country): a thousand needs in "Wuhan" cost one lookup."""

    def __init__(self, geocoder: Geocoder) -> None:
        """Remember answers of `geocoder` for this run."""
        self.geocoder = geocoder
        self._answers: dict[tuple[str, str | None], Place | str] = {}

    def place_for(self, target: PlaceTarget) -> Place | str:
        """The best candidate, or the reason there is none."""
        key = (normalise(target.text), target.country_hint)
        if key not in self._answers:
            self._answers[key] = self._ask(target)
        return self._answers[key]

    def _ask(self, target: PlaceTarget) -> Place | str:
        try:
            found = self.geocoder.search(target.text, country_hint=target.country_hint, limit=1)
        except GeocodingError as error:
            return error.message
        return found[0] if found else "no place of this name was found"


def resolve_batch(
    session: Session, lookups: Lookups, targets: Iterable[PlaceTarget]
) -> BatchOutcome:
    """Look up every target, then store the places found; the caller commits."""
    answers = [(target, lookups.place_for(target)) for target in targets]
    outcome = BatchOutcome()
    for target, answer in answers:
        if isinstance(answer, str):
            outcome.unresolved.append((target, answer))
        elif _store(session, target, answer):
            outcome.resolved += 1
    return outcome


def _store(session: Session, target: PlaceTarget, place: Place) -> bool:
    """Fill the coordinates (and region, country) if they are still empty; True if stored."""
    columns, model = target.columns, target.columns.model
    values: dict[str, Any] = {columns.lat: place.lat, columns.lon: place.lon}
    if columns.region and place.admin1:
        values[columns.region] = place.admin1[: REGION_LENGTH.get(columns.kind, 100)]
    if columns.sets_country and place.country_code:
        values[columns.country] = place.country_code
    statement = (
        update(model)
        .where(model.id == target.record_id, getattr(model, columns.lat).is_(None))
        .values(values)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]
