"""indexes that give the public lists their order after their filters

Composite indexes on donation and need lead with each list's filter (item, status) and
end with its ORDER BY, so a page reads its rows in order instead of sorting every row;
they replace the single-column item_code and status indexes, which they begin with.
organisation.state loses its index: nearly every organisation is verified, so it never
narrows a search, and SQLite (no statistics) started every list from it.

Revision ID: 7c2e4f1a9b3d
Revises: 5a1d7c0e9f21
Create Date: 2026-11-22 02:40:00

"""

from alembic import op

revision = "7c2e4f1a9b3d"
down_revision = "5a1d7c0e9f21"
branch_labels = None
depends_on = None

NEW = (
    ("donation", "ix_donation_available_from_id", ["available_from", "id"]),
    ("donation", "ix_donation_item_code_available_from", ["item_code", "available_from", "id"]),
    ("donation", "ix_donation_status_available_from", ["status", "available_from", "id"]),
    ("need", "ix_need_status_priority", ["status", "priority", "needed_by", "id"]),
    ("need", "ix_need_needed_by_id", ["needed_by", "id"]),
    ("need", "ix_need_item_code_needed_by", ["item_code", "needed_by", "id"]),
    ("need", "ix_need_priority_needed_by", ["priority", "needed_by", "id"]),
)
REPLACED = (
    ("donation", "ix_donation_item_code", ["item_code"]),
    ("donation", "ix_donation_status", ["status"]),
    ("need", "ix_need_item_code", ["item_code"]),
    ("need", "ix_need_status", ["status"]),
    ("organisation", "ix_organisation_state", ["state"]),
)


def upgrade() -> None:
    for table, name, columns in NEW:
        op.create_index(name, table, columns)
    for table, name, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, columns in REPLACED:
        op.create_index(name, table, columns)
    for table, name, _columns in NEW:
        op.drop_index(name, table_name=table)
