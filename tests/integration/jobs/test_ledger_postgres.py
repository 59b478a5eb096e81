"""What only the PostgreSQL ledger does: advisory locks per key, LISTEN/NOTIFY across restarts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine

from scoreline.jobs import SqlLedger
from scoreline.store import build_engine, upgrade_database


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = build_engine(postgres_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def ledger(engine: Engine) -> Iterator[SqlLedger]:
    with SqlLedger(engine, poll_interval_seconds=0.05) as ledger:
        yield ledger


def terminate_other_sessions(admin_url: str, database: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def test_locks_on_different_keys_do_not_wait_for_each_other(
    ledger: SqlLedger, engine: Engine
) -> None:
    holding = threading.Event()
    done = threading.Event()

    def hold_match_1() -> None:
        with engine.begin() as conn:
            ledger.lock_key(conn, "match-1")
            holding.set()
            done.wait(timeout=10)

    holder = threading.Thread(target=hold_match_1)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
            ledger.lock_key(conn, "match-2")
        assert time.monotonic() - started < 1
    finally:
        done.set()
        holder.join(timeout=10)


def test_wait_for_jobs_listens_again_after_the_server_drops_its_connection(
    ledger: SqlLedger, engine: Engine, postgres_admin_url: str
) -> None:
    assert not ledger.wait_for_jobs(0.1)  # opens the listening connection
    assert engine.url.database is not None
    assert terminate_other_sessions(postgres_admin_url, engine.url.database) >= 1

    assert not ledger.wait_for_jobs(0.3)
    woke: list[bool] = []
    waiter = threading.Thread(target=lambda: woke.append(ledger.wait_for_jobs(20)))
    waiter.start()
    time.sleep(0.3)
    ledger.enqueue("aggregate", "match-1", {})
    waiter.join(timeout=20)

    assert woke == [True]


def test_enqueue_rolled_back_wakes_nobody(ledger: SqlLedger, engine: Engine) -> None:
    woke: list[bool] = []
    waiter = threading.Thread(target=lambda: woke.append(ledger.wait_for_jobs(1.0)))
    waiter.start()
    time.sleep(0.2)
    with engine.connect() as conn:
        ledger.enqueue("aggregate", "match-1", {}, connection=conn)
        conn.rollback()
    waiter.join(timeout=10)

    assert woke == [False]


def test_wait_for_jobs_ignores_notifications_of_jobs_already_claimed(ledger: SqlLedger) -> None:
    assert not ledger.wait_for_jobs(0.05)  # listening from here on
    for n in range(3):
        ledger.enqueue("aggregate", f"match-{n}", {})
    assert len(ledger.claim("worker-a", limit=3)) == 3

    assert not ledger.wait_for_jobs(0.3)
