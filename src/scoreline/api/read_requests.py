"""What the read routes share: a read snapshot, bad parameters as 422s, cached answers fast."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from scoreline.api.deps import read_connection
from scoreline.api.responses import remembered_json
from scoreline.reports.filters import ReportFilterError
from scoreline.rollups.periods import PeriodError

ReadConnection = Annotated[Connection, Depends(read_connection)]


def invalid_parameter(
    parameter: str, reason: str, *, location: str = "query"
) -> RequestValidationError:
    """A 422 shaped like FastAPI's own validation errors, naming the parameter."""
    return RequestValidationError(
        [{"type": "value_error", "loc": (location, parameter), "msg": reason}]
    )


@contextmanager
def report_errors_as_422(parameters: Mapping[str, str]) -> Iterator[None]:
    """Raises a ReportFilterError or PeriodError of the block as a 422 naming the query
    parameter: ``parameters`` maps report fields to their names, the others keep theirs."""
    try:
        yield
    except (ReportFilterError, PeriodError) as error:
        raise invalid_parameter(parameters.get(error.field, error.field), error.reason) from None


@contextmanager
def read_snapshot(request: Request) -> Iterator[Connection]:
    """A read connection whose queries all see one snapshot, so a body put together from
    several queries (and the version it is cached under) never mixes results written
    meanwhile with older ones.

    SQLite's deferred read transaction is a snapshot already (WAL); PostgreSQL's default
    READ COMMITTED is not. The level reverts when the connection returns to the pool.
    """
    with contextmanager(read_connection)(request) as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


async def answer_cached_read(
    request: Request, version: str | None, answer_from_store: Callable[[], Response]
) -> Response:
    """A cached read's answer on the event loop, with no thread and no query, when
    ``version`` (as the process remembers it) is known and its body is cached or the client
    holds it (304); else ``answer_from_store`` in the threadpool, to query and build.

    Why: a sync route, and each sync dependency, costs a threadpool hop per request; the
    routes that answer from memory this way are async and hop only on a miss.
    """
    if version is not None:
        remembered = remembered_json(request, version=version)
        if remembered is not None:
            return remembered
    return await run_in_threadpool(answer_from_store)
