"""The item catalogue, standards and the dated certification equivalence table."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base


class ItemType(Base):
    """A kind of goods, counted in its base unit (piece, pair, test, unit, litre, set)."""

    __tablename__ = "item_type"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)
    base_unit: Mapped[str] = mapped_column(String(16))
    unit_mass_g: Mapped[int | None] = mapped_column(
        Integer, comment="approximate mass of one base unit, for tonne-km figures"
    )
    hs_code: Mapped[str | None] = mapped_column(String(16))
    default_pack: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    standards: Mapped[list[Standard]] = relationship(
        back_populates="item", order_by="Standard.code"
    )

    def name(self, locale: str) -> str:
        """The item's name in the given locale (English for anything but Chinese)."""
        return self.name_zh if locale.startswith("zh") else self.name_en


class Standard(Base):
    """A product standard (GB 2626 KN95, NIOSH N95, EN 149 FFP2, …) of one item type."""

    __tablename__ = "standard"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("item_type.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(8), comment="ISO country, EU, or * for any")
    required_certificates: Mapped[str] = mapped_column(
        String(100), default="", comment="semicolon-separated certificate kinds"
    )
    ce_scope: Mapped[str] = mapped_column(
        String(16),
        default="",
        server_default="",
        comment="what a CE notified body must be designated for",
    )

    item: Mapped[ItemType] = relationship(back_populates="standards")

    @property
    def certificate_kinds(self) -> frozenset[str]:
        """The certificate kinds that goods of this standard must carry."""
        return frozenset(kind for kind in self.required_certificates.split(";") if kind)


class CertificationEquivalence(Base):
    """Goods of the offered standard may serve a need for the requested one, where and when."""

    __tablename__ = "certification_equivalence"
    __table_args__ = (
        UniqueConstraint("requested_code", "offered_code", "jurisdiction", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_code: Mapped[str] = mapped_column(ForeignKey("standard.code"), index=True)
    offered_code: Mapped[str] = mapped_column(ForeignKey("standard.code"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(8), comment="ISO alpha-2 country or *")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, comment="inclusive; empty means open")
    required_certificates: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")

    requested: Mapped[Standard] = relationship(foreign_keys=[requested_code])
    offered: Mapped[Standard] = relationship(foreign_keys=[offered_code])

    def valid_on(self, day: date) -> bool:
        """True when the equivalence applies on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
