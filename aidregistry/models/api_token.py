"""Personal API tokens: a user's key for the JSON API, stored only as a hash."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base, UTCDateTime, utcnow
from aidregistry.models.organisation import enum_column
from aidregistry.models.user import User


class ApiScope(StrEnum):
    """What a token may do: read only, or read and write."""

    READ = "read"
    WRITE = "write"


class RevokeReason(StrEnum):
    """Why a token stopped working before its time."""

    OWNER = "owner"
    PASSWORD = "password"  # noqa: S105 - a reason code, not a secret
    DEACTIVATED = "deactivated"
    ORGANISATION = "organisation"


class ApiToken(Base):
    """A token a person created on their account page; revoked tokens are kept for the record."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True, comment="sha256 hex of the token; the token itself is never stored"
    )
    prefix: Mapped[str] = mapped_column(String(12), comment="first characters, to recognise it")
    scope: Mapped[ApiScope] = mapped_column(enum_column(ApiScope, "api_scope"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, comment="every token expires")
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[RevokeReason | None] = mapped_column(
        enum_column(RevokeReason, "token_revoke_reason")
    )

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its owner may still sign in."""
        if self.revoked_at is not None:
            return False
        if self.expires_at <= now:
            return False
        return self.user.is_active

    def allows(self, scope: ApiScope) -> bool:
        """A write token also reads; a read token only reads."""
        return self.scope is ApiScope.WRITE or scope is ApiScope.READ
