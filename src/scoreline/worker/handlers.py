"""Job handlers by kind, and the context a handler runs with: load, compute, save."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from time import perf_counter
from typing import Concatenate, ParamSpec, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine
from structlog.typing import FilteringBoundLogger

from scoreline.jobs.ledger import JobLedger
from scoreline.jobs.model import Job
from scoreline.stats.rounds import StatRules, preset
from scoreline.store.engines import SQLITE_BEGIN_OPTION
from scoreline.worker.errors import DuplicateHandlerError, HandlersModuleError, UnknownKindError
from scoreline.worker.logs import LogFormat, LogLevel

P = ParamSpec("P")
T = TypeVar("T")

# The lock a save holds is per match when the payload names one, so every writer of a
# match's aggregates (this job, a recompute, a duplicate delivery) takes turns.
MATCH_LOCK_PREFIX = "match:"


class WorkerSettings(Protocol):
    """The settings a worker reads (scoreline.bootstrap.settings.Settings has them all)."""

    @property
    def stat_preset(self) -> str: ...

    @property
    def job_lease_seconds(self) -> float: ...

    @property
    def log_format(self) -> LogFormat: ...

    @property
    def log_level(self) -> LogLevel: ...

    @property
    def timezone(self) -> str: ...


class WorkerRuntime(Protocol):
    """What one worker process works with, built by the composition root from the settings."""

    @property
    def settings(self) -> WorkerSettings: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def ledger(self) -> JobLedger: ...


class JobContext:
    """What a handler works with besides its job, and where it reports its phase timings."""

    __slots__ = ("_completed", "_timings", "engine", "job", "ledger", "log", "settings")

    def __init__(
        self,
        job: Job,
        *,
        engine: Engine,
        ledger: JobLedger,
        settings: WorkerSettings,
        log: FilteringBoundLogger,
    ) -> None:
        self.job = job
        self.engine = engine
        self.ledger = ledger
        self.settings = settings
        self.log = log
        self._timings: dict[str, float] = {}
        self._completed = False

    @property
    def timings(self) -> Mapping[str, float]:
        """Seconds spent in each phase so far ("load", "compute", "write", or a custom one)."""
        return dict(self._timings)

    @property
    def completed(self) -> bool:
        """True once the job was marked done inside the handler's transaction."""
        return self._completed

    @property
    def rules(self) -> StatRules:
        """The round stat definitions the settings name (SCORELINE_STAT_PRESET)."""
        return preset(self.settings.stat_preset)

    @property
    def zone(self) -> ZoneInfo:
        """The timezone whose days bucket the daily rollups (SCORELINE_TIMEZONE)."""
        return ZoneInfo(self.settings.timezone)

    @property
    def lock_key(self) -> str:
        """The key ``save`` locks: the payload's match when it names one, else the job."""
        match_id = find_match_id(self.job)
        if match_id is not None:
            return f"{MATCH_LOCK_PREFIX}{match_id}"
        return f"{self.job.kind}:{self.job.key}"

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time what runs inside as phase ``name`` (added up when a phase repeats)."""
        started = perf_counter()
        try:
            yield
        finally:
            self._timings[name] = self._timings.get(name, 0.0) + perf_counter() - started

    def load(
        self,
        read: Callable[Concatenate[Connection, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``read(connection, *args, **kwargs)`` on a read-only connection, timed as "load"."""
        with self.phase("load"), self.engine.connect() as connection:
            # DEFERRED on SQLite: a read must not queue behind (or block) the one writer.
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
            return read(connection, *args, **kwargs)

    def compute(self, compute: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``compute(*args, **kwargs)``, timed as "compute"."""
        with self.phase("compute"):
            return compute(*args, **kwargs)

    def save(
        self,
        write: Callable[Concatenate[Connection, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``write(connection, *args, **kwargs)`` and the job's completion in one transaction,
        under the lock of ``lock_key``, timed as "write" (commit included).

        Raises LeaseLostError, with nothing committed, when the job was taken over meanwhile.
        """
        with self.phase("write"), self.engine.begin() as connection:
            self.ledger.lock_key(connection, self.lock_key)
            result = write(connection, *args, **kwargs)
            self.complete(connection)
        return result

    def complete(self, connection: Connection) -> None:
        """Mark the job done inside ``connection``'s transaction (the handler commits it)."""
        self.ledger.complete(self.job, connection)
        self._completed = True


Handler = Callable[[Job, JobContext], None]
H = TypeVar("H", bound=Handler)


class HandlerRegistry:
    """Job kind -> handler. Registering is done at import time of the handler's module.

    The handler contract (the runner in scoreline.worker.runner relies on it):

    - A handler is ``handler(job, context) -> None``, registered for one job kind.
    - It runs at least once per job: a killed worker or a lost lease runs it again, so it
      must be idempotent (purge the job's previous results, then insert).
    - Its results and the job's completion commit in ONE transaction.
      ``context.save(write, ...)`` does this: it opens the transaction, takes the per-match
      lock, calls ``write(connection, ...)``, then marks the job done before the commit. A
      handler that opens its own transaction calls ``context.complete(connection)`` in it.
    - A handler that returns without completing (one that writes nothing) is completed by
      the runner in a transaction of its own.
    - Raising fails the attempt: the job is retried after a backoff and is dead after its
      last attempt, with the exception's first line and its traceback kept for
      ``scoreline jobs show``. A lost database connection is not the job's fault: the runner
      runs the handler again in place, a few times, before it counts a failure.

    A handler is then three lines::

        @HANDLERS.handler("aggregate")
        def aggregate(job: Job, context: JobContext) -> None:
            match = context.load(load_match, job.payload["match_id"])
            stats = context.compute(compute_match_stats, match, context.rules)
            context.save(save_match_stats, job.payload["match_id"], stats, zone=context.zone)
    """

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        """Run ``handler`` for jobs of ``kind``; registering the same function again is a no-op."""
        if not kind:
            raise ValueError("a job kind cannot be empty")
        existing = self._handlers.get(kind)
        if existing is not None and existing is not handler:
            raise DuplicateHandlerError(kind)
        self._handlers[kind] = handler

    def handler(self, kind: str) -> Callable[[H], H]:
        """Decorator form of ``register``."""

        def decorate(handler: H) -> H:
            self.register(kind, handler)
            return handler

        return decorate

    def find(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    def __contains__(self, kind: object) -> bool:
        return kind in self._handlers

    def check_kinds(self, kinds: Iterable[str]) -> tuple[str, ...]:
        """``kinds`` as a tuple, or UnknownKindError naming those no handler runs."""
        wanted = tuple(dict.fromkeys(kinds))
        unknown = [kind for kind in wanted if kind not in self._handlers]
        if unknown:
            raise UnknownKindError(unknown, self.kinds)
        return wanted


# The registry the worker command runs; handler modules register into it when imported.
HANDLERS = HandlerRegistry()


def import_handler_modules(modules: Iterable[str]) -> None:
    """Import each module by its dotted name, so that the handlers it defines register."""
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as error:
            raise HandlersModuleError(module, f"{type(error).__name__}: {error}") from error


def find_match_id(job: Job) -> str | None:
    """The match a job's payload names under ``match_id``, if any."""
    match_id = job.payload.get("match_id")
    if isinstance(match_id, str | int) and not isinstance(match_id, bool):
        return str(match_id)
    return None
