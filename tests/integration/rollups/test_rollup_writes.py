"""Rollups written with each match's aggregates: never counted twice, bucketed in the zone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from scoreline.bootstrap import Runtime
from scoreline.ingest import parse_source
from scoreline.rollups.contributions import Contribution
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.store import rollup_verify
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import find_match_pk, load_match, save_match
from scoreline.store.rollup_verify import verify_rollups
from scoreline.store.schema import jobs, matches, metadata
from scoreline.worker.aggregate import delete_aggregated_match, schedule_aggregate
from scoreline.worker.intake import IngestStatus, ingest_source

from .rollup_states import (
    empty_tables,
    match_document,
    migrated_runtime,
    recomputed_rollups,
    run_queued_jobs,
    stored_rollups,
)

BERLIN = ZoneInfo("Europe/Berlin")
UTC_ZONE = ZoneInfo("UTC")
MATCHES = 3
PRESETS = ("official", "community", "seed")


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    with migrated_runtime(database_url, timezone="Europe/Berlin") as runtime:
        yield runtime


def assert_rollups_are_exact(runtime: Runtime, zone: ZoneInfo) -> None:
    check = verify_rollups(runtime.engine, zone)
    assert check.differences == ()
    assert stored_rollups(runtime.engine) == recomputed_rollups(runtime.engine, zone)


def match_pk_of(runtime: Runtime, index: int) -> int | None:
    (match,) = parse_source(match_document(index), "generated")
    with runtime.engine.connect() as conn:
        return find_match_pk(conn, match.match_id)


def player_days(runtime: Runtime) -> set[date]:
    table = metadata.tables["rollup_player_day"]
    with runtime.engine.connect() as conn:
        return set(conn.execute(select(table.c.day).distinct()).scalars())


def save_late_match(runtime: Runtime, zone: ZoneInfo) -> None:
    (match,) = parse_source(match_document(0), "generated")
    late = replace(match, started_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    with runtime.engine.begin() as conn:
        match_pk = save_match(conn, late, payload_id=None).match_pk
        save_match_stats(conn, match_pk, compute_match_stats(late, preset("official")), zone=zone)


@pytest.mark.parametrize(
    ("zone", "day"),
    [(UTC_ZONE, date(2026, 3, 1)), (BERLIN, date(2026, 3, 2))],
    ids=["utc", "berlin"],
)
def test_a_match_at_2330_utc_counts_on_the_local_day(
    runtime: Runtime, zone: ZoneInfo, day: date
) -> None:
    save_late_match(runtime, zone)

    assert player_days(runtime) == {day}
    assert_rollups_are_exact(runtime, zone)


@pytest.mark.parametrize("targeted_rows", [rollup_verify.TARGETED_FIX_MAX_ROWS, 0])
def test_verify_in_another_zone_sees_every_match_on_the_wrong_day(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, targeted_rows: int
) -> None:
    # With 0, every table with a difference is rebuilt rather than repaired row by row.
    monkeypatch.setattr(rollup_verify, "TARGETED_FIX_MAX_ROWS", targeted_rows)
    save_late_match(runtime, UTC_ZONE)

    check = verify_rollups(runtime.engine, BERLIN)
    assert {d.key[0] for d in check.differences if d.table == "rollup_player_day"} == {
        date(2026, 3, 1),
        date(2026, 3, 2),
    }
    verify_rollups(runtime.engine, BERLIN, fix=True)
    assert player_days(runtime) == {date(2026, 3, 2)}
    assert_rollups_are_exact(runtime, BERLIN)


def test_the_worker_buckets_in_the_settings_zone(runtime: Runtime) -> None:
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    outcome = ingest_source(
        runtime.engine, runtime.ledger, match_document(0, started_at=late), "late"
    )
    assert outcome.status is IngestStatus.INGESTED
    assert runtime.settings.timezone == "Europe/Berlin"

    assert run_queued_jobs(runtime) == 1
    assert player_days(runtime) == {date(2026, 3, 2)}
    assert_rollups_are_exact(runtime, BERLIN)


def test_a_retry_with_the_same_stats_writes_nothing_new(runtime: Runtime) -> None:
    ingest_source(
        runtime.engine, runtime.ledger, match_document(0), "m", compute_now=preset("seed")
    )
    before = stored_rollups(runtime.engine)
    match_pk = match_pk_of(runtime, 0)
    assert match_pk is not None
    for preset_name in ("official", "seed"):
        with runtime.engine.begin() as conn:
            stats = compute_match_stats(load_match(conn, match_pk), preset(preset_name))
            save_match_stats(conn, match_pk, stats, zone=BERLIN)

    assert stored_rollups(runtime.engine) == before
    assert_rollups_are_exact(runtime, BERLIN)


def test_a_match_ingested_again_with_another_start_moves_its_rollups(runtime: Runtime) -> None:
    rules = preset("official")
    ingest_source(runtime.engine, runtime.ledger, match_document(1), "m", compute_now=rules)
    days_before = player_days(runtime)
    outcome = ingest_source(
        runtime.engine, runtime.ledger, match_document(1, shifted_hours=48), "moved", zone=BERLIN
    )
    assert outcome.status is IngestStatus.INGESTED

    # The stats are not recomputed yet (its job waits), but the rollups moved already.
    days_after = player_days(runtime)
    assert days_after.isdisjoint(days_before)
    assert_rollups_are_exact(runtime, BERLIN)
    run_queued_jobs(runtime)
    assert player_days(runtime) == days_after
    assert_rollups_are_exact(runtime, BERLIN)


def test_deleting_a_match_takes_it_out_of_every_rollup(runtime: Runtime) -> None:
    rules = preset("official")
    ingest_source(runtime.engine, runtime.ledger, match_document(2), "kept", compute_now=rules)
    kept = stored_rollups(runtime.engine)
    ingest_source(runtime.engine, runtime.ledger, match_document(0), "doomed")
    run_queued_jobs(runtime)
    match_pk = match_pk_of(runtime, 0)
    assert match_pk is not None

    with runtime.engine.begin() as conn:
        assert delete_aggregated_match(runtime.ledger, conn, match_pk, zone=BERLIN)
    with runtime.engine.begin() as conn:
        assert not delete_aggregated_match(runtime.ledger, conn, match_pk, zone=BERLIN)

    assert stored_rollups(runtime.engine) == kept
    with runtime.engine.connect() as conn:
        # The kept match was computed at ingest: the doomed one had the only job.
        assert conn.execute(select(func.count()).select_from(jobs)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 1
    assert_rollups_are_exact(runtime, BERLIN)


# --- any sequence of operations ends with exact rollups -----------------------------------

OPERATIONS = ("ingest", "ingest_moved", "deliver", "work", "retry", "recompute", "delete")
steps = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(0, MATCHES - 1),
        st.sampled_from(PRESETS),
    ),
    min_size=1,
    max_size=12,
)


def apply_step(runtime: Runtime, operation: str, index: int, preset_name: str) -> None:
    match_pk = match_pk_of(runtime, index)
    if operation == "ingest":
        # A second delivery of the same file is a duplicate: stored once, counted once.
        ingest_source(runtime.engine, runtime.ledger, match_document(index), f"m{index}")
    elif operation == "ingest_moved":
        ingest_source(
            runtime.engine,
            runtime.ledger,
            match_document(index, shifted_hours=30),
            f"moved {index}",
            zone=BERLIN,
        )
    elif operation == "work":
        run_queued_jobs(runtime)
    elif match_pk is None:
        return
    elif operation == "deliver":
        # The seed's Redis message for a match already done: its job runs again.
        with runtime.engine.begin() as conn:
            schedule_aggregate(runtime.ledger, conn, match_pk)
    elif operation in ("retry", "recompute"):
        # A retry saves what the job computed again; a recompute another preset's stats.
        chosen = runtime.settings.stat_preset if operation == "retry" else preset_name
        with runtime.engine.begin() as conn:
            stats = compute_match_stats(load_match(conn, match_pk), preset(chosen))
            save_match_stats(conn, match_pk, stats, zone=BERLIN)
    else:
        with runtime.engine.begin() as conn:
            delete_aggregated_match(runtime.ledger, conn, match_pk, zone=BERLIN)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps)
def test_any_sequence_of_operations_leaves_exact_rollups(
    runtime: Runtime, sequence: list[tuple[str, int, str]]
) -> None:
    empty_tables(runtime.engine)
    for operation, index, preset_name in sequence:
        apply_step(runtime, operation, index, preset_name)
        if operation in ("retry", "recompute", "delete", "ingest_moved"):
            assert_rollups_are_exact(runtime, BERLIN)
    run_queued_jobs(runtime)
    assert_rollups_are_exact(runtime, BERLIN)


def test_an_empty_store_has_exact_rollups(runtime: Runtime) -> None:
    check = verify_rollups(runtime.engine, BERLIN)
    assert (check.matches, check.rows_checked, check.differences) == (0, 0, ())
    assert stored_rollups(runtime.engine) == recomputed_rollups(runtime.engine, BERLIN) == {}


def test_rollups_count_each_match_once_with_every_worker_path(runtime: Runtime) -> None:
    """One match through ingest, worker, duplicate delivery and a retry: counted once."""
    ingest_source(runtime.engine, runtime.ledger, match_document(0), "m")
    ingest_source(runtime.engine, runtime.ledger, match_document(0), "again")
    run_queued_jobs(runtime)
    match_pk = match_pk_of(runtime, 0)
    assert match_pk is not None
    with runtime.engine.begin() as conn:
        schedule_aggregate(runtime.ledger, conn, match_pk)
    run_queued_jobs(runtime)

    player_day: Contribution = stored_rollups(runtime.engine)
    assert {m[0] for m in player_day["rollup_player_day"].values()} == {1}
    assert_rollups_are_exact(runtime, BERLIN)
