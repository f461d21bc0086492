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
    def is_coordinator(self) -> bool:
        """Coordinators and admins act across organisations."""
        return self.role in (UserRole.COORDINATOR, UserRole.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
