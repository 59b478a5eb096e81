"""The retention job: its schedule, the instant it measures from, and a run through the worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from scoreline.bootstrap import Runtime, build_worker_schedules, load_settings, open_runtime
from scoreline.jobs import Job, JobState, Schedule
from scoreline.stats.rounds import preset
from scoreline.store.schema import match_documents, metadata, round_kills
from scoreline.synthetic.valorant import generate_match
from scoreline.worker import WorkerOptions, run_workers
from scoreline.worker.intake import ingest_source
from scoreline.worker.retention import (
    RETENTION_JOB_KIND,
    RETENTION_JOB_PRIORITY,
    build_retention_schedule,
    find_run_instant,
)

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
MATCH_PLAYER_STATS = metadata.tables["match_player_stats"]
SLOT = datetime(2027, 3, 1, 3, 17, tzinfo=UTC)


def job_with(payload: dict[str, Any]) -> Job:
    return Job(
        id=1,
        kind=RETENTION_JOB_KIND,
        key="retention@x",
        payload=payload,
        state=JobState.RUNNING,
        priority=RETENTION_JOB_PRIORITY,
        run_at=SLOT,
        attempts=1,
        max_attempts=3,
        lease_expires_at=None,
        worker_id=None,
        last_error=None,
        last_traceback=None,
        created_at=SLOT,
        updated_at=SLOT,
        finished_at=None,
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"scheduled_for": SLOT.isoformat()}, SLOT),
        ({}, NOW),  # enqueued by hand: ages count from when it runs
        ({"scheduled_for": "2027-03-01T03:17:00"}, NOW),  # naive: not trusted
        ({"scheduled_for": 12}, NOW),
    ],
)
def test_a_job_measures_ages_from_its_slot(payload: dict[str, Any], expected: datetime) -> None:
    assert find_run_instant(job_with(payload), NOW) == expected


@pytest.mark.parametrize(
    ("settings", "scheduled"),
    [
        ({}, False),
        ({"raw_payload_retention_days": 30}, True),
        ({"round_event_retention_days": 90}, True),
    ],
)
def test_the_retention_job_is_scheduled_only_when_retention_deletes_something(
    settings: dict[str, Any], scheduled: bool
) -> None:
    schedule = build_retention_schedule(load_settings(**settings))

    assert (schedule is not None) is scheduled
    assert build_worker_schedules(load_settings(**settings)) == (
        (schedule,) if schedule is not None else ()
    )


def test_the_retention_schedule_follows_the_settings() -> None:
    settings = load_settings(round_event_retention_days=90, retention_schedule="5 4 * * 0")

    assert build_retention_schedule(settings) == Schedule(
        name="retention", cron="5 4 * * 0", kind="retention", priority=RETENTION_JOB_PRIORITY
    )


@pytest.fixture
def make_runtime(sqlite_url: str) -> Iterator[Any]:
    with ExitStack() as stack:

        def make(**overrides: Any) -> Runtime:
            settings = load_settings(
                database_url=sqlite_url,
                worker_poll_seconds=0.02,
                job_backoff_base_seconds=0.01,
                job_backoff_cap_seconds=0.05,
                **overrides,
            )
            return stack.enter_context(open_runtime(settings))

        yield make


def ingest_old_matches(runtime: Runtime, count: int) -> None:
    """Matches started 100 to 160 days ago, stored with their stats computed."""
    window_end = datetime.now(UTC) - timedelta(days=100)
    for index in range(count):
        document = generate_match(5, index, window_end_ms=int(window_end.timestamp() * 1000))
        ingest_source(
            runtime.engine,
            runtime.ledger,
            orjson.dumps(document),
            f"old-{index}",
            compute_now=preset(runtime.settings.stat_preset),
        )


def count(runtime: Runtime, table: Any) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_scheduled_retention_job_runs_through_the_worker(make_runtime: Any) -> None:
    runtime = make_runtime(round_event_retention_days=90)
    ingest_old_matches(runtime, 3)
    stats_rows = count(runtime, MATCH_PLAYER_STATS)
    options = WorkerOptions(burst=True, schedules=build_worker_schedules(runtime.settings))

    code = run_workers(runtime, lambda: nullcontext(runtime), options)

    assert code == 0
    (job,) = runtime.ledger.list(kind=RETENTION_JOB_KIND)
    assert job.state is JobState.DONE
    assert job.key.startswith("retention@")
    assert count(runtime, round_kills) == count(runtime, match_documents) == 0
    assert count(runtime, MATCH_PLAYER_STATS) == stats_rows > 0


def test_a_retention_job_deletes_nothing_once_retention_is_off(make_runtime: Any) -> None:
    runtime = make_runtime()
    ingest_old_matches(runtime, 1)
    kills = count(runtime, round_kills)
    runtime.ledger.enqueue(RETENTION_JOB_KIND, "by-hand", {})

    run_workers(runtime, lambda: nullcontext(runtime), WorkerOptions(burst=True))

    (job,) = runtime.ledger.list(kind=RETENTION_JOB_KIND)
    assert job.state is JobState.DONE
    assert count(runtime, round_kills) == kills > 0
