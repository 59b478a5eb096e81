"""The job ledger contract, run against every backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import math
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scoreline.jobs import (
    BackoffPolicy,
    InvalidJobError,
    JobNotFoundError,
    JobState,
    JobStateError,
    LeaseLostError,
    Schedule,
    SqlLedger,
)
from scoreline.store import build_engine, upgrade_database

LEDGER_PROCESS = Path(__file__).with_name("ledger_process.py")
START = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


class AbandonedError(Exception):
    """Raised inside a transaction to roll it back."""


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def ledger(engine: Engine, clock: Clock) -> Iterator[SqlLedger]:
    with SqlLedger(engine, clock=clock, rng=random.Random(7)) as ledger:
        yield ledger


@pytest.fixture
def live_ledger(engine: Engine) -> Iterator[SqlLedger]:
    """A ledger on the real clock, for tests that wait or cross processes."""
    with SqlLedger(engine, poll_interval_seconds=0.05) as ledger:
        yield ledger


# -- unique keys -------------------------------------------------------------------------


def test_enqueue_creates_one_job_per_kind_and_key(ledger: SqlLedger) -> None:
    first = ledger.enqueue("aggregate", "match-1", {"match_id": "match-1"})
    again = ledger.enqueue("aggregate", "match-1", {"match_id": "changed"})
    other_kind = ledger.enqueue("rollup", "match-1", {})

    assert first.created
    assert not again.created
    assert again.job_id == first.job_id
    assert other_kind.created
    assert other_kind.job_id != first.job_id
    assert ledger.get(first.job_id).payload == {"match_id": "match-1"}
    assert ledger.stats().counts[JobState.QUEUED] == 2


@pytest.mark.parametrize("final_state", [JobState.DONE, JobState.DEAD])
def test_enqueue_of_a_finished_key_creates_nothing(
    ledger: SqlLedger, engine: Engine, final_state: JobState
) -> None:
    created = ledger.enqueue("aggregate", "match-1", {}, max_attempts=1)
    [job] = ledger.claim("worker-a")
    if final_state is JobState.DONE:
        with engine.begin() as conn:
            ledger.complete(job, conn)
    else:
        ledger.fail(job, "boom", "Traceback: boom")

    again = ledger.enqueue("aggregate", "match-1", {})

    assert again.job_id == created.job_id
    assert not again.created
    assert ledger.get(created.job_id).state is final_state
    assert ledger.claim("worker-a") == []


def test_requeue_runs_a_finished_job_again_from_its_first_attempt(
    ledger: SqlLedger, engine: Engine, clock: Clock
) -> None:
    created = ledger.enqueue("aggregate", "match-1", {"match_id": "match-1"})
    [job] = ledger.claim("worker-a")
    with engine.begin() as conn:
        ledger.complete(job, conn)
    clock.advance(60)

    requeued = ledger.requeue("aggregate", "match-1")
    [again] = ledger.claim("worker-b")

    assert requeued.id == created.job_id
    assert (requeued.state, requeued.attempts, requeued.run_at) == (JobState.QUEUED, 0, clock.now)
    assert requeued.finished_at is None
    assert (again.id, again.attempts, again.payload) == (job.id, 1, {"match_id": "match-1"})


def test_requeue_leaves_pending_work_alone_and_refuses_unknown_keys(ledger: SqlLedger) -> None:
    ledger.enqueue("aggregate", "queued", {})
    ledger.enqueue("aggregate", "running", {}, priority=1)
    [running] = ledger.claim("worker-a")

    assert ledger.requeue("aggregate", "queued").state is JobState.QUEUED
    assert ledger.requeue("aggregate", "running") == ledger.get(running.id)
    with pytest.raises(JobNotFoundError):
        ledger.requeue("aggregate", "never-enqueued")


# -- claiming ----------------------------------------------------------------------------


def enqueue_in_mixed_order(ledger: SqlLedger, clock: Clock) -> None:
    minutes_ago = [("low-old", 0, 3), ("high-new", 5, 1), ("high-old", 5, 2), ("low-new", 0, 1)]
    minutes_ago.append(("negative", -1, 10))
    for key, priority, minutes in minutes_ago:
        run_at = clock.now - timedelta(minutes=minutes)
        ledger.enqueue("aggregate", key, {}, priority=priority, run_at=run_at)


CLAIM_ORDER = ["high-old", "high-new", "low-old", "low-new", "negative"]


def test_claim_takes_the_highest_priority_then_the_oldest_run_at(
    ledger: SqlLedger, clock: Clock
) -> None:
    enqueue_in_mixed_order(ledger, clock)

    keys = [ledger.claim("worker-a")[0].key for _ in CLAIM_ORDER]

    assert keys == CLAIM_ORDER
    assert ledger.claim("worker-a") == []


def test_claim_of_several_jobs_returns_them_in_claim_order(ledger: SqlLedger, clock: Clock) -> None:
    enqueue_in_mixed_order(ledger, clock)

    first_three = ledger.claim("worker-a", limit=3)
    rest = ledger.claim("worker-b", limit=10)

    assert [job.key for job in first_three] == CLAIM_ORDER[:3]
    assert [job.key for job in rest] == CLAIM_ORDER[3:]


def test_claim_leases_the_job_to_the_worker(ledger: SqlLedger, clock: Clock) -> None:
    created = ledger.enqueue("aggregate", "match-1", {"match_id": "match-1"})

    [job] = ledger.claim("worker-a", lease_seconds=45)

    assert job.id == created.job_id
    assert job.state is JobState.RUNNING
    assert (job.worker_id, job.attempts) == ("worker-a", 1)
    assert job.lease_expires_at == clock.now + timedelta(seconds=45)
    assert ledger.get(job.id) == job


def test_delayed_job_is_not_claimed_before_its_run_at(ledger: SqlLedger, clock: Clock) -> None:
    run_at = clock.now + timedelta(seconds=60)
    ledger.enqueue("aggregate", "later", {}, run_at=run_at)

    assert ledger.claim("worker-a") == []
    assert ledger.claim("worker-a", now=run_at - timedelta(milliseconds=1)) == []
    [job] = ledger.claim("worker-a", now=run_at)
    assert job.key == "later"


def test_instants_in_any_zone_are_ordered_as_the_same_utc_instants(
    ledger: SqlLedger, clock: Clock
) -> None:
    plus_five = timezone(timedelta(hours=5))
    ledger.enqueue("aggregate", "utc-later", {}, run_at=START - timedelta(minutes=1))
    ledger.enqueue(
        "aggregate",
        "local-earlier",
        {},
        run_at=(START - timedelta(minutes=2)).astimezone(plus_five),
    )
    clock.now = START.astimezone(plus_five)

    [first] = ledger.claim("worker-a", lease_seconds=60)

    assert first.key == "local-earlier"
    assert first.run_at == START - timedelta(minutes=2)
    assert first.run_at.tzinfo == UTC
    assert first.lease_expires_at == START + timedelta(minutes=1)


def test_claim_takes_only_the_kinds_asked_for(ledger: SqlLedger) -> None:
    ledger.enqueue("aggregate", "match-1", {}, priority=9)
    ledger.enqueue("rollup", "day-1", {})

    [rollup] = ledger.claim("worker-a", kinds=["rollup", "backfill"])

    assert rollup.kind == "rollup"
    assert ledger.claim("worker-a", kinds=["rollup"]) == []
    assert [job.kind for job in ledger.claim("worker-a", kinds=["aggregate"])] == ["aggregate"]


def test_concurrent_threads_never_claim_the_same_job(ledger: SqlLedger, engine: Engine) -> None:
    enqueued = {ledger.enqueue("aggregate", f"match-{n}", {}).job_id for n in range(60)}
    start = threading.Barrier(4)

    def drain(worker_id: str) -> list[int]:
        start.wait()
        claimed = []
        while jobs := ledger.claim(worker_id, limit=2):
            for job in jobs:
                with engine.begin() as conn:
                    ledger.complete(job, conn)
                claimed.append(job.id)
        return claimed

    with ThreadPoolExecutor(max_workers=4) as pool:
        per_worker = list(pool.map(drain, [f"thread-{n}" for n in range(4)]))

    claimed = [job_id for ids in per_worker for job_id in ids]
    assert sorted(claimed) == sorted(enqueued)
    assert all(job.attempts == 1 for job in ledger.list(limit=100))
    assert ledger.stats().counts[JobState.DONE] == 60


def test_concurrent_processes_never_claim_the_same_job(
    ledger: SqlLedger, database_url: str
) -> None:
    enqueued = {ledger.enqueue("aggregate", f"match-{n}", {}).job_id for n in range(40)}
    with ExitStack() as stack:
        processes = [
            stack.enter_context(
                subprocess.Popen(
                    [sys.executable, str(LEDGER_PROCESS), "drain", database_url, f"process-{n}"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
            for n in range(2)
        ]
        for process in processes:
            stack.callback(process.kill)
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=60)[0] for process in processes]

    per_process = [json.loads(output) for output in outputs]
    claimed = [job_id for ids in per_process for job_id in ids]
    assert sorted(claimed) == sorted(enqueued)
    assert all(job.attempts == 1 for job in ledger.list(limit=100))


# -- leases ------------------------------------------------------------------------------


def test_expired_lease_is_claimed_again_and_the_old_holder_cannot_complete(
    ledger: SqlLedger, engine: Engine, clock: Clock
) -> None:
    ledger.enqueue("aggregate", "match-1", {})
    [first] = ledger.claim("worker-a", lease_seconds=30)
    clock.advance(29)
    assert ledger.claim("worker-b") == []
    clock.advance(2)

    [second] = ledger.claim("worker-b", lease_seconds=30)

    assert second.id == first.id
    assert (second.worker_id, second.attempts) == ("worker-b", 2)

    def write_results_then_complete() -> None:
        with engine.begin() as conn:
            # Stands for the aggregates worker-a writes before it marks the job done.
            ledger.enqueue("marker", "written-by-worker-a", {}, connection=conn)
            ledger.complete(first, conn)

    with pytest.raises(LeaseLostError):
        write_results_then_complete()
    assert ledger.find("marker", "written-by-worker-a") is None
    assert ledger.get(first.id).worker_id == "worker-b"
    with engine.begin() as conn:
        ledger.complete(second, conn)
    assert ledger.get(first.id).state is JobState.DONE


def test_heartbeat_extends_only_the_holders_lease(ledger: SqlLedger, clock: Clock) -> None:
    ledger.enqueue("aggregate", "match-1", {})
    [job] = ledger.claim("worker-a", lease_seconds=30)
    clock.advance(20)

    assert not ledger.heartbeat(job.id, "worker-b", 30)
    assert ledger.heartbeat(job.id, "worker-a", 30)
    assert ledger.get(job.id).lease_expires_at == clock.now + timedelta(seconds=30)
    clock.advance(29)
    assert ledger.claim("worker-b") == []
    clock.advance(2)
    assert [taken.worker_id for taken in ledger.claim("worker-b")] == ["worker-b"]
    assert not ledger.heartbeat(job.id, "worker-a", 30)


def test_expired_lease_on_the_last_attempt_makes_the_job_dead(
    ledger: SqlLedger, clock: Clock
) -> None:
    created = ledger.enqueue("aggregate", "poison", {}, max_attempts=2)
    for _ in range(2):
        assert len(ledger.claim("worker-a", lease_seconds=10)) == 1
        clock.advance(11)

    assert ledger.claim("worker-b") == []
    dead = ledger.get(created.job_id)
    assert dead.state is JobState.DEAD
    assert dead.last_error is not None
    assert "lease expired" in dead.last_error
    assert dead.finished_at == clock.now


def test_killed_worker_job_is_claimed_again_after_its_lease_expires(
    live_ledger: SqlLedger, database_url: str
) -> None:
    created = live_ledger.enqueue("aggregate", "match-1", {})
    with subprocess.Popen(
        [sys.executable, str(LEDGER_PROCESS), "hold", database_url, "doomed", "1"],
        stdout=subprocess.PIPE,
        text=True,
    ) as worker:
        try:
            assert worker.stdout is not None
            assert json.loads(worker.stdout.readline()) == [created.job_id]
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
    held = live_ledger.get(created.job_id)
    assert held.lease_expires_at is not None
    assert live_ledger.claim("survivor", now=held.lease_expires_at) == []

    time.sleep(max(0.0, (held.lease_expires_at - datetime.now(UTC)).total_seconds()) + 0.05)
    [again] = live_ledger.claim("survivor")

    assert again.id == created.job_id
    assert (again.worker_id, again.attempts) == ("survivor", 2)
    assert again.last_error is not None


# -- failures, backoff and replay --------------------------------------------------------


def test_failed_job_backs_off_then_dies_after_max_attempts_with_its_error(
    engine: Engine, clock: Clock
) -> None:
    backoff = BackoffPolicy(base_seconds=10, cap_seconds=1000, jitter_fraction=0.5)
    ledger = SqlLedger(engine, clock=clock, backoff=backoff, max_attempts=3)
    created = ledger.enqueue("aggregate", "poison", {})

    for attempt in (1, 2):
        [job] = ledger.claim("worker-a")
        assert job.attempts == attempt
        failed = ledger.fail(job, f"ValueError: bad round {attempt}", f"Traceback {attempt}")
        full_delay = 10 * 2 ** (attempt - 1)
        delay = (failed.run_at - clock.now).total_seconds()
        assert failed.state is JobState.QUEUED
        assert full_delay * 0.5 <= delay <= full_delay
        assert ledger.claim("worker-a") == []
        clock.now = failed.run_at
    [job] = ledger.claim("worker-a")
    dead = ledger.fail(job, "ValueError: bad round 3", "Traceback 3")

    assert dead == ledger.get(created.job_id)
    assert (dead.state, dead.attempts) == (JobState.DEAD, 3)
    assert (dead.last_error, dead.last_traceback) == ("ValueError: bad round 3", "Traceback 3")
    assert dead.finished_at == clock.now
    assert ledger.claim("worker-a", now=clock.now + timedelta(days=365)) == []


def test_a_final_failure_is_dead_at_its_first_attempt(ledger: SqlLedger, clock: Clock) -> None:
    created = ledger.enqueue("aggregate", "pruned", {})
    [job] = ledger.claim("worker-a")

    dead = ledger.fail(job, "MatchEventsPrunedError: gone", "Traceback", final=True)

    assert dead == ledger.get(created.job_id)
    assert (dead.state, dead.attempts, dead.last_error) == (
        JobState.DEAD, 1, "MatchEventsPrunedError: gone"
    )  # fmt: skip
    assert dead.finished_at == clock.now


def test_fail_by_a_worker_that_lost_its_lease_changes_nothing(
    ledger: SqlLedger, clock: Clock
) -> None:
    ledger.enqueue("aggregate", "match-1", {})
    [stale] = ledger.claim("worker-a", lease_seconds=5)
    clock.advance(6)
    [current] = ledger.claim("worker-b", lease_seconds=5)

    with pytest.raises(LeaseLostError):
        ledger.fail(stale, "too late", "")
    assert ledger.get(current.id) == current


def test_retry_replays_a_dead_job_from_its_first_attempt(ledger: SqlLedger, clock: Clock) -> None:
    created = ledger.enqueue("aggregate", "poison", {}, max_attempts=1)
    [job] = ledger.claim("worker-a")
    ledger.fail(job, "boom", "Traceback: boom")
    clock.advance(3600)

    replayed = ledger.retry(created.job_id)
    [again] = ledger.claim("worker-a")

    assert (replayed.state, replayed.attempts, replayed.run_at) == (JobState.QUEUED, 0, clock.now)
    assert (replayed.last_error, replayed.finished_at) == (None, None)
    assert (again.id, again.attempts) == (created.job_id, 1)
    with pytest.raises(JobStateError, match="running"):
        ledger.retry(created.job_id)
    with pytest.raises(JobNotFoundError):
        ledger.retry(created.job_id + 1000)


def test_retry_all_dead_replays_every_dead_job_of_a_kind(ledger: SqlLedger) -> None:
    for kind, key in [("aggregate", "a1"), ("aggregate", "a2"), ("rollup", "r1")]:
        ledger.enqueue(kind, key, {}, max_attempts=1)
        [job] = ledger.claim("worker-a")
        ledger.fail(job, "boom", "")
    ledger.enqueue("aggregate", "still-queued", {})

    assert ledger.retry_all_dead(kind="aggregate") == 2
    assert [job.key for job in ledger.list(state=JobState.DEAD)] == ["r1"]
    assert ledger.retry_all_dead() == 1
    assert ledger.retry_all_dead() == 0
    assert ledger.stats().counts[JobState.QUEUED] == 4


# -- transactions ------------------------------------------------------------------------


def test_enqueue_inside_a_rolled_back_transaction_leaves_no_job(
    ledger: SqlLedger, engine: Engine
) -> None:
    def ingest_then_abandon() -> None:
        with engine.begin() as conn:
            assert ledger.enqueue("aggregate", "match-1", {}, connection=conn).created
            raise AbandonedError

    with pytest.raises(AbandonedError):
        ingest_then_abandon()

    assert ledger.find("aggregate", "match-1") is None
    with engine.begin() as conn:
        committed = ledger.enqueue("aggregate", "match-1", {}, connection=conn)
    assert committed.created
    assert ledger.get(committed.job_id).state is JobState.QUEUED


def test_complete_inside_a_rolled_back_transaction_leaves_the_job_running(
    ledger: SqlLedger, engine: Engine, clock: Clock
) -> None:
    ledger.enqueue("aggregate", "match-1", {})
    [job] = ledger.claim("worker-a", lease_seconds=30)

    def complete_then_abandon() -> None:
        with engine.begin() as conn:
            ledger.complete(job, conn)
            raise AbandonedError

    with pytest.raises(AbandonedError):
        complete_then_abandon()

    assert ledger.get(job.id) == job
    clock.advance(31)
    [again] = ledger.claim("worker-b")
    assert (again.id, again.attempts) == (job.id, 2)


def test_lock_key_lets_one_transaction_at_a_time_hold_a_key(
    ledger: SqlLedger, engine: Engine
) -> None:
    holding = threading.Event()
    released_at: list[float] = []
    acquired_at: list[float] = []

    def hold_first() -> None:
        with engine.begin() as conn:
            ledger.lock_key(conn, "match-1")
            holding.set()
            time.sleep(0.3)
            released_at.append(time.monotonic())

    def take_second() -> None:
        holding.wait(timeout=10)
        with engine.begin() as conn:
            ledger.lock_key(conn, "match-1")
            acquired_at.append(time.monotonic())

    threads = [threading.Thread(target=hold_first), threading.Thread(target=take_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert acquired_at[0] >= released_at[0]


# -- schedules ---------------------------------------------------------------------------

HOURLY = Schedule("hourly-rollup", "0 * * * *", "rollup", {"scope": "hour"})


def test_schedule_enqueues_one_job_per_slot_however_often_it_runs(
    ledger: SqlLedger, database_url: str
) -> None:
    other_engine = build_engine(database_url)
    other = SqlLedger(other_engine)
    try:
        first = ledger.enqueue_due_schedules([HOURLY], now=START + timedelta(minutes=30))
        second = ledger.enqueue_due_schedules([HOURLY], now=START + timedelta(minutes=45))
        from_other = other.enqueue_due_schedules([HOURLY], now=START + timedelta(minutes=59))
        next_slot = other.enqueue_due_schedules([HOURLY], now=START + timedelta(hours=1))
    finally:
        other_engine.dispose()

    assert [result.created for result in first + second + from_other] == [True, False, False]
    assert {result.job_id for result in first + second + from_other} == {first[0].job_id}
    assert next_slot[0].created
    jobs = ledger.list(kind="rollup")
    assert [job.key for job in jobs] == [
        "hourly-rollup@2024-06-01T13:00:00+00:00",
        "hourly-rollup@2024-06-01T12:00:00+00:00",
    ]
    assert jobs[1].payload == {"scope": "hour", "scheduled_for": "2024-06-01T12:00:00+00:00"}
    assert jobs[1].run_at == START


def test_schedulers_racing_on_one_slot_enqueue_it_once(ledger: SqlLedger) -> None:
    start = threading.Barrier(4)

    def run_scheduler(_: int) -> bool:
        start.wait()
        [result] = ledger.enqueue_due_schedules([HOURLY], now=START + timedelta(minutes=1))
        return result.created

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = list(pool.map(run_scheduler, range(4)))

    assert sorted(created) == [False, False, False, True]
    assert len(ledger.list(kind="rollup")) == 1


# -- reading -----------------------------------------------------------------------------


def test_stats_count_jobs_by_state_with_the_lag_of_the_oldest_due_job(
    ledger: SqlLedger, engine: Engine, clock: Clock
) -> None:
    for key, priority in [("running", 3), ("done", 2), ("dead", 1)]:
        ledger.enqueue("aggregate", key, {}, priority=priority, max_attempts=1)
    running, done, dead = (ledger.claim("worker-a")[0] for _ in range(3))
    with engine.begin() as conn:
        ledger.complete(done, conn)
    ledger.fail(dead, "boom", "")
    for key, seconds in [("due-30s", -30), ("due-10s", -10), ("later", 60)]:
        ledger.enqueue("aggregate", key, {}, run_at=clock.now + timedelta(seconds=seconds))

    stats = ledger.stats()

    assert running.state is JobState.RUNNING
    assert stats.counts == {
        JobState.QUEUED: 3,
        JobState.RUNNING: 1,
        JobState.DONE: 1,
        JobState.DEAD: 1,
    }
    assert stats.total == 6
    assert stats.oldest_queued_lag_seconds == pytest.approx(30.0)


def test_stats_of_an_empty_ledger_are_zero_without_lag(ledger: SqlLedger) -> None:
    stats = ledger.stats()

    assert set(stats.counts.values()) == {0}
    assert stats.oldest_queued_lag_seconds is None


def test_list_filters_by_state_and_kind_newest_first(ledger: SqlLedger) -> None:
    for n in range(5):
        ledger.enqueue("aggregate" if n % 2 == 0 else "rollup", f"key-{n}", {})
    ledger.claim("worker-a", kinds=["rollup"])

    assert [job.key for job in ledger.list()] == [f"key-{n}" for n in (4, 3, 2, 1, 0)]
    assert [job.key for job in ledger.list(kind="aggregate", limit=2)] == ["key-4", "key-2"]
    assert [job.key for job in ledger.list(kind="aggregate", offset=2)] == ["key-0"]
    assert [job.key for job in ledger.list(state=JobState.RUNNING)] == ["key-1"]
    with pytest.raises(JobNotFoundError):
        ledger.get(10_000)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"key": ""}, "key must have"),
        ({"kind": "k" * 101}, "kind must have"),
        ({"payload": {"when": START}}, "not a JSON object"),
        ({"payload": {"ratio": math.nan}}, "not a JSON object"),
        ({"run_at": datetime(2024, 1, 1)}, "aware"),  # noqa: DTZ001 (the point)
        ({"max_attempts": 0}, "max_attempts"),
    ],
)
def test_enqueue_refuses_what_cannot_be_a_job(
    ledger: SqlLedger, arguments: dict[str, object], message: str
) -> None:
    call: dict[str, object] = {"kind": "aggregate", "key": "match-1", "payload": {}}
    with pytest.raises(InvalidJobError, match=message):
        ledger.enqueue(**(call | arguments))  # type: ignore[arg-type]
    assert ledger.stats().total == 0


# -- waking up ---------------------------------------------------------------------------


def test_wait_for_jobs_wakes_when_a_job_is_enqueued(live_ledger: SqlLedger) -> None:
    woke: list[bool] = []
    waiter = threading.Thread(target=lambda: woke.append(live_ledger.wait_for_jobs(20)))
    started = time.monotonic()
    waiter.start()
    time.sleep(0.2)
    live_ledger.enqueue("aggregate", "match-1", {})
    waiter.join(timeout=20)

    assert woke == [True]
    assert time.monotonic() - started < 5


def test_wait_for_jobs_times_out_when_nothing_is_due(live_ledger: SqlLedger) -> None:
    live_ledger.enqueue("aggregate", "tomorrow", {}, run_at=datetime.now(UTC) + timedelta(days=1))
    started = time.monotonic()

    assert not live_ledger.wait_for_jobs(0.3)
    assert time.monotonic() - started >= 0.3


def test_wait_for_jobs_wakes_when_a_delayed_job_falls_due(live_ledger: SqlLedger) -> None:
    live_ledger.enqueue("aggregate", "soon", {}, run_at=datetime.now(UTC) + timedelta(seconds=0.5))
    started = time.monotonic()

    assert live_ledger.wait_for_jobs(20)
    assert 0.3 <= time.monotonic() - started < 5
    assert [job.key for job in live_ledger.claim("worker-a")] == ["soon"]
