"""Authorisation lists and their entries, each with its source.

The registry ships a curated, sourced subset (``aidregistry/data/lists/``); ``aidregistry
lists import`` loads an authority's full file into the same tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.domain.evidence.numbers import Scheme
from aidregistry.models.base import Base, UTCDateTime
from aidregistry.models.organisation import enum_column


class AuthorisationList(Base):
    """One authority's list (FDA EUA Appendix A, NIOSH approvals, EU notified bodies …)."""

    __tablename__ = "authorisation_list"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    scheme: Mapped[Scheme | None] = mapped_column(
        enum_column(Scheme, "list_scheme"), comment="empty: each entry names its scheme"
    )
    match_by: Mapped[str] = mapped_column(
        String(8), default="maker", comment="number or maker: how a lot is found on it"
    )
    name: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(String(200))
    in_force_from: Mapped[date | None] = mapped_column(Date)
    in_force_until: Mapped[date | None] = mapped_column(Date, comment="first day not in force")
    source_document: Mapped[str] = mapped_column(Text)
    source_date: Mapped[str] = mapped_column(String(10), comment="YYYY, YYYY-MM or YYYY-MM-DD")
    source_url: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    complete: Mapped[bool] = mapped_column(
        Boolean, default=False, comment="the authority's full file is loaded, not a subset"
    )
    loaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entries: Mapped[list[ListingEntry]] = relationship(
        back_populates="authorisation_list", cascade="all, delete-orphan"
    )


class ListingEntry(Base):
    """One maker, number or notified body (for one scope) on a list, over a dated interval."""

    __tablename__ = "listing_entry"
    __table_args__ = (Index("ix_listing_entry_list_number", "list_code", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_code: Mapped[str] = mapped_column(
        ForeignKey("authorisation_list.code", ondelete="CASCADE")
    )
    scheme: Mapped[Scheme | None] = mapped_column(
        enum_column(Scheme, "entry_scheme"), comment="when the list speaks for several"
    )
    maker: Mapped[str | None] = mapped_column(String(300))
    maker_local: Mapped[str | None] = mapped_column(String(300))
    maker_keys: Mapped[str] = mapped_column(Text, default="", comment="name keys, | between")
    country: Mapped[str | None] = mapped_column(String(2))
    number: Mapped[str | None] = mapped_column(String(100), comment="canonical number or body")
    scope: Mapped[str | None] = mapped_column(String(16), comment="e.g. PPE-RESP, MD, IVD")
    designated: Mapped[bool] = mapped_column(
        Boolean, default=True, comment="false: a source says NOT authorised for the scope"
    )
    listed_from: Mapped[date | None] = mapped_column(Date, comment="empty: the list's start")
    removed_on: Mapped[date | None] = mapped_column(Date, comment="first day off the list")
    models: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    source_document: Mapped[str] = mapped_column(Text)
    source_date: Mapped[str] = mapped_column(String(10))
    source_url: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(16), default="confirmed")
    row_number: Mapped[int | None] = mapped_column(Integer, comment="row in the file loaded")

    authorisation_list: Mapped[AuthorisationList] = relationship(back_populates="entries")
