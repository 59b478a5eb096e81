"""/health, /ready and /metrics: whether the process runs, can serve, and how it has served."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Literal

import redis
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from scoreline.api.deps import get_runtime
from scoreline.api.errors import error_response, error_responses
from scoreline.api.metrics import PROMETHEUS_MEDIA_TYPE, ApiMetricsRegistry
from scoreline.api.responses import json_response
from scoreline.store.engines import SQLITE_BEGIN_OPTION
from scoreline.store.migrate import find_database_revision, find_head_revision

if TYPE_CHECKING:
    from sqlalchemy import Engine

OK = "ok"

router = APIRouter(tags=["operations"])


class HealthView(BaseModel):
    status: Literal["ok"]


class ReadyView(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str] = Field(description="Each dependency and 'ok'.")


@cache
def _head_revision() -> str:
    # The migrations shipped with the code never change while it runs: read them once.
    return find_head_revision()


def check_database(engine: Engine) -> str:
    """ "ok", or why the database cannot serve: unreachable, or its schema is not this code's."""
    # DEFERRED: a probe must never wait for, or hold, SQLite's write lock.
    reader = engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
    try:
        revision = find_database_revision(reader)
    except SQLAlchemyError as error:
        return f"unreachable: {_first_line(getattr(error, 'orig', None) or error)}"
    head = _head_revision()
    if revision != head:
        return f"schema at revision {revision or 'none'}, this code needs {head}"
    return OK


def check_redis(client: redis.Redis) -> str:
    """ "ok", or why Redis does not answer."""
    import redis

    try:
        client.ping()
    except redis.RedisError as error:
        return f"unreachable: {_first_line(error)}"
    return OK


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


@router.get("/health", summary="The process is up", response_model=HealthView)
async def health() -> Response:
    """Answers as long as the process serves requests; it touches no dependency."""
    return json_response({"status": OK})


@router.get(
    "/ready",
    summary="The database (and Redis, when configured) can serve",
    response_model=ReadyView,
    responses=error_responses(503),
)
def ready(request: Request) -> Response:
    """200 when the database answers with this code's schema and, when SCORELINE_REDIS_URL
    is set, Redis answers a PING; else 503 naming each dependency that is not ready."""
    checks: dict[str, str] = {"database": check_database(get_runtime(request).engine)}
    client = getattr(request.app.state, "redis", None)
    if client is not None:
        checks["redis"] = check_redis(client)
    failing = [name for name, outcome in checks.items() if outcome != OK]
    if failing:
        words = " and ".join(f"{name} {checks[name].split(':')[0]}" for name in failing)
        return error_response(503, f"not ready: {words}", checks)
    return json_response({"status": "ready", "checks": checks})


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses={200: {"description": "Prometheus text exposition format 0.0.4."}},
)
def metrics(request: Request) -> Response:
    """Request latency histograms and counts by route template and status, response cache
    lookups, and the job queue's depth and lag (read from the ledger at each scrape)."""
    registry: ApiMetricsRegistry = request.app.state.metrics_registry
    return Response(registry.render(), media_type=PROMETHEUS_MEDIA_TYPE)
