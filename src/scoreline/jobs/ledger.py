"""The job ledger port, and its SQL implementation on SQLite and PostgreSQL."""

from __future__ import annotations

import builtins
import json
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Update,
    case,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from scoreline.jobs.backoff import DEFAULT_BACKOFF, BackoffPolicy, compute_retry_delay_seconds
from scoreline.jobs.errors import (
    InvalidJobError,
    JobNotFoundError,
    JobStateError,
    LeaseLostError,
)
from scoreline.jobs.model import EnqueueResult, Job, JobState, JobStats
from scoreline.jobs.schedules import Schedule, compute_slot_key, find_due_slots
from scoreline.store import locks
from scoreline.store.engines import SQLITE_BEGIN_OPTION
from scoreline.store.schema import jobs

if TYPE_CHECKING:
    import psycopg

DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_LEASE_SECONDS = 30.0
# How often SQLite (no LISTEN/NOTIFY) looks for work while waiting.
DEFAULT_POLL_INTERVAL_SECONDS = 0.5
# The PostgreSQL channel every enqueue of a due job notifies, with the job's kind as payload.
NOTIFY_CHANNEL = "scoreline_jobs"
LEASE_EXPIRED_ERROR = "lease expired: the worker stopped before finishing this attempt"

# Bounds of the columns, checked up front so SQLite and PostgreSQL refuse the same values.
_MAX_KIND_LENGTH = 100
_MAX_KEY_LENGTH = 500
_MAX_WORKER_ID_LENGTH = 200
_PRIORITY_RANGE = range(-(2**31), 2**31)

# How long draining waits for more notifications once the pending ones are read.
_DRAIN_TIMEOUT_SECONDS = 0.001

_FINISHED_STATES = (JobState.DONE.value, JobState.DEAD.value)


def utc_now() -> datetime:
    """The ledger's default clock."""
    return datetime.now(UTC)


class JobLedger(ABC):
    """The durable job ledger of DESIGN.md ("Jobs"): at-least-once, leased, retried, replayable.

    A job is unique per (kind, key) for as long as its row exists. Workers ``claim`` jobs,
    ``heartbeat`` while they work, and ``complete`` inside the transaction that commits the
    job's results, or ``fail`` to retry it later; after ``max_attempts`` it is ``dead``.
    """

    @abstractmethod
    def enqueue(
        self,
        kind: str,
        key: str,
        payload: Mapping[str, Any],
        *,
        priority: int = 0,
        run_at: datetime | None = None,
        max_attempts: int | None = None,
        connection: Connection | None = None,
    ) -> EnqueueResult:
        """Create the job for (kind, key) unless one exists, in any state; inside ``connection``'s
        transaction when given, so the job commits or rolls back with the caller's data."""

    @abstractmethod
    def requeue(self, kind: str, key: str, *, connection: Connection | None = None) -> Job:
        """Queue the done or dead job for (kind, key) again with its attempts reset.

        A queued or running job is returned unchanged: the pending run covers the request.
        """

    @abstractmethod
    def claim(
        self,
        worker_id: str,
        *,
        kinds: Iterable[str] | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        limit: int = 1,
        now: datetime | None = None,
    ) -> builtins.list[Job]:
        """Take up to ``limit`` due jobs, highest priority then oldest run_at first.

        Running jobs whose lease expired are put back first (or made dead when out of
        attempts), so a killed worker's job is taken again.
        """

    @abstractmethod
    def heartbeat(
        self,
        job_id: int,
        worker_id: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        *,
        now: datetime | None = None,
    ) -> bool:
        """Extend the lease to ``now + lease_seconds``; False when the worker no longer holds it."""

    @abstractmethod
    def complete(self, job: Job, connection: Connection, *, now: datetime | None = None) -> None:
        """Mark ``job`` done inside the caller's transaction, or raise LeaseLostError.

        Held means still running under the same worker and attempt: a lease that expired
        but that no claimer has taken over yet still counts, as the work is done either way.
        """

    @abstractmethod
    def fail(
        self,
        job: Job,
        error: str,
        traceback: str,
        *,
        final: bool = False,
        now: datetime | None = None,
    ) -> Job:
        """Record a failed attempt: queue again after a backoff, or make it dead (at once when
        ``final``: no other attempt could succeed)."""

    @abstractmethod
    def retry(self, job_id: int, *, now: datetime | None = None) -> Job:
        """Replay a dead or done job now, with its attempts reset."""

    @abstractmethod
    def retry_all_dead(self, *, kind: str | None = None, now: datetime | None = None) -> int:
        """Replay every dead job (of ``kind`` when given); returns how many."""

    @abstractmethod
    def get(self, job_id: int) -> Job:
        """The job with this id, or JobNotFoundError."""

    @abstractmethod
    def find(self, kind: str, key: str) -> Job | None:
        """The job for (kind, key), if any."""

    @abstractmethod
    def list(
        self,
        *,
        state: JobState | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[Job]:
        """Jobs newest first, filtered by state and kind."""

    @abstractmethod
    def stats(self, *, now: datetime | None = None) -> JobStats:
        """Counts by state and the lag of the oldest due queued job."""

    @abstractmethod
    def lock_key(self, connection: Connection, key: str) -> None:
        """Serialise work on ``key`` (a match) until ``connection``'s transaction ends."""

    @abstractmethod
    def enqueue_due_schedules(
        self, schedules: Iterable[Schedule], *, now: datetime | None = None
    ) -> builtins.list[EnqueueResult]:
        """Enqueue each schedule's latest slot, once per (schedule, slot) however often called."""

    @abstractmethod
    def wait_for_jobs(self, timeout_seconds: float, *, kinds: Iterable[str] | None = None) -> bool:
        """Block until a job is claimable or ``timeout_seconds`` pass; True when one is.

        PostgreSQL wakes on NOTIFY (sent by enqueue and replays) and on the next run_at or
        lease expiry; SQLite polls. One waiter at a time per ledger.
        """

    @abstractmethod
    def close(self) -> None:
        """Release what the ledger holds open (the PostgreSQL listening connection)."""


class SqlLedger(JobLedger):
    """The ledger in the ``jobs`` table of the SQL store.

    Claims use ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite every
    transaction of the store's engine begins IMMEDIATE, so claimers take turns.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff: BackoffPolicy = DEFAULT_BACKOFF,
        poll_interval_seconds: float = DEFAULT_POLL_INTERVAL_SECONDS,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        if max_attempts < 1:
            raise InvalidJobError(f"max_attempts must be >= 1, got {max_attempts}")
        if poll_interval_seconds <= 0:
            raise InvalidJobError(f"poll_interval_seconds must be > 0, got {poll_interval_seconds}")
        self._engine = engine
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._poll_interval_seconds = poll_interval_seconds
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()
        self._is_postgres = engine.dialect.name == "postgresql"
        self._listener: psycopg.Connection[Any] | None = None
        self._listener_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self._engine

    def __enter__(self) -> SqlLedger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- producing work ------------------------------------------------------------------

    def enqueue(
        self,
        kind: str,
        key: str,
        payload: Mapping[str, Any],
        *,
        priority: int = 0,
        run_at: datetime | None = None,
        max_attempts: int | None = None,
        connection: Connection | None = None,
    ) -> EnqueueResult:
        _check_kind_and_key(kind, key)
        document = _check_payload(payload)
        if priority not in _PRIORITY_RANGE:
            raise InvalidJobError(f"priority {priority} is outside a 32-bit integer")
        attempts_allowed = self._max_attempts if max_attempts is None else max_attempts
        if attempts_allowed < 1:
            raise InvalidJobError(f"max_attempts must be >= 1, got {attempts_allowed}")
        now = self._now(None)
        due = now if run_at is None else _require_aware(run_at, "run_at")
        with self._transaction(connection) as conn:
            insert = _insert_for(conn).values(
                kind=kind,
                key=key,
                payload=document,
                state=JobState.QUEUED.value,
                priority=priority,
                run_at=due,
                attempts=0,
                max_attempts=attempts_allowed,
                created_at=now,
                updated_at=now,
            )
            # ON CONFLICT DO NOTHING: two enqueuers of one key never both create, and on
            # PostgreSQL the second waits for the first's transaction to settle.
            statement = insert.on_conflict_do_nothing(
                index_elements=[jobs.c.kind, jobs.c["key"]]
            ).returning(jobs.c.id)
            new_id = conn.execute(statement).scalar_one_or_none()
            if new_id is not None:
                if due <= now:
                    self._notify(conn, kind)
                return EnqueueResult(job_id=int(new_id), created=True)
            existing = conn.execute(
                select(jobs.c.id).where(jobs.c.kind == kind, jobs.c["key"] == key)
            ).scalar_one()
            return EnqueueResult(job_id=int(existing), created=False)

    def requeue(self, kind: str, key: str, *, connection: Connection | None = None) -> Job:
        _check_kind_and_key(kind, key)
        now = self._now(None)
        with self._transaction(connection) as conn:
            row = conn.execute(
                _restart_statement(now)
                .where(
                    jobs.c.kind == kind,
                    jobs.c["key"] == key,
                    jobs.c.state.in_(_FINISHED_STATES),
                )
                .returning(*jobs.c)
            ).first()
            if row is not None:
                self._notify(conn, kind)
                return Job.from_row(row._mapping)
            current = conn.execute(
                select(jobs).where(jobs.c.kind == kind, jobs.c["key"] == key)
            ).first()
        if current is None:
            raise JobNotFoundError(f"of kind {kind!r} with key {key!r}")
        return Job.from_row(current._mapping)

    def enqueue_due_schedules(
        self, schedules: Iterable[Schedule], *, now: datetime | None = None
    ) -> builtins.list[EnqueueResult]:
        at = self._now(now)
        results = []
        with self._engine.begin() as conn:
            for schedule, slot in find_due_slots(schedules, at):
                payload = {**schedule.payload, "scheduled_for": slot.isoformat()}
                results.append(
                    self.enqueue(
                        schedule.kind,
                        compute_slot_key(schedule.name, slot),
                        payload,
                        priority=schedule.priority,
                        run_at=slot,
                        connection=conn,
                    )
                )
        return results

    # -- working -------------------------------------------------------------------------

    def claim(
        self,
        worker_id: str,
        *,
        kinds: Iterable[str] | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        limit: int = 1,
        now: datetime | None = None,
    ) -> builtins.list[Job]:
        _check_worker_id(worker_id)
        if lease_seconds <= 0:
            raise InvalidJobError(f"lease_seconds must be > 0, got {lease_seconds}")
        if limit < 1:
            raise InvalidJobError(f"limit must be >= 1, got {limit}")
        wanted_kinds = _collect_kinds(kinds)
        at = self._now(now)
        with self._engine.begin() as conn:
            self._release_expired_leases(conn, at)
            candidates = (
                select(jobs.c.id)
                .where(jobs.c.state == JobState.QUEUED.value, jobs.c.run_at <= at)
                .order_by(jobs.c.priority.desc(), jobs.c.run_at, jobs.c.id)
                .limit(limit)
            )
            if wanted_kinds is not None:
                candidates = candidates.where(jobs.c.kind.in_(wanted_kinds))
            ids = conn.execute(self._lock_rows(candidates)).scalars().all()
            if not ids:
                return []
            rows = conn.execute(
                update(jobs)
                .where(jobs.c.id.in_(ids))
                .values(
                    state=JobState.RUNNING.value,
                    attempts=jobs.c.attempts + 1,
                    lease_expires_at=at + timedelta(seconds=lease_seconds),
                    worker_id=worker_id,
                    updated_at=at,
                )
                .returning(*jobs.c)
            ).all()
        claimed = [Job.from_row(row._mapping) for row in rows]
        # RETURNING follows no ORDER BY; hand jobs back in claim order.
        return sorted(claimed, key=lambda job: (-job.priority, job.run_at, job.id))

    def heartbeat(
        self,
        job_id: int,
        worker_id: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        *,
        now: datetime | None = None,
    ) -> bool:
        if lease_seconds <= 0:
            raise InvalidJobError(f"lease_seconds must be > 0, got {lease_seconds}")
        at = self._now(now)
        with self._engine.begin() as conn:
            result = conn.execute(
                update(jobs)
                .where(
                    jobs.c.id == job_id,
                    jobs.c.state == JobState.RUNNING.value,
                    jobs.c.worker_id == worker_id,
                )
                .values(lease_expires_at=at + timedelta(seconds=lease_seconds), updated_at=at)
            )
        return result.rowcount == 1

    def complete(self, job: Job, connection: Connection, *, now: datetime | None = None) -> None:
        at = self._now(now)
        result = connection.execute(
            _held_by(update(jobs), job).values(
                state=JobState.DONE.value,
                lease_expires_at=None,
                finished_at=at,
                updated_at=at,
            )
        )
        if result.rowcount != 1:
            raise LeaseLostError(job.id, job.worker_id, job.attempts)

    def fail(
        self,
        job: Job,
        error: str,
        traceback: str,
        *,
        final: bool = False,
        now: datetime | None = None,
    ) -> Job:
        at = self._now(now)
        if final or job.attempts >= job.max_attempts:
            values: dict[str, Any] = {"state": JobState.DEAD.value, "finished_at": at}
        else:
            delay = compute_retry_delay_seconds(job.attempts, self._rng.random(), self._backoff)
            values = {"state": JobState.QUEUED.value, "run_at": at + timedelta(seconds=delay)}
        with self._engine.begin() as conn:
            row = conn.execute(
                _held_by(update(jobs), job)
                .values(
                    **values,
                    lease_expires_at=None,
                    last_error=error,
                    last_traceback=traceback,
                    updated_at=at,
                )
                .returning(*jobs.c)
            ).first()
        if row is None:
            raise LeaseLostError(job.id, job.worker_id, job.attempts)
        return Job.from_row(row._mapping)

    def lock_key(self, connection: Connection, key: str) -> None:
        locks.lock_key(connection, key)

    # -- operating -----------------------------------------------------------------------

    def retry(self, job_id: int, *, now: datetime | None = None) -> Job:
        at = self._now(now)
        with self._engine.begin() as conn:
            row = conn.execute(
                _restart_statement(at)
                .where(jobs.c.id == job_id, jobs.c.state.in_(_FINISHED_STATES))
                .returning(*jobs.c)
            ).first()
            if row is not None:
                self._notify(conn, row.kind)
                return Job.from_row(row._mapping)
            state = conn.execute(select(jobs.c.state).where(jobs.c.id == job_id)).scalar()
        if state is None:
            raise JobNotFoundError(f"with id {job_id}")
        raise JobStateError(job_id, state, "retry")

    def retry_all_dead(self, *, kind: str | None = None, now: datetime | None = None) -> int:
        at = self._now(now)
        statement = _restart_statement(at).where(jobs.c.state == JobState.DEAD.value)
        if kind is not None:
            statement = statement.where(jobs.c.kind == kind)
        with self._engine.begin() as conn:
            count = conn.execute(statement).rowcount
            if count:
                self._notify(conn, kind or "")
        return count

    def get(self, job_id: int) -> Job:
        with self._read() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        if row is None:
            raise JobNotFoundError(f"with id {job_id}")
        return Job.from_row(row._mapping)

    def find(self, kind: str, key: str) -> Job | None:
        with self._read() as conn:
            row = conn.execute(
                select(jobs).where(jobs.c.kind == kind, jobs.c["key"] == key)
            ).first()
        return None if row is None else Job.from_row(row._mapping)

    def list(
        self,
        *,
        state: JobState | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[Job]:
        if limit < 1 or offset < 0:
            raise InvalidJobError(f"need limit >= 1 and offset >= 0, got {limit} and {offset}")
        statement = select(jobs).order_by(jobs.c.id.desc()).limit(limit).offset(offset)
        if state is not None:
            statement = statement.where(jobs.c.state == JobState(state).value)
        if kind is not None:
            statement = statement.where(jobs.c.kind == kind)
        with self._read() as conn:
            rows = conn.execute(statement).all()
        return [Job.from_row(row._mapping) for row in rows]

    def stats(self, *, now: datetime | None = None) -> JobStats:
        at = self._now(now)
        with self._read() as conn:
            grouped = conn.execute(select(jobs.c.state, func.count()).group_by(jobs.c.state))
            by_state: dict[str, int] = dict(grouped.all())
            oldest_due = conn.execute(
                select(func.min(jobs.c.run_at)).where(
                    jobs.c.state == JobState.QUEUED.value, jobs.c.run_at <= at
                )
            ).scalar()
        counts = {state: int(by_state.get(state.value, 0)) for state in JobState}
        lag = None if oldest_due is None else max(0.0, (at - oldest_due).total_seconds())
        return JobStats(counts=counts, oldest_queued_lag_seconds=lag)

    # -- waiting -------------------------------------------------------------------------

    def wait_for_jobs(self, timeout_seconds: float, *, kinds: Iterable[str] | None = None) -> bool:
        wanted_kinds = _collect_kinds(kinds)
        deadline = time.monotonic() + max(0.0, timeout_seconds)
        if self._is_postgres:
            return self._wait_for_notification(deadline, wanted_kinds)
        return self._poll_for_jobs(deadline, wanted_kinds)

    def close(self) -> None:
        with self._listener_lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None

    def _poll_for_jobs(self, deadline: float, kinds: tuple[str, ...] | None) -> bool:
        while True:
            if self._seconds_until_due(kinds) <= 0:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(self._poll_interval_seconds, remaining))

    def _wait_for_notification(self, deadline: float, kinds: tuple[str, ...] | None) -> bool:
        import psycopg

        with self._listener_lock:
            try:
                # LISTEN before looking, so a job enqueued after the look still wakes us.
                listener = self._open_listener()
            except psycopg.OperationalError:
                return self._poll_for_jobs(deadline, kinds)
            while True:
                until_due = self._seconds_until_due(kinds)
                if until_due <= 0:
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                try:
                    # Any notification sends us back to the table, which has the last word:
                    # notifications pile up while a busy worker never waits, and one look
                    # answers for the whole pile.
                    if _receive_notification(listener, min(remaining, until_due)):
                        _receive_notification(listener, _DRAIN_TIMEOUT_SECONDS, drain=True)
                except psycopg.OperationalError:
                    # The server went away (a restart): drop the listener, poll until the
                    # deadline, and listen again on the next call.
                    listener.close()
                    self._listener = None
                    return self._poll_for_jobs(deadline, kinds)

    def _open_listener(self) -> psycopg.Connection[Any]:
        import psycopg

        if self._listener is not None and not self._listener.closed:
            return self._listener
        conninfo = self._engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        listener = psycopg.connect(conninfo, autocommit=True)
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        self._listener = listener
        return listener

    def _seconds_until_due(self, kinds: tuple[str, ...] | None) -> float:
        """Seconds until a queued job is due or a lease expires; inf when neither will happen."""
        next_run = select(func.min(jobs.c.run_at)).where(jobs.c.state == JobState.QUEUED.value)
        if kinds is not None:
            next_run = next_run.where(jobs.c.kind.in_(kinds))
        next_expiry = select(func.min(jobs.c.lease_expires_at)).where(
            jobs.c.state == JobState.RUNNING.value
        )
        with self._read() as conn:
            instants = [conn.execute(next_run).scalar(), conn.execute(next_expiry).scalar()]
        now = self._clock()
        waits = [(instant - now).total_seconds() for instant in instants if instant is not None]
        return min(waits, default=float("inf"))

    # -- plumbing ------------------------------------------------------------------------

    def _now(self, now: datetime | None) -> datetime:
        return self._clock() if now is None else _require_aware(now, "now")

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        # DEFERRED on SQLite: reads (polling above all) must not queue for the write lock.
        with self._engine.connect() as conn:
            yield conn.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})

    @contextmanager
    def _transaction(self, connection: Connection | None) -> Iterator[Connection]:
        if connection is not None:
            yield connection
            return
        with self._engine.begin() as conn:
            yield conn

    def _lock_rows(self, statement: Select[Any]) -> Select[Any]:
        # SKIP LOCKED: concurrent claimers pass over each other's rows instead of queueing.
        return statement.with_for_update(skip_locked=True) if self._is_postgres else statement

    def _notify(self, conn: Connection, kind: str) -> None:
        # Delivered at commit, dropped on rollback: listeners never wake for work that vanished.
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_notify(:channel, :kind)"), {"channel": NOTIFY_CHANNEL, "kind": kind}
            )

    def _release_expired_leases(self, conn: Connection, at: datetime) -> None:
        expired = self._lock_rows(
            select(jobs.c.id).where(
                jobs.c.state == JobState.RUNNING.value, jobs.c.lease_expires_at < at
            )
        )
        ids = conn.execute(expired).scalars().all()
        if not ids:
            return
        # The lost attempt counts: a job that keeps killing its worker ends dead, not looping.
        out_of_attempts = jobs.c.attempts >= jobs.c.max_attempts
        conn.execute(
            update(jobs)
            .where(jobs.c.id.in_(ids))
            .values(
                state=case((out_of_attempts, JobState.DEAD.value), else_=JobState.QUEUED.value),
                # Typed, so the instant goes through UtcDateTime like every other one.
                finished_at=case(
                    (out_of_attempts, literal(at, jobs.c.finished_at.type)), else_=None
                ),
                lease_expires_at=None,
                last_error=LEASE_EXPIRED_ERROR,
                last_traceback=None,
                updated_at=at,
            )
        )


def _receive_notification(
    listener: psycopg.Connection[Any], timeout_seconds: float, *, drain: bool = False
) -> bool:
    """Wait up to ``timeout_seconds`` for one notification (or take all pending, ``drain``)."""
    received = False
    for _ in listener.notifies(timeout=timeout_seconds, stop_after=None if drain else 1):
        received = True
    return received


def _insert_for(conn: Connection) -> postgresql.Insert | sqlite.Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(jobs)
    return sqlite.insert(jobs)


def _restart_statement(at: datetime) -> Update:
    """UPDATE putting jobs back to a fresh queued state (a replay), before its WHERE."""
    return update(jobs).values(
        state=JobState.QUEUED.value,
        attempts=0,
        run_at=at,
        lease_expires_at=None,
        finished_at=None,
        last_error=None,
        last_traceback=None,
        updated_at=at,
    )


def _held_by(statement: Update, job: Job) -> Update:
    """Restrict an UPDATE to ``job`` while the same worker still holds the same attempt."""
    return statement.where(
        jobs.c.id == job.id,
        jobs.c.state == JobState.RUNNING.value,
        jobs.c.worker_id == job.worker_id,
        jobs.c.attempts == job.attempts,
    )


def _check_kind_and_key(kind: str, key: str) -> None:
    if not kind or len(kind) > _MAX_KIND_LENGTH:
        raise InvalidJobError(f"kind must have 1 to {_MAX_KIND_LENGTH} characters, got {kind!r}")
    if not key or len(key) > _MAX_KEY_LENGTH:
        raise InvalidJobError(f"key must have 1 to {_MAX_KEY_LENGTH} characters, got {key!r}")


def _check_worker_id(worker_id: str) -> None:
    if not worker_id or len(worker_id) > _MAX_WORKER_ID_LENGTH:
        raise InvalidJobError(
            f"worker_id must have 1 to {_MAX_WORKER_ID_LENGTH} characters, got {worker_id!r}"
        )


def _check_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    document = dict(payload)
    try:
        # allow_nan=False: PostgreSQL's jsonb refuses NaN, so SQLite must refuse it too.
        json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidJobError(f"payload is not a JSON object: {error}") from error
    return document


def _collect_kinds(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    collected = tuple(kinds) if not isinstance(kinds, str) else (kinds,)
    if not collected:
        raise InvalidJobError("kinds must name at least one kind, or be None for all")
    return collected


def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidJobError(f"{name} must be an aware datetime, got {value.isoformat()}")
    return value
