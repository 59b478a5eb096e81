"""Bring a database to the newest schema with the Alembic migrations shipped in the package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from scoreline.store.engines import build_engine

# Inside the installed package, so no alembic.ini is needed anywhere.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_AlembicCommand = Callable[[Config], None]


def build_alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, bound to ``connection`` when given.

    Without a connection, env.py reads ``sqlalchemy.url`` from the config or falls back to
    ``SCORELINE_DATABASE_URL`` (for ``alembic`` commands run by hand).
    """
    config = Config()
    # The ini parser interpolates "%", which a checkout path may contain.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_database(engine_or_url: Engine | str | URL, revision: str = "head") -> None:
    """Run ``alembic upgrade`` to ``revision``; a database already there is left as it is."""
    _run_with_engine(engine_or_url, lambda config: command.upgrade(config, revision))


def downgrade_database(engine_or_url: Engine | str | URL, revision: str) -> None:
    """Run ``alembic downgrade`` to ``revision`` (``"base"`` removes every table)."""
    _run_with_engine(engine_or_url, lambda config: command.downgrade(config, revision))


def find_database_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
    return revision


def find_head_revision() -> str:
    """The newest revision shipped in the package."""
    head = ScriptDirectory.from_config(build_alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _run_with_engine(engine_or_url: Engine | str | URL, run: _AlembicCommand) -> None:
    if isinstance(engine_or_url, Engine):
        _run_on_engine(engine_or_url, run)
        return
    engine = build_engine(engine_or_url)
    try:
        _run_on_engine(engine, run)
    finally:
        engine.dispose()


def _run_on_engine(engine: Engine, run: _AlembicCommand) -> None:
    # A fresh connection with no transaction yet: Alembic then begins and commits its own.
    with engine.connect() as connection:
        run(build_alembic_config(connection))
        connection.commit()
