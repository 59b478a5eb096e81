"""Alembic environment: migrate the connection handed over by scoreline.store.migrate."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from scoreline.store.engines import DEFAULT_DATABASE_URL, build_engine
from scoreline.store.locks import lock_key
from scoreline.store.schema import metadata

# Two processes upgrading one PostgreSQL database at once queue on this lock instead of
# both creating the same tables; on SQLite, BEGIN IMMEDIATE already serialises them.
MIGRATION_LOCK_KEY = "scoreline.store.migrations"


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        lock_key(connection, MIGRATION_LOCK_KEY)
        context.run_migrations()


def run_migrations_from_config() -> None:
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        run_migrations(given)
        return
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get(
        "SCORELINE_DATABASE_URL", DEFAULT_DATABASE_URL
    )
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("scoreline migrations run against a live database only (no --sql mode)")
run_migrations_from_config()
