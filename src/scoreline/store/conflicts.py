"""INSERT ... ON CONFLICT statements in the connection's dialect (PostgreSQL and SQLite agree)."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_on_conflict(
    conn_or_dialect: Connection | str, table: Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``table`` offering on_conflict_do_nothing / on_conflict_do_update, for
    the dialect of a connection or named ("postgresql", "sqlite")."""
    name = conn_or_dialect if isinstance(conn_or_dialect, str) else conn_or_dialect.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
