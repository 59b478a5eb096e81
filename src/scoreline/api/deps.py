"""What a route depends on: the settings, a read connection, the clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from fastapi import Request
from sqlalchemy import Connection

from scoreline.bootstrap.composition import Runtime
from scoreline.bootstrap.settings import Settings
from scoreline.store.engines import SQLITE_BEGIN_OPTION


def get_runtime(request: Request) -> Runtime:
    """The runtime the app was built with (engine, ledger, settings)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_settings(request: Request) -> Settings:
    return get_runtime(request).settings


def read_connection(request: Request) -> Iterator[Connection]:
    """A connection for reads, returned to the pool after the response is built."""
    with get_runtime(request).engine.connect() as connection:
        # DEFERRED on SQLite: a read must not queue behind (or block) the one writer.
        connection.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        yield connection


def get_now(request: Request) -> datetime:
    """The current time, aware; tests pin it with ``app.state.clock``."""
    clock = getattr(request.app.state, "clock", None)
    if clock is not None:
        now: datetime = clock()
        return now
    return datetime.now(UTC)
