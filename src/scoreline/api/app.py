"""The FastAPI application: routers, error bodies, metrics and the response cache on one runtime."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import ExitStack, asynccontextmanager
from typing import Any

import redis
from fastapi import APIRouter, FastAPI

from scoreline import __version__
from scoreline.api import health, ingest, jobs, matches, players
from scoreline.api.admission import AdmissionMiddleware
from scoreline.api.errors import error_responses, install_error_handlers
from scoreline.api.metrics import ApiMetricsRegistry, RequestMetricsMiddleware, find_multiproc_dir
from scoreline.api.responses import RedisResponseCache, ResponseCache
from scoreline.bootstrap.composition import Runtime, open_runtime
from scoreline.bootstrap.settings import load_settings
from scoreline.worker.logs import configure_logging

# Every router the API serves, in the order their routes are matched. The read endpoints
# (matches, players, teams, leaderboards, activity) come first: they take the traffic.
API_ROUTERS: tuple[APIRouter, ...] = (
    matches.router,
    players.router,
    ingest.router,
    jobs.router,
    jobs.admin_router,
)
# Liveness, readiness and metrics: no parameters, so no 422 to document.
OPERATIONS_ROUTERS: tuple[APIRouter, ...] = (health.router,)

# Async or sync, chosen per route: FastAPI runs a sync (def) route, and each sync dependency,
# in its threadpool, a thread hop each. Measured in-process on this 2-core machine under other
# load (noisy): an async route costs ~65-110 us of CPU per request, the same route sync
# ~240-400 us, with a read_connection dependency ~580-660 us. So what answers from memory (a
# cached body, /health, ingest's streaming) is async, and what queries the database is
# sync, or hops once to the threadpool for all of its queries.

# Serialised read bodies kept per process; at ~2-30 KB a body, a few tens of MB at most.
RESPONSE_CACHE_ENTRIES = 4096
# Redis as the shared cache and readiness dependency must fail fast, not hang a request.
REDIS_TIMEOUT_SECONDS = 1.0

DESCRIPTION = """\
Match, player, team and leaderboard statistics computed by scoreline's worker from raw
match files, and the pipeline that computes them.

* **Reads** are public. Every list also answers `Accept: text/csv` or `?format=csv`. Reads of
  finished matches carry an `ETag`; send it back in `If-None-Match` for a `304`.
* **Writes and admin** (`/api/v1/ingest`, `/api/v1/admin/...`) need
  `Authorization: Bearer <token>` with a token of `SCORELINE_API_TOKENS`; without any token
  configured they answer `403`.
* **Errors** always have the body `{"error": ..., "detail": ...}`; for `422` the detail lists
  each `{field, location, reason}` at fault.
"""

OPENAPI_TAGS = [
    {"name": "matches", "description": "Stored matches: scoreboards, rounds, duels, clutches."},
    {"name": "players", "description": "Players, teams, leaderboards and activity over time."},
    {"name": "ingest", "description": "Match files into the store, one transaction each."},
    {"name": "jobs", "description": "The aggregate pipeline: where a job is and why."},
    {"name": "admin", "description": "Dead jobs, replays, recomputes (bearer token)."},
    {"name": "operations", "description": "Liveness, readiness and Prometheus metrics."},
]


def create_app(runtime: Runtime, *, on_shutdown: Sequence[Callable[[], Any]] = ()) -> FastAPI:
    """The API serving ``runtime``'s store; ``on_shutdown`` runs when the server stops (the
    runtime itself belongs to the caller)."""
    redis_client = _build_redis(runtime.settings.redis_url)
    closers = [*on_shutdown]
    if redis_client is not None:
        closers.insert(0, redis_client.close)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            for close in closers:
                close()

    app = FastAPI(
        title="scoreline",
        version=__version__,
        summary="Statistics people trust, from raw game files.",
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        # Swagger UI and ReDoc load their scripts from a CDN, and scoreline works offline:
        # the contract is /openapi.json, people read the dashboard.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    registry = ApiMetricsRegistry(runtime.ledger, find_multiproc_dir())
    app.state.runtime = runtime
    app.state.redis = redis_client
    app.state.metrics_registry = registry
    app.state.response_cache = _build_response_cache(redis_client, registry)
    install_error_handlers(app)
    for router in API_ROUTERS:
        # 422 documented as our ErrorBody, which replaces FastAPI's own validation schema.
        app.include_router(router, responses=error_responses(422))
    for router in OPERATIONS_ROUTERS:
        app.include_router(router)
    app.add_middleware(AdmissionMiddleware, routes_of=app)
    # Added last, so outermost: a request's time includes its wait for admission.
    app.add_middleware(RequestMetricsMiddleware, metrics=registry.metrics)
    return app


def create_app_from_environment() -> FastAPI:
    """The app `scoreline serve` runs in each server process: settings from the
    environment, the runtime opened here and closed when the server stops."""
    settings = load_settings()
    configure_logging(settings.log_format, settings.log_level)
    stack = ExitStack()
    runtime = stack.enter_context(open_runtime(settings))
    try:
        app = create_app(runtime, on_shutdown=[stack.close])
    except BaseException:
        stack.close()
        raise
    # What exists now (modules, the app, its schemas: ~170k objects) lives as long as the
    # process: frozen, the cyclic collector stops walking it. Measured on a cached match
    # detail, a full collection paused the event loop for up to 133 ms before, 46 ms after,
    # and wrk's p99 came with those pauses. Only here, in a server process: tests build many
    # apps, and what is frozen is never collected.
    gc.collect()
    gc.freeze()
    return app


def _build_redis(url: str | None) -> redis.Redis | None:
    if url is None:
        return None
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


def _build_response_cache(
    redis_client: redis.Redis | None, registry: ApiMetricsRegistry
) -> ResponseCache:
    record = registry.metrics.record_cache_lookup
    if redis_client is None:
        return ResponseCache(RESPONSE_CACHE_ENTRIES, record_lookup=record)
    return RedisResponseCache(redis_client, RESPONSE_CACHE_ENTRIES, record_lookup=record)
