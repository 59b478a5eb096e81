"""Build a SQLAlchemy engine from a database URL: SQLite (WAL, one writer) or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from scoreline.store.errors import UnsupportedDatabaseError

DEFAULT_DATABASE_URL = "sqlite:///scoreline.db"

# How long a SQLite connection waits for the writer lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Execution option naming how a SQLite transaction begins. IMMEDIATE (the default) takes the
# write lock at BEGIN, so a transaction that reads then writes can never fail half-way on a
# lock upgrade; read-only code may ask for DEFERRED to run beside the writer under WAL:
#     engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
SQLITE_BEGIN_OPTION = "scoreline_sqlite_begin"
SQLITE_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})

# Seconds to wait for a PostgreSQL connection before giving up.
POSTGRES_CONNECT_TIMEOUT_S = 10

_SQLITE_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite"})
_POSTGRES_DRIVERS = frozenset({"postgres", "postgresql", "postgresql+psycopg"})


def normalize_database_url(url: str | URL) -> URL:
    """Return the URL scoreline connects with: bare PostgreSQL URLs use the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise UnsupportedDatabaseError(str(url), "not a database URL") from error
    if parsed.drivername in _SQLITE_DRIVERS:
        return parsed
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    raise UnsupportedDatabaseError(
        parsed.render_as_string(hide_password=True),
        f"unsupported backend {parsed.drivername!r}: use sqlite:///PATH or postgresql://...",
    )


def build_engine(
    url: str | URL,
    *,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    echo: bool = False,
) -> Engine:
    """Create the engine for ``url`` (``sqlite:///PATH`` or ``postgresql://...``)."""
    normalized = normalize_database_url(url)
    if normalized.get_backend_name() == "sqlite":
        return _build_sqlite_engine(normalized, sqlite_busy_timeout_ms, echo=echo)
    return _build_postgres_engine(normalized, echo=echo)


def _build_sqlite_engine(url: URL, busy_timeout_ms: int, *, echo: bool) -> Engine:
    if _is_sqlite_memory(url):
        # One shared connection, or every pooled connection would see its own empty database.
        engine = create_engine(
            url,
            echo=echo,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    else:
        engine = create_engine(url, echo=echo)

    @event.listens_for(engine, "connect")
    def _configure_connection(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # sqlite3 would otherwise BEGIN on its own, DEFERRED and only before DML; the "begin"
        # listener below emits the BEGIN instead (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable against application crashes under WAL; only a power cut can
            # lose the last commits, never corrupt the file.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_transaction(connection: Connection) -> None:
        mode = str(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE"))
        if mode not in SQLITE_BEGIN_MODES:
            raise ValueError(f"{SQLITE_BEGIN_OPTION} must be one of {sorted(SQLITE_BEGIN_MODES)}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _is_sqlite_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _build_postgres_engine(url: URL, *, echo: bool) -> Engine:
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    if "application_name" not in url.query:
        connect_args["application_name"] = "scoreline"
    # pre-ping: a pooled connection that died with a PostgreSQL restart is replaced, not used.
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)
