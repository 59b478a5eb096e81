"""The composition root: settings in, engine, ledger and a ready schema out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from scoreline.bootstrap.errors import DatabaseUnavailableError, SchemaNotReadyError
from scoreline.bootstrap.settings import Settings, load_settings
from scoreline.jobs.backoff import BackoffPolicy
from scoreline.jobs.ledger import SqlLedger
from scoreline.jobs.schedules import Schedule
from scoreline.store import engines
from scoreline.store.migrate import find_database_revision, find_head_revision, upgrade_database
from scoreline.worker.redis_ingress import build_redis_ingress
from scoreline.worker.retention import build_retention_schedule
from scoreline.worker.runner import Companion, RuntimeOpener


@dataclass(frozen=True, slots=True)
class Runtime:
    """What a command or worker process works with; built and closed by ``open_runtime``."""

    settings: Settings
    engine: Engine
    ledger: SqlLedger


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """The schema revision a database is at, and the one this code ships."""

    current: str | None  # None: never migrated
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def build_engine(settings: Settings) -> Engine:
    """The engine for ``settings.database_url`` (SQLite in WAL mode, or PostgreSQL)."""
    return engines.build_engine(settings.database_url)


def build_ledger(settings: Settings, engine: Engine) -> SqlLedger:
    """The job ledger on ``engine``, with the attempts, backoff and polling of ``settings``.

    The engine is passed in rather than built here so that the ledger and the handlers that
    complete jobs inside their own transactions share one pool, closed by one owner.
    """
    return SqlLedger(
        engine,
        max_attempts=settings.job_max_attempts,
        backoff=BackoffPolicy(
            base_seconds=settings.job_backoff_base_seconds,
            cap_seconds=settings.job_backoff_cap_seconds,
        ),
        poll_interval_seconds=settings.worker_poll_seconds,
    )


def is_embedded(engine: Engine) -> bool:
    """True for SQLite, the embedded backend whose schema scoreline upgrades by itself."""
    return engine.dialect.name == "sqlite"


def describe_schema(engine: Engine) -> SchemaStatus:
    """Where the database's schema is, next to the newest revision; never changes it."""
    try:
        current = find_database_revision(engine)
    except OperationalError as error:
        raise DatabaseUnavailableError(_safe_url(engine), _first_line(error.orig)) from error
    return SchemaStatus(current=current, head=find_head_revision())


def upgrade_schema(engine: Engine) -> tuple[SchemaStatus, SchemaStatus]:
    """Upgrade the database to the newest revision; returns the status before and after."""
    before = describe_schema(engine)
    if not before.up_to_date:
        try:
            upgrade_database(engine)
        except CommandError as error:
            # A revision this code does not know: the database is newer than the code.
            raise SchemaNotReadyError(_safe_url(engine), before.current, before.head) from error
    return before, describe_schema(engine)


def prepare_schema(engine: Engine) -> SchemaStatus:
    """Make sure the schema is at the newest revision: upgrade it on SQLite, check it on
    PostgreSQL (a shared server is upgraded on purpose, by `scoreline db upgrade`)."""
    status = describe_schema(engine)
    if status.up_to_date:
        return status
    if is_embedded(engine):
        return upgrade_schema(engine)[1]
    raise SchemaNotReadyError(_safe_url(engine), status.current, status.head)


@contextmanager
def open_runtime(settings: Settings | None = None, *, prepare: bool = True) -> Iterator[Runtime]:
    """Build the runtime from ``settings`` (the environment when None) and close it on exit.

    ``prepare`` readies the schema first (see prepare_schema); worker children skip it, as
    their parent did it before starting them.
    """
    chosen = settings if settings is not None else load_settings()
    engine = build_engine(chosen)
    try:
        if prepare:
            prepare_schema(engine)
        with build_ledger(chosen, engine) as ledger:
            yield Runtime(settings=chosen, engine=engine, ledger=ledger)
    finally:
        engine.dispose()


def build_child_runtime_opener(settings: Settings) -> RuntimeOpener:
    """What a spawned worker process calls to build its own runtime; picklable, because
    a SQLAlchemy engine must never be shared across processes."""
    return partial(open_runtime, settings, prepare=False)


def build_worker_companions(runtime: Runtime) -> list[Companion]:
    """What runs beside the worker processes: the Redis ingress, when Redis is configured."""
    if runtime.settings.redis_url is None:
        return []
    ingress = build_redis_ingress(runtime.settings.redis_url, runtime.engine, runtime.ledger)
    return [ingress.run]


def build_worker_schedules(settings: Settings) -> tuple[Schedule, ...]:
    """What the workers enqueue on a clock: the retention job, when retention is configured."""
    retention = build_retention_schedule(settings)
    return () if retention is None else (retention,)


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(error: BaseException | None) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
