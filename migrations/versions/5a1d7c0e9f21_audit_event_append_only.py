"""audit_event refuses UPDATE and DELETE at the database

Revision ID: 5a1d7c0e9f21
Revises: 3cc8982667ed
Create Date: 2026-11-22 01:00:00

"""

from alembic import op

from aidregistry.models.audit import (
    POSTGRESQL_GUARD,
    POSTGRESQL_UNGUARD,
    SQLITE_GUARD,
    SQLITE_UNGUARD,
)

revision = "5a1d7c0e9f21"
down_revision = "3cc8982667ed"
branch_labels = None
depends_on = None


def _statements(postgresql: tuple[str, ...], sqlite: tuple[str, ...]) -> tuple[str, ...]:
    name = op.get_bind().dialect.name
    return postgresql if name == "postgresql" else sqlite if name == "sqlite" else ()


def upgrade() -> None:
    for statement in _statements(POSTGRESQL_GUARD, SQLITE_GUARD):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(POSTGRESQL_UNGUARD, SQLITE_UNGUARD):
        op.execute(statement)
