"""Retention on SQLite and PostgreSQL: what goes, what stays, in batches of bounded size."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, Engine, Table, func, select

from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.store import build_engine, upgrade_database
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import load_match, save_match
from scoreline.store.payloads import save_payload
from scoreline.store.record_errors import MatchEventsPrunedError
from scoreline.store.retention import (
    PAYLOAD_BATCH_MAX_ROWS,
    RETENTION_TABLES,
    ROUND_EVENT_TABLES,
    RetentionBatch,
    RetentionPolicy,
    find_pruned_match_pks,
    plan_retention,
    run_retention,
)
from scoreline.store.schema import (
    AGGREGATE_TABLES,
    ROLLUP_TABLES,
    match_documents,
    match_players,
    match_teams,
    matches,
    metadata,
    published_totals,
    raw_payloads,
    rounds,
)
from scoreline.synthetic.valorant import EPOCH_MS, generate_match

NOW = datetime(2027, 3, 1, tzinfo=UTC)
# Generated matches start in the 60 days before their window's end.
OLD_WINDOW_END_MS = EPOCH_MS  # 2026-11-01: 120 to 180 days before NOW
NEW_WINDOW_END_MS = int(NOW.timestamp() * 1000)  # within 60 days of NOW
OLD_RECEIVED = NOW - timedelta(days=200)
NEW_RECEIVED = NOW - timedelta(days=1)
POLICY = RetentionPolicy(raw_payload_days=30, round_event_days=90, batch_rows=5000)
RULES = preset("official")

# What retention must never touch: everything but the payloads, documents and round events.
KEPT_TABLES: tuple[Table, ...] = (
    match_teams,
    match_players,
    rounds,
    published_totals,
    *(aggregate.table for aggregate in AGGREGATE_TABLES),
    *(rollup.table for rollup in ROLLUP_TABLES),
)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@dataclass
class Stored:
    """The matches and payloads a test stored, by age."""

    old_matches: list[int] = field(default_factory=list)
    new_matches: list[int] = field(default_factory=list)
    old_payloads: list[int] = field(default_factory=list)
    new_payloads: list[int] = field(default_factory=list)


def store_match(
    conn: Connection,
    index: int,
    *,
    window_end_ms: int,
    received_at: datetime,
    computed: bool = True,
) -> tuple[int, int]:
    """Store generated match ``index`` as ingest does; returns (match_pk, payload_id)."""
    data = orjson.dumps(generate_match(7, index, window_end_ms=window_end_ms))
    payload = save_payload(
        conn, source=f"m{index}", source_format="riot-v1", data=data, received_at=received_at
    )
    (match,) = parse_source(data, f"m{index}")
    match_pk = save_match(conn, match, payload_id=payload.payload_id).match_pk
    if computed:
        save_match_stats(conn, match_pk, compute_match_stats(match, RULES))
    return match_pk, payload.payload_id


@pytest.fixture
def stored(engine: Engine) -> Stored:
    """Four old matches (old payloads), three new ones (new payloads)."""
    result = Stored()
    with engine.begin() as conn:
        for index in range(4):
            match_pk, payload_id = store_match(
                conn, index, window_end_ms=OLD_WINDOW_END_MS, received_at=OLD_RECEIVED
            )
            result.old_matches.append(match_pk)
            result.old_payloads.append(payload_id)
        for index in range(4, 7):
            match_pk, payload_id = store_match(
                conn, index, window_end_ms=NEW_WINDOW_END_MS, received_at=NEW_RECEIVED
            )
            result.new_matches.append(match_pk)
            result.new_payloads.append(payload_id)
    return result


def count_rows(engine: Engine, table: Table, match_pks: list[int] | None = None) -> int:
    statement = select(func.count()).select_from(table)
    if match_pks is not None:
        statement = statement.where(table.c.match_pk.in_(match_pks))
    with engine.connect() as conn:
        return int(conn.execute(statement).scalar_one())


def snapshot(engine: Engine, tables: tuple[Table, ...]) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
            for table in tables
        }


def every_table(engine: Engine) -> dict[str, int]:
    return {name: count_rows(engine, table) for name, table in metadata.tables.items()}


def test_a_dry_run_counts_what_would_go_and_deletes_nothing(engine: Engine, stored: Stored) -> None:
    before = every_table(engine)

    with engine.connect() as conn:
        plan = plan_retention(conn, POLICY, NOW)

    assert every_table(engine) == before
    assert plan.batches == 0
    assert plan.pruned_matches == len(stored.old_matches)
    assert plan.sweep("raw_payloads").rows == len(stored.old_payloads)
    assert plan.sweep("raw_payloads").oldest == OLD_RECEIVED
    assert plan.sweep("match_documents").rows == len(stored.old_matches)
    for table in ROUND_EVENT_TABLES:
        assert plan.sweep(table.name).rows == count_rows(engine, table, stored.old_matches) > 0
    with engine.connect() as conn:
        started = conn.execute(
            select(func.min(matches.c.started_at), func.max(matches.c.started_at)).where(
                matches.c.match_pk.in_(stored.old_matches)
            )
        ).one()
    assert (plan.sweep("round_kills").oldest, plan.sweep("round_kills").newest) == tuple(started)
    assert [sweep.table for sweep in plan.sweeps] == list(RETENTION_TABLES)


def test_the_run_deletes_what_the_dry_run_counted(engine: Engine, stored: Stored) -> None:
    with engine.connect() as conn:
        plan = plan_retention(conn, POLICY, NOW)

    report = run_retention(engine, POLICY, now=NOW)

    assert [(s.table, s.rows, s.oldest, s.newest) for s in report.sweeps] == [
        (s.table, s.rows, s.oldest, s.newest) for s in plan.sweeps
    ]
    assert report.pruned_matches == plan.pruned_matches == len(stored.old_matches)
    with engine.connect() as conn:
        assert plan_retention(conn, POLICY, NOW).rows == 0


def test_old_payloads_with_matches_go_and_new_or_unreferenced_ones_stay(
    engine: Engine, stored: Stored
) -> None:
    with engine.begin() as conn:
        # Bytes whose matches are not stored (yet): nothing else holds them.
        waiting = save_payload(
            conn, source="w", source_format="riot-v1", data=b"{}", received_at=OLD_RECEIVED
        ).payload_id

    run_retention(engine, POLICY, now=NOW)

    with engine.connect() as conn:
        kept = set(conn.execute(select(raw_payloads.c.id)).scalars())
        links = dict(conn.execute(select(matches.c.match_pk, matches.c.raw_payload_id)).all())
    assert kept == {*stored.new_payloads, waiting}
    assert all(links[pk] is None for pk in stored.old_matches)
    assert [links[pk] for pk in stored.new_matches] == stored.new_payloads


def test_round_events_of_old_matches_go_while_stats_and_rollups_stay(
    engine: Engine, stored: Stored
) -> None:
    kept_before = snapshot(engine, KEPT_TABLES)
    new_events = {t.name: count_rows(engine, t, stored.new_matches) for t in ROUND_EVENT_TABLES}

    run_retention(engine, POLICY, now=NOW)

    assert snapshot(engine, KEPT_TABLES) == kept_before
    for table in (*ROUND_EVENT_TABLES, match_documents):
        assert count_rows(engine, table, stored.old_matches) == 0
    assert {
        t.name: count_rows(engine, t, stored.new_matches) for t in ROUND_EVENT_TABLES
    } == new_events
    assert count_rows(engine, match_documents, stored.new_matches) == len(stored.new_matches)
    with engine.connect() as conn:
        rows = conn.execute(select(matches.c.match_pk, matches.c.events_pruned_at)).all()
    pruned_at: dict[int, datetime | None] = dict(rows)
    assert {pk: pruned_at[pk] for pk in stored.old_matches} == dict.fromkeys(
        stored.old_matches, NOW
    )
    assert all(pruned_at[pk] is None for pk in stored.new_matches)


def test_a_match_whose_stats_are_not_computed_keeps_its_events(engine: Engine) -> None:
    with engine.begin() as conn:
        waiting, _ = store_match(
            conn, 0, window_end_ms=OLD_WINDOW_END_MS, received_at=OLD_RECEIVED, computed=False
        )

    report = run_retention(engine, POLICY, now=NOW)

    assert report.pruned_matches == 0
    assert count_rows(engine, match_documents, [waiting]) == 1
    with engine.connect() as conn:
        assert load_match(conn, waiting).rounds[0].kills


@pytest.mark.parametrize("batch_rows", [1, 700, 2500])
def test_batches_are_bounded_and_each_commits_whole_matches(
    engine: Engine, stored: Stored, batch_rows: int
) -> None:
    policy = RetentionPolicy(raw_payload_days=30, round_event_days=90, batch_rows=batch_rows)
    batches: list[RetentionBatch] = []

    report = run_retention(engine, policy, now=NOW, on_batch=batches.append)

    payload_batches = [b for b in batches if b.sweeps[0].table == "raw_payloads"]
    event_batches = [b for b in batches if b.pruned_matches]
    assert len(payload_batches) + len(event_batches) == len(batches) == report.batches
    assert all(b.rows <= min(batch_rows, PAYLOAD_BATCH_MAX_ROWS) for b in payload_batches)
    # A batch exceeds the bound only when one match alone is larger.
    assert all(b.rows <= batch_rows or b.pruned_matches == 1 for b in event_batches)
    if batch_rows == 1:
        assert all(b.pruned_matches == 1 for b in event_batches)
    elif batch_rows <= report.rows:
        assert len(event_batches) > 1
    assert sum(b.pruned_matches for b in event_batches) == len(stored.old_matches)
    assert sum(b.rows for b in batches) == report.rows


def test_a_second_run_finds_nothing_and_no_policy_deletes_nothing(
    engine: Engine, stored: Stored
) -> None:
    assert stored.old_matches
    off = RetentionPolicy(raw_payload_days=None, round_event_days=None, batch_rows=5000)
    before = every_table(engine)

    assert run_retention(engine, off, now=NOW).batches == 0
    assert every_table(engine) == before
    run_retention(engine, POLICY, now=NOW)
    again = run_retention(engine, POLICY, now=NOW)

    assert (again.rows, again.batches, again.pruned_matches) == (0, 0, 0)


def test_loading_a_pruned_match_fails_with_a_clear_error_until_it_is_stored_again(
    engine: Engine, stored: Stored
) -> None:
    pruned = stored.old_matches[0]
    run_retention(engine, POLICY, now=NOW)

    with engine.connect() as conn, pytest.raises(MatchEventsPrunedError) as raised:
        load_match(conn, pruned)
    assert raised.value.match_pk == pruned
    assert "deleted by retention" in str(raised.value)
    assert "cannot be recomputed" in str(raised.value)
    with engine.connect() as conn:
        assert find_pruned_match_pks(conn, [*stored.old_matches, *stored.new_matches]) == set(
            stored.old_matches
        )

    # Ingested again: the match is whole, loads, and is old enough to be pruned again.
    with engine.begin() as conn:
        data = orjson.dumps(generate_match(7, 0, window_end_ms=OLD_WINDOW_END_MS))
        (match,) = parse_source(data, "m0")
        assert save_match(conn, match, payload_id=None).match_pk == pruned
    with engine.connect() as conn:
        assert load_match(conn, pruned) == match
        assert find_pruned_match_pks(conn, [pruned]) == set()
        assert plan_retention(conn, POLICY, NOW).pruned_matches == 1
