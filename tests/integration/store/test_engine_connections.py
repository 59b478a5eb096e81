"""What an engine from build_engine guarantees on a live connection, per backend."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from scoreline.store import build_engine
from scoreline.store.engines import SQLITE_BEGIN_OPTION


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    # A short wait, so that a held lock fails the test fast instead of after 30 s.
    engine = build_engine(sqlite_url, sqlite_busy_timeout_ms=100)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = build_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("synchronous", 1),  # NORMAL
        ("foreign_keys", 1),
        ("busy_timeout", 100),
    ],
)
def test_sqlite_connections_are_configured_for_one_writer_and_many_readers(
    sqlite_engine: Engine, pragma: str, expected: object
) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected


def test_sqlite_transaction_takes_the_write_lock_when_it_begins(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as first, sqlite_engine.connect() as second:
        # A read alone: under sqlite3's own DEFERRED begin this would lock nothing.
        first.execute(text("SELECT 1"))
        assert first.in_transaction()

        with pytest.raises(OperationalError, match="database is locked"):
            second.execute(text("SELECT 1"))
        second.rollback()

        reader = second.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        assert reader.execute(text("SELECT 1")).scalar() == 1
        reader.rollback()


def test_sqlite_transactions_are_really_rolled_back(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(text("CREATE TABLE marks (id INTEGER PRIMARY KEY)"))
    with sqlite_engine.connect() as conn:
        conn.execute(text("INSERT INTO marks (id) VALUES (1)"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM marks")).scalar() == 0


def test_sqlite_begin_mode_must_be_a_real_one(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        bad = conn.execution_options(**{SQLITE_BEGIN_OPTION: "EVENTUALLY"})
        with pytest.raises(ValueError, match=SQLITE_BEGIN_OPTION):
            bad.execute(text("SELECT 1"))


def test_postgres_engine_talks_through_psycopg_3(postgres_engine: Engine) -> None:
    assert postgres_engine.dialect.driver == "psycopg"
    with postgres_engine.connect() as conn:
        assert conn.execute(text("SELECT current_setting('application_name')")).scalar() == (
            "scoreline"
        )


def test_postgres_engine_replaces_a_pooled_connection_the_server_killed(
    postgres_engine: Engine, postgres_admin_url: str
) -> None:
    with postgres_engine.connect() as conn:
        killed_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (killed_pid,))

    with postgres_engine.connect() as conn:
        new_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()

    assert new_pid != killed_pid
