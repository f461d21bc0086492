"""Deliveries as GeoJSON (RFC 7946): a line from the donation's place to the need's place."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy.orm import Session

from aidregistry.services.exports.datasets import DELIVERY_FIELDS, deliveries_query, records


def _coordinates(allocation: object) -> list[list[float]] | None:
    donation, need = allocation.donation, allocation.need  # type: ignore[attr-defined]
    points = [(donation.lon, donation.lat), (need.lon, need.lat)]
    if any(value is None for point in points for value in point):
        return None
    return [[round(lon, 5), round(lat, 5)] for lon, lat in points]


def geojson_chunks(session: Session) -> Iterator[str]:
    """A FeatureCollection, written feature by feature (lon, lat order per RFC 7946)."""
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for allocation in records(session, deliveries_query()):
        line = _coordinates(allocation)
        if line is None:
            continue  # a delivery without coordinates cannot be drawn
        properties = {f.name: f.read(allocation) for f in DELIVERY_FIELDS
                      if not f.name.endswith(("_lat", "_lon"))}
        feature = {"type": "Feature", "id": allocation.id,
                   "geometry": {"type": "LineString", "coordinates": line},
                   "properties": properties}
        yield ("" if first else ",") + "\n" + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"
