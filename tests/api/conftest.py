"""API fixtures: members with read and write tokens."""

from __future__ import annotations

from typing import Any

import pytest

from aidregistry.models import ApiScope, OrgRole, User
from aidregistry.services.api_tokens import create_token
from tests.factories import member


def token_for(db_session: Any, user: User, scope: ApiScope = ApiScope.WRITE) -> str:
    """A new token's secret for ``user``."""
    made = create_token(db_session, user, f"test {scope}", scope)
    db_session.commit()
    return made.secret


def bearer(secret: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def donor(db_session: Any) -> User:
    """A member of a verified donor organisation in Shanghai."""
    return member(OrgRole.DONOR, name="API donor")


@pytest.fixture
def recipient(db_session: Any) -> User:
    """A member of a verified recipient organisation in the US."""
    return member(OrgRole.RECIPIENT, name="API recipient", country="US", city="Newark")


@pytest.fixture
def donor_token(db_session: Any, donor: User) -> str:
    """A write token of the donor."""
    return token_for(db_session, donor)


@pytest.fixture
def recipient_token(db_session: Any, recipient: User) -> str:
    """A write token of the recipient."""
    return token_for(db_session, recipient)
