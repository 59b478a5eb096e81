"""The worker loop: claim, run under a heartbeat, record the outcome; and its pure rules."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.jobs import Job, JobLedger, JobState, Schedule
from scoreline.store.schema import jobs
from scoreline.worker import HandlerRegistry, JobContext, WorkerLoop, WorkerOptions, run_workers
from scoreline.worker.metrics import WorkerMetrics
from scoreline.worker.runner import (
    ERROR_LINE_MAX_CHARS,
    RECONNECT_MAX_DELAY_SECONDS,
    RESPAWN_MAX_DELAY_SECONDS,
    compute_reconnect_delay_seconds,
    compute_respawn_delay_seconds,
    describe_error,
    describe_exit,
    is_connection_error,
)

RuntimeFactory = Callable[..., Runtime]


@pytest.fixture
def make_runtime(sqlite_url: str) -> Iterator[RuntimeFactory]:
    """``make_runtime(**settings)``: a migrated runtime with short waits, closed after the test."""
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


@pytest.fixture
def runtime(make_runtime: RuntimeFactory) -> Runtime:
    return make_runtime()


def _operational_error(message: str = "server closed the connection") -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception(message))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_operational_error(), True),
        (DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True), True),
        (psycopg.OperationalError("consuming input failed"), True),
        (IntegrityError("INSERT", {}, Exception("duplicate key")), False),
        (ValueError("bad payload"), False),
    ],
)
def test_only_a_lost_or_refused_connection_counts_as_a_connection_error(
    error: BaseException, expected: bool
) -> None:
    assert is_connection_error(error) is expected


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(1, 0.1), (2, 0.2), (3, 0.4), (6, 3.2), (7, RECONNECT_MAX_DELAY_SECONDS), (500, 5.0)],
)
def test_reconnect_delay_doubles_up_to_its_cap(failures: int, expected: float) -> None:
    assert compute_reconnect_delay_seconds(failures) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("deaths", "expected"), [(1, 1.0), (2, 2.0), (5, 16.0), (6, RESPAWN_MAX_DELAY_SECONDS)]
)
def test_respawn_delay_doubles_up_to_its_cap(deaths: int, expected: float) -> None:
    assert compute_respawn_delay_seconds(deaths) == expected


@pytest.mark.parametrize(
    "compute", [compute_reconnect_delay_seconds, compute_respawn_delay_seconds]
)
def test_delays_need_at_least_one_failure(compute: Callable[[int], float]) -> None:
    with pytest.raises(ValueError, match=">= 1"):
        compute(0)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValueError("bad round\nsecond line"), "ValueError: bad round"),
        (KeyError("victim"), "KeyError: 'victim'"),
        (RuntimeError(), "RuntimeError"),
    ],
)
def test_the_error_line_is_the_type_and_first_line(error: Exception, expected: str) -> None:
    assert describe_error(error) == expected


def test_a_long_error_line_is_cut() -> None:
    line = describe_error(ValueError("x" * 5000))

    assert len(line) == ERROR_LINE_MAX_CHARS
    assert line.endswith("…")


@pytest.mark.parametrize(
    ("exitcode", "expected"),
    [
        (0, "exit code 0"),
        (1, "exit code 1"),
        (-signal.SIGKILL, "signal SIGKILL"),
        (None, "still running"),
    ],
)
def test_a_child_exit_is_described(exitcode: int | None, expected: str) -> None:
    assert describe_exit(exitcode) == expected


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"concurrency": 0}, "concurrency must be >= 1"), ({"kinds": ()}, "at least one kind")],
)
def test_impossible_worker_options_are_refused(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkerOptions(**arguments)


@dataclass
class Harness:
    """A loop over ``runtime`` with its own registry and metrics."""

    runtime: Runtime
    handlers: HandlerRegistry
    registry: CollectorRegistry
    stop: threading.Event

    def loop(
        self,
        *,
        burst: bool = True,
        kinds: tuple[str, ...] | None = None,
        schedules: tuple[Schedule, ...] = (),
    ) -> WorkerLoop:
        return WorkerLoop(
            self.runtime,
            handlers=self.handlers,
            metrics=WorkerMetrics(self.registry),
            stop=self.stop,
            worker_id="test-worker",
            kinds=kinds,
            burst=burst,
            schedules=schedules,
        )

    def enqueue(self, kind: str, key: str, **payload: Any) -> int:
        return self.runtime.ledger.enqueue(kind, key, payload).job_id

    def job(self, job_id: int) -> Job:
        return self.runtime.ledger.get(job_id)

    def count(self, kind: str, outcome: str) -> float:
        value = self.registry.get_sample_value(
            "scoreline_jobs_total", {"kind": kind, "outcome": outcome}
        )
        return value or 0.0


@pytest.fixture
def harness(runtime: Runtime) -> Harness:
    return Harness(runtime, HandlerRegistry(), CollectorRegistry(), threading.Event())


def test_a_handler_that_saves_leaves_its_job_done(harness: Harness) -> None:
    harness.handlers.register("aggregate", lambda _job, context: context.save(lambda _c: None))
    job_id = harness.enqueue("aggregate", "match-1", match_id="match-1")

    harness.loop().run()

    job = harness.job(job_id)
    assert (job.state, job.attempts, job.last_error) == (JobState.DONE, 1, None)
    assert harness.count("aggregate", "done") == 1


def test_a_handler_that_writes_nothing_is_completed_by_the_runner(harness: Harness) -> None:
    ran: list[int] = []
    harness.handlers.register("notify", lambda job, _context: ran.append(job.id))
    job_id = harness.enqueue("notify", "n-1")

    harness.loop().run()

    assert ran == [job_id]
    assert harness.job(job_id).state is JobState.DONE


def test_a_handler_that_completes_through_the_ledger_itself_is_not_completed_twice(
    harness: Harness,
) -> None:
    def complete_directly(job: Job, context: JobContext) -> None:
        with context.engine.begin() as conn:
            context.ledger.complete(job, conn)

    harness.handlers.register("direct", complete_directly)
    job_id = harness.enqueue("direct", "d-1")

    harness.loop().run()

    assert harness.job(job_id).state is JobState.DONE
    assert harness.count("direct", "done") == 1


def explode(job: Job, _context: JobContext) -> None:
    raise ValueError(f"round 3 has no winner in {job.key}")


def test_a_failing_handler_is_retried_then_dead_with_its_error_and_traceback(
    harness: Harness,
) -> None:
    harness.handlers.register("aggregate", explode)
    job_id = harness.enqueue("aggregate", "match-1")

    harness.loop().run()  # burst waits out the (short) backoffs

    job = harness.job(job_id)
    assert job.state is JobState.DEAD
    assert job.attempts == 3
    assert job.last_error == "ValueError: round 3 has no winner in match-1"
    assert job.last_traceback is not None
    assert "in explode" in job.last_traceback
    assert job.last_traceback.rstrip().endswith("ValueError: round 3 has no winner in match-1")
    assert harness.count("aggregate", "retry") == 2
    assert harness.count("aggregate", "dead") == 1


def test_a_job_of_an_unknown_kind_fails_with_a_clear_error(harness: Harness) -> None:
    harness.handlers.register("aggregate", explode)
    job_id = harness.enqueue("rollup", "day-1")

    harness.loop().run()

    job = harness.job(job_id)
    assert job.state is JobState.DEAD
    assert job.last_error == "no handler for job kind 'rollup' in this worker (it runs: aggregate)"


def test_kinds_limit_what_the_worker_claims(harness: Harness) -> None:
    harness.handlers.register("aggregate", lambda _job, _context: None)
    wanted = harness.enqueue("aggregate", "match-1")
    other = harness.enqueue("rollup", "day-1")

    loop = harness.loop(kinds=("aggregate",))
    assert loop.run_one() is True
    assert loop.run_one() is False

    assert harness.job(wanted).state is JobState.DONE
    assert harness.job(other).state is JobState.QUEUED


def test_a_connection_lost_inside_the_handler_reruns_it_without_using_an_attempt(
    harness: Harness,
) -> None:
    runs: list[int] = []

    def flaky(_job: Job, context: JobContext) -> None:
        runs.append(1)
        if len(runs) < 3:
            raise _operational_error("terminating connection due to administrator command")
        context.save(lambda _conn: None)

    harness.handlers.register("aggregate", flaky)
    job_id = harness.enqueue("aggregate", "match-1")

    harness.loop().run()

    job = harness.job(job_id)
    assert len(runs) == 3
    assert (job.state, job.attempts) == (JobState.DONE, 1)
    assert (
        harness.registry.get_sample_value(
            "scoreline_worker_database_errors_total", {"operation": "job"}
        )
        == 2
    )


def test_a_job_taken_over_by_another_worker_is_dropped_without_writing(
    harness: Harness,
) -> None:
    def lose_the_lease(job: Job, context: JobContext) -> None:
        with context.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job.id).values(worker_id="other"))
        context.save(lambda _conn: None)

    harness.handlers.register("aggregate", lose_the_lease)
    job_id = harness.enqueue("aggregate", "match-1")

    loop = harness.loop()
    loop.run_one()

    job = harness.job(job_id)
    assert (job.state, job.worker_id) == (JobState.RUNNING, "other")
    assert harness.count("aggregate", "lease_lost") == 1


def test_the_heartbeat_keeps_a_long_job_from_being_taken_over(
    make_runtime: RuntimeFactory,
) -> None:
    runtime = make_runtime(job_lease_seconds=0.6)
    harness = Harness(runtime, HandlerRegistry(), CollectorRegistry(), threading.Event())
    taken: list[list[Job]] = []

    def slow(_job: Job, context: JobContext) -> None:
        time.sleep(1.0)  # past the 0.6 s lease: only heartbeats keep it
        taken.append(runtime.ledger.claim("thief", lease_seconds=10))
        context.save(lambda _conn: None)

    harness.handlers.register("aggregate", slow)
    job_id = harness.enqueue("aggregate", "match-1")

    harness.loop().run_one()

    assert taken == [[]]
    job = harness.job(job_id)
    assert (job.state, job.attempts, job.worker_id) == (JobState.DONE, 1, "test-worker")


def test_burst_waits_for_a_job_whose_worker_died_then_does_it(
    make_runtime: RuntimeFactory,
) -> None:
    runtime = make_runtime()
    harness = Harness(runtime, HandlerRegistry(), CollectorRegistry(), threading.Event())
    harness.handlers.register("aggregate", lambda _job, context: context.save(lambda _c: None))
    job_id = harness.enqueue("aggregate", "match-1")
    runtime.ledger.claim("killed-worker", lease_seconds=0.3)  # and never heard from again

    started = time.monotonic()
    harness.loop().run()

    job = harness.job(job_id)
    assert (job.state, job.attempts, job.worker_id) == (JobState.DONE, 2, "test-worker")
    assert time.monotonic() - started >= 0.25


def test_burst_ends_at_once_on_an_empty_ledger(harness: Harness) -> None:
    started = time.monotonic()

    harness.loop().run()

    assert time.monotonic() - started < 1


def test_a_stop_request_lets_the_current_job_finish_and_leaves_the_rest_queued(
    harness: Harness,
) -> None:
    def stop_while_working(_job: Job, context: JobContext) -> None:
        harness.stop.set()  # as the SIGTERM handler does
        context.save(lambda _conn: None)

    harness.handlers.register("aggregate", stop_while_working)
    first = harness.enqueue("aggregate", "match-1")
    rest = [harness.enqueue("aggregate", f"match-{n}") for n in range(2, 5)]

    harness.loop(burst=False).run()

    assert harness.job(first).state is JobState.DONE
    assert [harness.job(job_id).state for job_id in rest] == [JobState.QUEUED] * 3


def test_a_stopped_idle_worker_returns_within_a_second(harness: Harness) -> None:
    loop = harness.loop(burst=False)
    threading.Timer(0.2, harness.stop.set).start()

    started = time.monotonic()
    loop.run()

    assert time.monotonic() - started < 1.5


class UnreachableFor:
    """A ledger whose first ``failures`` claims fail as if the server had restarted."""

    def __init__(self, ledger: JobLedger, failures: int) -> None:
        self._ledger = ledger
        self.failures = failures

    def claim(self, *args: Any, **kwargs: Any) -> list[Job]:
        if self.failures:
            self.failures -= 1
            raise _operational_error("connection refused")
        return self._ledger.claim(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ledger, name)


@dataclass(frozen=True)
class FlakyRuntime:
    settings: Any
    engine: Engine
    ledger: Any


def test_the_loop_outlives_a_database_that_refuses_connections(harness: Harness) -> None:
    flaky = FlakyRuntime(
        harness.runtime.settings,
        harness.runtime.engine,
        UnreachableFor(harness.runtime.ledger, failures=2),
    )
    harness.handlers.register("aggregate", lambda _job, _context: None)
    job_id = harness.enqueue("aggregate", "match-1")
    loop = WorkerLoop(
        flaky,
        handlers=harness.handlers,
        metrics=WorkerMetrics(harness.registry),
        stop=harness.stop,
        burst=True,
    )

    loop.run()

    assert harness.job(job_id).state is JobState.DONE
    assert (
        harness.registry.get_sample_value(
            "scoreline_worker_database_errors_total", {"operation": "claim"}
        )
        == 2
    )


def test_companions_run_beside_the_worker_and_stop_with_it(runtime: Runtime) -> None:
    seen: list[str] = []

    def companion(stop: threading.Event) -> None:
        seen.append("started")
        stop.wait(10)
        seen.append("stopped")

    def crashing(_stop: threading.Event) -> None:
        raise RuntimeError("redis went away for good")

    code = run_workers(
        runtime,
        lambda: nullcontext(runtime),
        WorkerOptions(burst=True),
        companions=[companion, crashing],
    )

    assert code == 0
    assert seen == ["started", "stopped"]


# Once a year at a fixed instant: the latest slot stays the same while a test runs.
YEARLY = Schedule(name="yearly", cron="0 0 1 1 *", kind="yearly")


def test_a_due_schedule_slot_is_enqueued_and_run_once_by_any_number_of_workers(
    harness: Harness,
) -> None:
    ran: list[str] = []
    harness.handlers.register("yearly", lambda job, _context: ran.append(job.key))

    other = Harness(harness.runtime, harness.handlers, CollectorRegistry(), threading.Event())

    harness.loop(schedules=(YEARLY,)).run()
    other.loop(schedules=(YEARLY,)).run()

    (job,) = harness.runtime.ledger.list(kind="yearly")
    slot = datetime.fromisoformat(job.payload["scheduled_for"])
    assert (slot.month, slot.day, slot.hour, slot.minute) == (1, 1, 0, 0)
    assert slot <= datetime.now(UTC)
    assert ran == [job.key] == [f"yearly@{slot.isoformat()}"]
    assert job.state is JobState.DONE


def test_a_worker_limited_to_other_kinds_does_not_schedule(harness: Harness) -> None:
    harness.handlers.register("aggregate", lambda _job, _context: None)

    harness.loop(kinds=("aggregate",), schedules=(YEARLY,)).run()

    assert harness.runtime.ledger.list(kind="yearly") == []
