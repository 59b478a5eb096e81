"""PostgreSQL only: concurrent writers of one match take turns; driver errors are SQLAlchemy's."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
import psycopg
import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import OperationalError

from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.store import build_engine, upgrade_database
from scoreline.store.aggregates import load_rows, save_match_stats
from scoreline.store.bulk import insert_rows
from scoreline.store.canonical import load_match, save_match
from scoreline.store.payloads import save_payload
from scoreline.store.schema import AGGREGATE_TABLES, matches, metadata
from scoreline.synthetic.valorant import generate_match

RECEIVED_AT = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
# How long a blocked writer is given to show up as waiting on a lock.
BLOCKED_TIMEOUT_S = 10.0

T = TypeVar("T")


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = build_engine(postgres_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def two_matches() -> tuple[Match, Match]:
    first, second = (
        parse_source(orjson.dumps(generate_match(43, index)), f"gen {index}")[0]
        for index in range(2)
    )
    return first, second


def wait_until_a_session_waits_on_a_lock(engine: Engine) -> None:
    deadline = time.monotonic() + BLOCKED_TIMEOUT_S
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        if waiting:
            return
        time.sleep(0.01)
    raise AssertionError("the second writer never waited for the first")


def race(
    engine: Engine, first: Callable[[Connection], object], second: Callable[[Connection], T]
) -> T:
    """Run ``first`` in an open transaction, ``second`` in another that must wait for it, then
    commit the first and return what the second gave once it committed too."""

    def in_own_transaction() -> T:
        with engine.begin() as conn:
            return second(conn)

    with ThreadPoolExecutor(max_workers=1) as pool, engine.connect() as holder:
        holder.begin()
        first(holder)
        waiter: Future[T] = pool.submit(in_own_transaction)
        wait_until_a_session_waits_on_a_lock(engine)
        assert not waiter.done()
        holder.commit()
        return waiter.result(timeout=BLOCKED_TIMEOUT_S)


def aggregate_rows(engine: Engine, match_pk: int) -> dict[str, list[dict[str, Any]]]:
    with engine.begin() as conn:
        return {a.table.name: load_rows(conn, a.table.name, match_pk) for a in AGGREGATE_TABLES}


def test_two_stat_writes_of_one_match_take_turns_and_leave_one_set(
    engine: Engine, two_matches: tuple[Match, Match]
) -> None:
    match = two_matches[0]
    stats = compute_match_stats(match, preset("official"))
    with engine.begin() as conn:
        match_pk = save_match(conn, match, payload_id=None).match_pk
    with engine.begin() as conn:
        save_match_stats(conn, match_pk, stats)
    single = aggregate_rows(engine, match_pk)
    with engine.begin() as conn:
        save_match_stats(conn, match_pk, stats._replace(rounds=()))

    race(
        engine,
        lambda conn: save_match_stats(conn, match_pk, stats),
        lambda conn: save_match_stats(conn, match_pk, stats),
    )

    assert aggregate_rows(engine, match_pk) == single


def test_the_same_bytes_saved_at_once_are_stored_once(engine: Engine) -> None:
    def save(conn: Connection) -> tuple[int, bool]:
        saved = save_payload(
            conn, source="x", source_format="f", data=b"same bytes", received_at=RECEIVED_AT
        )
        return saved.payload_id, saved.created

    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM raw_payloads")).scalar_one() == 0

    second = race(engine, save, save)

    with engine.begin() as conn:
        stored = conn.execute(text("SELECT id FROM raw_payloads")).scalars().all()
    assert stored == [second[0]]
    assert second[1] is False


def test_one_match_saved_at_once_keeps_one_pk_and_one_set_of_rows(
    engine: Engine, two_matches: tuple[Match, Match]
) -> None:
    match = two_matches[0]
    retitled = replace(match, map_name="/Game/Maps/Later")

    second = race(
        engine,
        lambda conn: save_match(conn, match, payload_id=None),
        lambda conn: save_match(conn, retitled, payload_id=None),
    )

    with engine.begin() as conn:
        assert conn.execute(select(matches.c.match_pk)).scalars().all() == [second.match_pk]
        assert not second.created
        assert load_match(conn, second.match_pk) == retitled


def test_matches_sharing_players_saved_at_once_both_commit(
    engine: Engine, two_matches: tuple[Match, Match]
) -> None:
    first, second = two_matches
    shared = replace(second, players=first.players)

    saved = race(
        engine,
        lambda conn: save_match(conn, first, payload_id=None),
        lambda conn: save_match(conn, shared, payload_id=None),
    )

    with engine.begin() as conn:
        assert saved.created
        assert load_match(conn, saved.match_pk) == shared


def test_a_lost_connection_during_copy_raises_sqlalchemys_error_and_is_replaced(
    engine: Engine, postgres_admin_url: str
) -> None:
    with engine.connect() as conn:
        conn.begin()
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        with pytest.raises(OperationalError) as raised:
            insert_rows(
                conn,
                metadata.tables["round_summaries"],
                [(1, 0, "Red", "Elimination", None, True, True, False, 1000, 1, "official")],
            )

        assert raised.value.connection_invalidated
        assert isinstance(raised.value.orig, psycopg.OperationalError)

    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
