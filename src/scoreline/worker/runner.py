"""The worker processes: claim a job, run its handler under a heartbeat, record the outcome."""

from __future__ import annotations

import contextvars
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import monotonic, perf_counter
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg
import structlog
from prometheus_client import CollectorRegistry
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from structlog.typing import FilteringBoundLogger

from scoreline.domain.errors import ScorelineError
from scoreline.jobs.errors import LeaseLostError
from scoreline.jobs.model import Job, JobState
from scoreline.jobs.schedules import Schedule, compute_next_slot
from scoreline.worker.handlers import (
    HANDLERS,
    HandlerRegistry,
    JobContext,
    WorkerRuntime,
    find_match_id,
    import_handler_modules,
)
from scoreline.worker.logs import LogFormat, LogLevel, configure_logging, get_logger
from scoreline.worker.metrics import (
    MULTIPROC_DIR_ENV,
    OUTCOME_DEAD,
    OUTCOME_DONE,
    OUTCOME_LEASE_LOST,
    OUTCOME_RETRY,
    WorkerMetrics,
    build_exporter_registry,
    forget_process,
    serve_metrics,
)

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

T = TypeVar("T")

# Modules whose import registers the handlers every worker runs; --handlers-module adds more.
BUILTIN_HANDLER_MODULES: tuple[str, ...] = (
    "scoreline.worker.aggregate",
    "scoreline.worker.retention",
)

# Longest an idle worker waits before it looks at its stop flag again.
IDLE_WAIT_SECONDS = 1.0
# In burst mode a worker with nothing to claim is only waiting for a sibling's last job.
BURST_IDLE_WAIT_SECONDS = 0.1
# Waits between attempts to reach a database that went away: doubled, capped.
RECONNECT_FIRST_DELAY_SECONDS = 0.1
RECONNECT_MAX_DELAY_SECONDS = 5.0
# Runs of a handler interrupted by a lost connection, before the attempt counts as failed.
IN_PLACE_RERUNS = 3
# A child that died is replaced after a delay that doubles while it keeps dying young.
RESPAWN_FIRST_DELAY_SECONDS = 1.0
RESPAWN_MAX_DELAY_SECONDS = 30.0
RESPAWN_HEALTHY_AFTER_SECONDS = 60.0
# How long the end of a run waits for a companion thread to notice its stop event.
COMPANION_JOIN_SECONDS = 30.0
# How often the parent looks at its stop flag and its children.
SUPERVISE_TICK_SECONDS = 0.2
# The ledger's last_error column holds one line; the traceback column has the rest.
ERROR_LINE_MAX_CHARS = 1000
_WORKER_ID_MAX_CHARS = 200
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

RuntimeOpener = Callable[[], AbstractContextManager[WorkerRuntime]]
# Work that runs beside the workers, in a thread of the parent process, until the event it is
# given is set: at SIGTERM, or when a burst run ends (the Redis ingress: RedisIngress.run).
Companion = Callable[[threading.Event], None]


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How ``scoreline worker`` was asked to run."""

    concurrency: int = 1
    burst: bool = False  # exit once no job is queued or running (delays and leases waited out)
    metrics_port: int | None = None  # serve Prometheus metrics on this port (0: any free one)
    kinds: tuple[str, ...] | None = None  # only claim these kinds; None claims every kind
    handler_modules: tuple[str, ...] = ()  # imported in every process to register handlers
    # Enqueued by every worker process when a slot is due: the ledger's unique key per
    # (schedule, slot) makes one job of each slot, so no worker has to lead.
    schedules: tuple[Schedule, ...] = ()

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {self.concurrency}")
        if self.kinds is not None and not self.kinds:
            raise ValueError("kinds must name at least one kind, or be None for every kind")


def is_connection_error(error: BaseException) -> bool:
    """True when ``error`` means the database went away or refused us, not that the job is bad.

    PostgreSQL restarts and terminated backends surface as OperationalError (or any DBAPI
    error flagged connection_invalidated); a SQLite writer lock held past the busy timeout
    is an OperationalError too. psycopg's own error comes through raw from COPY writes.
    """
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError | psycopg.OperationalError)


def compute_reconnect_delay_seconds(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive connection failures (1, 2, ...)."""
    if failures < 1:
        raise ValueError(f"failures must be >= 1, got {failures}")
    exponent = min(failures - 1, 16)
    return min(RECONNECT_MAX_DELAY_SECONDS, RECONNECT_FIRST_DELAY_SECONDS * 2.0**exponent)


def compute_respawn_delay_seconds(deaths_in_a_row: int) -> float:
    """Seconds before replacing a child that died young ``deaths_in_a_row`` times running."""
    if deaths_in_a_row < 1:
        raise ValueError(f"deaths_in_a_row must be >= 1, got {deaths_in_a_row}")
    exponent = min(deaths_in_a_row - 1, 16)
    return min(RESPAWN_MAX_DELAY_SECONDS, RESPAWN_FIRST_DELAY_SECONDS * 2.0**exponent)


def describe_error(error: BaseException) -> str:
    """One line for the ledger's last_error: the exception's type and its first line."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    if len(text) > ERROR_LINE_MAX_CHARS:
        return text[: ERROR_LINE_MAX_CHARS - 1] + "…"
    return text


def describe_exit(exitcode: int | None) -> str:
    """'exit code 3' or 'signal SIGKILL' for a child's exitcode."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def build_worker_id() -> str:
    """Who holds a claim: host, process and a random part (pids repeat across containers)."""
    worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return worker_id[-_WORKER_ID_MAX_CHARS:]


def _job_fields(job: Job) -> dict[str, Any]:
    fields: dict[str, Any] = {"job_id": job.id, "job_kind": job.kind, "attempt": job.attempts}
    match_id = find_match_id(job)
    if match_id is not None:
        fields["match_id"] = match_id
    return fields


class Heartbeat:
    """One thread per process that extends the lease of the job being run every lease/3.

    Long-lived rather than one thread per job: a job takes milliseconds, and starting a
    thread for each would cost a noticeable share of that.
    """

    def __init__(
        self,
        runtime: WorkerRuntime,
        worker_id: str,
        metrics: WorkerMetrics,
        log: FilteringBoundLogger,
    ) -> None:
        self._ledger = runtime.ledger
        self._lease_seconds = runtime.settings.job_lease_seconds
        self._interval_seconds = self._lease_seconds / 3
        self._worker_id = worker_id
        self._metrics = metrics
        self._log = log
        self._condition = threading.Condition()
        self._job: Job | None = None
        self._last_beat = 0.0
        self._lost = False
        self._closed = False
        self._thread: threading.Thread | None = None

    @property
    def lost(self) -> bool:
        """True when a heartbeat found the job no longer held by this worker."""
        with self._condition:
            return self._lost

    @contextmanager
    def beating(self, job: Job) -> Iterator[Heartbeat]:
        """Keep ``job``'s lease alive while inside."""
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=contextvars.Context().run,
                    args=(self._beat,),
                    name="scoreline-heartbeat",
                    daemon=True,
                )
                self._thread.start()
            self._job = job
            self._last_beat = monotonic()
            self._lost = False
            self._condition.notify_all()
        try:
            yield self
        finally:
            with self._condition:
                self._job = None
                self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=self._lease_seconds)

    def _beat(self) -> None:
        while True:
            with self._condition:
                while self._job is None and not self._closed:
                    self._condition.wait()
                if self._closed:
                    return
                job = self._job
                remaining = self._last_beat + self._interval_seconds - monotonic()
                if job is None or remaining > 0:
                    self._condition.wait(max(remaining, 0.0))
                    continue
                self._last_beat = monotonic()
            self._send(job)

    def _send(self, job: Job) -> None:
        try:
            held = self._ledger.heartbeat(job.id, self._worker_id, self._lease_seconds)
        except Exception as error:
            # The next beat tries again (pre-ping reconnects); until the lease runs out the
            # job is still ours.
            if is_connection_error(error):
                self._metrics.record_database_error("heartbeat")
            self._log.warning("heartbeat failed", error=describe_error(error), **_job_fields(job))
            return
        with self._condition:
            if held or self._job is not job:
                return  # a beat that raced the job's own completion says nothing
            self._lost = True
        self._log.warning(
            "lease lost: the job was taken over or finished elsewhere", **_job_fields(job)
        )


class WorkerLoop:
    """One worker process's loop: claim one job, run it, record the outcome, repeat."""

    def __init__(
        self,
        runtime: WorkerRuntime,
        *,
        handlers: HandlerRegistry,
        metrics: WorkerMetrics,
        stop: threading.Event,
        worker_id: str | None = None,
        kinds: tuple[str, ...] | None = None,
        burst: bool = False,
        schedules: Sequence[Schedule] = (),
    ) -> None:
        self._runtime = runtime
        self._ledger = runtime.ledger
        self._handlers = handlers
        self._metrics = metrics
        self._stop = stop
        self.worker_id = worker_id or build_worker_id()
        self._kinds = kinds
        self._burst = burst
        self._lease_seconds = runtime.settings.job_lease_seconds
        self._log = get_logger("scoreline.worker").bind(worker_id=self.worker_id)
        self._heartbeat = Heartbeat(runtime, self.worker_id, metrics, self._log)
        self.outcomes: dict[str, int] = {}
        # A worker limited to other kinds does not queue jobs it would not run.
        self._schedules = tuple(s for s in schedules if kinds is None or s.kind in kinds)
        self._next_slot_at: datetime | None = None  # None: look at the schedules now

    def run(self) -> None:
        """Work until the stop flag is set, or (burst) until no job is queued or running."""
        self._log.info("worker started", kinds=self._kinds, burst=self._burst)
        try:
            while not self._stop.is_set():
                self._retrying("schedule", self._enqueue_due_schedules)
                claimed = self.run_one()
                if claimed is None or claimed:
                    continue
                if self._burst:
                    remains = self._retrying("burst check", self._work_remains)
                    if remains is False:
                        break
                self._retrying("wait", self._wait)
        finally:
            self._heartbeat.close()
        self._log.info("worker stopped", outcomes=dict(self.outcomes))

    def run_one(self) -> bool | None:
        """Claim and run one job: True if one ran, False if none was claimable, None when the
        database could not be reached."""
        jobs = self._retrying("claim", self._claim)
        if jobs is None:
            return None
        for job in jobs:
            self._run_job(job)
        return bool(jobs)

    def _enqueue_due_schedules(self) -> bool:
        """Enqueue each schedule's latest slot once a new one is due (at start: the last one,
        a catch-up); True when the schedules are up to date."""
        if not self._schedules:
            return True
        now = datetime.now(UTC)
        if self._next_slot_at is not None and now < self._next_slot_at:
            return True
        self._ledger.enqueue_due_schedules(self._schedules, now=now)
        self._next_slot_at = min(compute_next_slot(s.cron, now) for s in self._schedules)
        return True

    def _claim(self) -> list[Job]:
        return self._ledger.claim(
            self.worker_id, kinds=self._kinds, lease_seconds=self._lease_seconds, limit=1
        )

    def _wait(self) -> bool:
        timeout = BURST_IDLE_WAIT_SECONDS if self._burst else IDLE_WAIT_SECONDS
        return self._ledger.wait_for_jobs(timeout, kinds=self._kinds)

    def _work_remains(self) -> bool:
        # Running jobs count: a killed sibling's job comes back when its lease expires.
        for state in (JobState.QUEUED, JobState.RUNNING):
            for kind in self._kinds or (None,):
                if self._ledger.list(state=state, kind=kind, limit=1):
                    return True
        return False

    def _run_job(self, job: Job) -> None:
        with structlog.contextvars.bound_contextvars(**_job_fields(job)):
            started = perf_counter()
            self._log.debug("job started")
            outcome, timings = self._execute(job)
            seconds = perf_counter() - started
            self._metrics.record_job(job.kind, outcome, seconds, timings)
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            self._log.info(
                "job finished",
                outcome=outcome,
                duration_ms=round(seconds * 1000, 3),
                **{f"{phase}_ms": round(value * 1000, 3) for phase, value in timings.items()},
            )

    def _execute(self, job: Job) -> tuple[str, Mapping[str, float]]:
        handler = self._handlers.find(job.kind)
        if handler is None:
            known = ", ".join(self._handlers.kinds) or "none"
            error = f"no handler for job kind {job.kind!r} in this worker (it runs: {known})"
            return self._fail(job, error, "", None), {}
        timings: Mapping[str, float] = {}
        with self._heartbeat.beating(job) as heartbeat:
            for run in range(IN_PLACE_RERUNS + 1):
                context = JobContext(
                    job,
                    engine=self._runtime.engine,
                    ledger=self._ledger,
                    settings=self._runtime.settings,
                    log=self._log,
                )
                try:
                    handler(job, context)
                    if not context.completed:
                        self._complete(job)
                    return OUTCOME_DONE, context.timings
                except LeaseLostError:
                    return self._lease_lost(job), context.timings
                except Exception as error:
                    timings = context.timings
                    if is_connection_error(error) and run < IN_PLACE_RERUNS and not heartbeat.lost:
                        self._metrics.record_database_error("job")
                        self._log.warning(
                            "database connection lost during the job; running it again",
                            error=describe_error(error),
                        )
                        self._pause(compute_reconnect_delay_seconds(run + 1), interruptible=False)
                        continue
                    return self._fail(
                        job, describe_error(error), traceback.format_exc(), error
                    ), timings
        return OUTCOME_RETRY, timings  # not reached: the last run returns

    def _complete(self, job: Job) -> None:
        with self._runtime.engine.begin() as connection:
            self._ledger.complete(job, connection)

    def _lease_lost(self, job: Job) -> str:
        # A commit whose acknowledgement was lost, run again, finds its own work done.
        try:
            current = self._ledger.get(job.id)
        except Exception as error:
            self._log.warning("cannot read the job back", error=describe_error(error))
        else:
            if (
                current.state is JobState.DONE
                and current.worker_id == job.worker_id
                and current.attempts == job.attempts
            ):
                return OUTCOME_DONE
        self._log.warning(
            "lease lost: another worker has the job; this run is dropped, nothing committed"
        )
        return OUTCOME_LEASE_LOST

    def _fail(
        self, job: Job, error: str, traceback_text: str, exception: BaseException | None
    ) -> str:
        deadline = monotonic() + self._lease_seconds
        final = isinstance(exception, ScorelineError) and not exception.retryable
        try:
            updated = self._retrying(
                "fail",
                lambda: self._ledger.fail(job, error, traceback_text, final=final),
                deadline=deadline,
            )
        except LeaseLostError:
            return self._lease_lost(job)
        if updated is None:
            # The database stayed away: the lease expires and the attempt counts anyway.
            self._log.error("could not record the failure", error=error)
            return OUTCOME_RETRY
        if updated.state is JobState.DEAD:
            self._log.error("job failed its last attempt: dead", error=error, exc_info=exception)
            return OUTCOME_DEAD
        self._log.warning(
            "job failed; retrying later",
            error=error,
            next_attempt_at=updated.run_at.isoformat(),
            exc_info=exception,
        )
        return OUTCOME_RETRY

    def _retrying(
        self, operation: str, call: Callable[[], T], *, deadline: float | None = None
    ) -> T | None:
        """``call()``, again and again while the database is unreachable; None when the stop
        flag is set (for loop operations) or ``deadline`` passes first."""
        failures = 0
        while True:
            try:
                return call()
            except Exception as error:
                if not is_connection_error(error):
                    raise
                failures += 1
                self._metrics.record_database_error(operation)
                delay = compute_reconnect_delay_seconds(failures)
                self._log.warning(
                    "database unreachable; trying again",
                    operation=operation,
                    error=describe_error(error),
                    retry_in_s=delay,
                )
            if deadline is not None and monotonic() + delay > deadline:
                return None
            interruptible = deadline is None
            if not self._pause(delay, interruptible=interruptible) and interruptible:
                return None

    def _pause(self, seconds: float, *, interruptible: bool) -> bool:
        """Sleep; False when the stop flag cut an interruptible sleep short."""
        if interruptible:
            return not self._stop.wait(seconds)
        time.sleep(seconds)
        return True


def run_workers(
    runtime: WorkerRuntime,
    open_child_runtime: RuntimeOpener,
    options: WorkerOptions,
    *,
    companions: Sequence[Companion] = (),
) -> int:
    """Run the worker as ``options`` say; returns the exit code.

    One process (``concurrency`` 1) runs the loop itself. Several are spawned children of
    this one, which forwards SIGTERM/SIGINT to them, replaces a child that died (unless in
    burst mode) and serves the merged Prometheus metrics.

    ``runtime`` is this process's (its schema already prepared); ``open_child_runtime`` must
    be picklable (a module-level function or a partial of one): each spawned child calls it
    to build an engine and ledger of its own, as an engine must never cross processes.
    ``companions`` run in threads of this process for as long as the workers do.
    """
    log = get_logger("scoreline.worker")
    import_handler_modules((*BUILTIN_HANDLER_MODULES, *options.handler_modules))
    kinds = HANDLERS.check_kinds(options.kinds) if options.kinds is not None else None
    log.info(
        "worker starting",
        concurrency=options.concurrency,
        burst=options.burst,
        kinds=kinds,
        handlers=HANDLERS.kinds,
        schedules=[schedule.name for schedule in options.schedules],
        database=runtime.engine.url.render_as_string(hide_password=True),
    )
    if options.concurrency == 1:
        return _run_in_process(runtime, options, kinds, companions)
    return _Supervisor(runtime, open_child_runtime, options, companions).run()


def _run_in_process(
    runtime: WorkerRuntime,
    options: WorkerOptions,
    kinds: tuple[str, ...] | None,
    companions: Sequence[Companion],
) -> int:
    stop = threading.Event()
    with _stopping_on_signals(lambda _signum: stop.set()):
        registry: CollectorRegistry | None = None
        if options.metrics_port is not None:
            registry = build_exporter_registry(runtime.ledger, None)
        metrics = WorkerMetrics(registry)
        with serve_metrics(options.metrics_port, registry or CollectorRegistry()) as port:
            if port is not None:
                get_logger("scoreline.worker").info("serving metrics", port=port)
            with _running_companions(companions, stop):
                WorkerLoop(
                    runtime,
                    handlers=HANDLERS,
                    metrics=metrics,
                    stop=stop,
                    kinds=kinds,
                    burst=options.burst,
                    schedules=options.schedules,
                ).run()
    return 0


@contextmanager
def _running_companions(companions: Sequence[Companion], stop: threading.Event) -> Iterator[None]:
    """Run each companion in a thread while inside; on the way out set ``stop`` and wait."""
    threads = [
        threading.Thread(
            target=_run_companion,
            args=(companion, stop),
            name=f"scoreline-companion-{index}",
            daemon=True,
        )
        for index, companion in enumerate(companions)
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=COMPANION_JOIN_SECONDS)


def _run_companion(companion: Companion, stop: threading.Event) -> None:
    try:
        companion(stop)
    except Exception:
        # The workers go on: the ledger still holds every job the companion fed it.
        get_logger("scoreline.worker").exception(
            "companion stopped with an error", companion=getattr(companion, "__qualname__", "?")
        )


@contextmanager
def _stopping_on_signals(on_signal: Callable[[int], None]) -> Iterator[None]:
    """Call ``on_signal`` on SIGTERM and SIGINT while inside (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        on_signal(signum)

    previous = {signum: signal.signal(signum, handle) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run_child(
    open_runtime: RuntimeOpener,
    options: WorkerOptions,
    slot: int,
    log_settings: tuple[LogFormat, LogLevel],
) -> None:
    """Entry point of a spawned worker process."""
    stop = threading.Event()
    code = 1
    # Installed first: a SIGTERM from now on lets the current job finish.
    with _stopping_on_signals(lambda _signum: stop.set()):
        log_format, log_level = log_settings
        configure_logging(log_format, log_level)
        log = get_logger("scoreline.worker").bind(slot=slot)
        try:
            import_handler_modules((*BUILTIN_HANDLER_MODULES, *options.handler_modules))
            with open_runtime() as runtime:
                WorkerLoop(
                    runtime,
                    handlers=HANDLERS,
                    metrics=WorkerMetrics(None),
                    stop=stop,
                    kinds=options.kinds,
                    burst=options.burst,
                    schedules=options.schedules,
                ).run()
            code = 0
        except Exception:
            log.exception("worker process failed")
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            # Everything is closed and every log line written: skip the interpreter's
            # teardown, which takes a good part of a second with SQLAlchemy and Alembic
            # loaded, and would delay the end of every burst run by as much.
            os._exit(code)


class _Supervisor:
    """The parent of several worker processes."""

    def __init__(
        self,
        runtime: WorkerRuntime,
        open_child_runtime: RuntimeOpener,
        options: WorkerOptions,
        companions: Sequence[Companion],
    ) -> None:
        self._runtime = runtime
        self._companions = companions
        self._open_child_runtime = open_child_runtime
        self._options = options
        self._context = multiprocessing.get_context("spawn")
        self._stopping = threading.Event()
        self._children: dict[int, BaseProcess] = {}
        self._started_at: dict[int, float] = {}
        self._deaths_in_a_row: dict[int, int] = {}
        self._respawn_at: dict[int, float] = {}
        self._failed = False
        self._log = get_logger("scoreline.worker")
        settings = runtime.settings
        self._log_settings = (settings.log_format, settings.log_level)

    def run(self) -> int:
        with self._metrics_directory() as multiproc_dir, _stopping_on_signals(self._on_signal):
            registry = build_exporter_registry(self._runtime.ledger, multiproc_dir)
            with serve_metrics(self._options.metrics_port, registry) as port:
                if port is not None:
                    self._log.info("serving metrics", port=port)
                with _running_companions(self._companions, self._stopping):
                    for slot in range(self._options.concurrency):
                        self._start(slot)
                    self._supervise(multiproc_dir)
        self._log.info("worker stopped", failed=self._failed)
        return 1 if self._failed else 0

    def _on_signal(self, _signum: int) -> None:
        # Only a flag: the loop below forwards it, outside the signal handler.
        self._stopping.set()

    def _supervise(self, multiproc_dir: Path | None) -> None:
        forwarded = False
        while self._children or self._respawn_at:
            if self._stopping.is_set() and not forwarded:
                forwarded = True
                self._respawn_at.clear()
                self._log.info("stopping: each worker process finishes its current job")
                for process in self._children.values():
                    _send_signal(process, signal.SIGTERM)
            sentinels = [process.sentinel for process in self._children.values()]
            if sentinels:
                multiprocessing.connection.wait(sentinels, timeout=SUPERVISE_TICK_SECONDS)
            else:
                self._stopping.wait(SUPERVISE_TICK_SECONDS)
            for slot, process in list(self._children.items()):
                if process.exitcode is not None:
                    self._reap(slot, process, multiproc_dir)
            now = monotonic()
            for slot, due in list(self._respawn_at.items()):
                if due <= now and not self._stopping.is_set():
                    del self._respawn_at[slot]
                    self._start(slot)

    def _start(self, slot: int) -> None:
        process = self._context.Process(
            target=_run_child,
            args=(self._open_child_runtime, self._options, slot, self._log_settings),
            name=f"scoreline-worker-{slot}",
        )
        process.start()
        self._children[slot] = process
        self._started_at[slot] = monotonic()
        if self._stopping.is_set():
            _send_signal(process, signal.SIGTERM)  # the signal came while it was starting
        self._log.info("worker process started", slot=slot, pid=process.pid)

    def _reap(self, slot: int, process: BaseProcess, multiproc_dir: Path | None) -> None:
        process.join()
        del self._children[slot]
        if multiproc_dir is not None and process.pid is not None:
            forget_process(process.pid, multiproc_dir)
        exitcode = process.exitcode
        clean = exitcode == 0 or (
            self._stopping.is_set() and exitcode in (-signal.SIGTERM, -signal.SIGINT)
        )
        fields = {"slot": slot, "pid": process.pid, "exit": describe_exit(exitcode)}
        if clean:
            self._log.info("worker process exited", **fields)
            if self._options.burst or self._stopping.is_set():
                return
        else:
            self._log.error(
                "worker process died; a job it held is taken again when its lease expires",
                **fields,
            )
            if self._options.burst or self._stopping.is_set():
                self._failed = True
                return
        lived = monotonic() - self._started_at.pop(slot, monotonic())
        deaths = (
            1 if lived >= RESPAWN_HEALTHY_AFTER_SECONDS else self._deaths_in_a_row.get(slot, 0) + 1
        )
        self._deaths_in_a_row[slot] = deaths
        delay = compute_respawn_delay_seconds(deaths)
        self._respawn_at[slot] = monotonic() + delay
        self._log.info("replacing the worker process", slot=slot, in_s=delay)

    @contextmanager
    def _metrics_directory(self) -> Iterator[Path | None]:
        """A fresh PROMETHEUS_MULTIPROC_DIR for the children while inside, when metrics are
        served; set in this process's environment, which spawned children inherit."""
        if self._options.metrics_port is None:
            yield None
            return
        directory = Path(tempfile.mkdtemp(prefix="scoreline-metrics-"))
        previous = os.environ.get(MULTIPROC_DIR_ENV)
        os.environ[MULTIPROC_DIR_ENV] = str(directory)
        try:
            yield directory
        finally:
            if previous is None:
                os.environ.pop(MULTIPROC_DIR_ENV, None)
            else:
                os.environ[MULTIPROC_DIR_ENV] = previous
            shutil.rmtree(directory, ignore_errors=True)


def _send_signal(process: BaseProcess, signum: signal.Signals) -> None:
    if process.pid is None or process.exitcode is not None:
        return
    # It may exit between the check and the kill.
    with suppress(ProcessLookupError):
        os.kill(process.pid, signum)
