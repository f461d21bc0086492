"""The geocoding cache: the same text is never looked up online twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from aidregistry.models.base import Base, UTCDateTime, utcnow


class GeocodeCacheEntry(Base):
    """Candidates found for one normalised query by one provider."""

    __tablename__ = "geocode_cache"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
