"""E-mailed links (sign-up confirmation, password reset): a random token, stored as a hash."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base, UTCDateTime, utcnow
from aidregistry.models.organisation import enum_column
from aidregistry.models.user import User


class LinkKind(StrEnum):
    """What a link does."""

    SIGNUP = "signup"
    RESET = "reset"


class AccountLink(Base):
    """One e-mailed link. The link carries only a random token; what it stands for (the
    sign-up waiting for confirmation, the account to reset) stays here, so that nothing but
    that token ever appears in a mail, a browser's history or a log line."""

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(enum_column(LinkKind, "link_kind"))
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True, comment="sha256 hex of the token; the token itself is never stored"
    )
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, comment="a sign-up waiting for confirmation (the password only as its hash)"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()
