"""Connection settings that every database session relies on.

SQLite needs three things switched on per connection: foreign keys (off by default),
WAL (readers do not block the writer) and a busy timeout. Its Python driver also
starts transactions lazily, at the first write, so two requests that read and then
write can both hold a read snapshot and one then fails with "database is locked".
Write requests therefore open their transaction with ``BEGIN IMMEDIATE``, which
queues writers behind the busy timeout instead; read-only requests use a plain
``BEGIN`` and run side by side.
"""

from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_MS = 15_000
read_only_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "read_only_transaction", default=False
)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below decide how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN" if read_only_transaction.get() else "BEGIN IMMEDIATE")


def is_sqlite(url: str) -> bool:
    """True when the SQLAlchemy URL names an SQLite database."""
    return url.startswith("sqlite")


# The tables a bulk load fills, and the public lists read.
BULK_TABLES = ("organisation", "donation", "certificate", "need", "allocation", "shipment",
               "shipment_line")


def refresh_statistics(connection: Connection, tables: Iterable[str] = BULK_TABLES) -> None:
    """ANALYZE ``tables`` after a bulk write, so that the query planner knows their size now.

    A freshly filled PostgreSQL table has no statistics until autovacuum analyses it (a
    minute or more later); meanwhile the planner takes it for a nearly empty one and joins
    the public lists by nested loops. On 100,000 needs that made the first /needs/ request
    take 9 s on an idle machine and 90 s under load. SQLite has no statistics at all until
    ANALYZE runs, and then chooses the list indexes with them.
    """
    present = set(inspect(connection).get_table_names())  # a restored older backup lacks some
    for table in tables:
        if table in present:
            connection.exec_driver_sql(f"ANALYZE {table}")
