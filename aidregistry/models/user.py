"""People who sign in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidregistry.models.base import Base, TimestampMixin, UTCDateTime
from aidregistry.models.enums import UserRole
from aidregistry.models.organisation import Organisation, enum_column


class User(TimestampMixin, Base):
    """A person who belongs to one organisation.

    ``session_version`` is part of the login token: logout and password change bump
    it, so a cookie copied before then no longer signs anyone in.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[UserRole] = mapped_column(
        enum_column(UserRole, "user_role"), default=UserRole.MEMBER
    )
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(
        String(64), comment="base32 TOTP key of the second factor; NULL until enrolled"
    )
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(
        Integer, comment="time step of the last code accepted: a code is never accepted twice"
    )

    organisation: Mapped[Organisation] = relationship(back_populates="members")

    # Flask-Login's user protocol, written out so that get_id carries the session version.
    @property
    def is_authenticated(self) -> bool:
        """Every stored user is a signed-in user once loaded by the login manager."""
        return True

    @property
    def is_active(self) -> bool:
        """Deactivated accounts cannot sign in."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """Stored users are never anonymous."""
        return False

    def get_id(self) -> str:
        """The login token: id and session version."""
        return f"{self.id}.{self.session_version}"

    @property
    def has_second_factor(self) -> bool:
        """True once the person enrolled an authenticator app."""
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and admins act across organisations."""
        return self.role in (UserRole.COORDINATOR, UserRole.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app; only its sha256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), comment="sha256 hex of the code")
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
