"""Prometheus metrics of the API: a pure ASGI middleware timing each request by route template."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scoreline.worker.metrics import MULTIPROC_DIR_ENV, LedgerCollector

if TYPE_CHECKING:
    from scoreline.jobs.ledger import JobLedger

PROMETHEUS_MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Requests no route matched share one label value, as do made-up methods: a scanner must not
# grow the label set.
UNMATCHED_ROUTE = "<unmatched>"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Cached reads answer in well under a millisecond, cold player pages in tens of ms; the
# targets of issue 5 (p99 25 ms, 50 ms) fall on bucket bounds.
LATENCY_BUCKETS_SECONDS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
)  # fmt: skip


class ApiMetrics:
    """The metrics one API process records (files per process in multiprocess mode)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        labels = ["method", "route", "status"]
        self.request_seconds = Histogram(
            "scoreline_http_request_duration_seconds",
            "Time from a request's arrival to its last body byte, by route template and status.",
            labels,
            buckets=LATENCY_BUCKETS_SECONDS,
            registry=registry,
        )
        self.requests = Counter(
            "scoreline_http_requests",
            "Requests answered, by method, route template and status.",
            labels,
            registry=registry,
        )
        self.cache_lookups = Counter(
            "scoreline_api_cache_lookups",
            "Lookups of serialised read responses, by where the body was found (local, "
            "redis) or miss.",
            ["outcome"],
            registry=registry,
        )

        # The labelled children by (method, route, status): labels() takes a lock and builds
        # tuples, a third of this middleware's cost when done per request.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._lookup_children: dict[str, Any] = {}

    def record_request(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method if method in KNOWN_METHODS else "OTHER", route, status)
        children = self._children.get(key)
        if children is None:
            labels = (key[0], route, str(status))
            children = (self.request_seconds.labels(*labels), self.requests.labels(*labels))
            self._children[key] = children
        children[0].observe(seconds)
        children[1].inc()

    def record_cache_lookup(self, outcome: str) -> None:
        child = self._lookup_children.get(outcome)
        if child is None:
            child = self._lookup_children[outcome] = self.cache_lookups.labels(outcome)
        child.inc()


def find_multiproc_dir() -> Path | None:
    """PROMETHEUS_MULTIPROC_DIR when set: several server processes share their metrics there."""
    value = os.environ.get(MULTIPROC_DIR_ENV)
    return Path(value) if value else None


class ApiMetricsRegistry:
    """Where the API's metrics live and how a scrape gathers them.

    In one process the metrics and the ledger gauges sit in one registry of the app's own
    (several apps in one process, as in tests, never collide). In multiprocess mode every
    process writes its samples to PROMETHEUS_MULTIPROC_DIR, and a scrape, answered by any
    one process, merges all of their files.
    """

    def __init__(self, ledger: JobLedger | None, multiproc_dir: Path | None = None) -> None:
        self._multiproc_dir = multiproc_dir
        self._ledger_collector = None if ledger is None else LedgerCollector(ledger)
        self._own = CollectorRegistry()
        self.metrics = ApiMetrics(self._own)
        if multiproc_dir is None and self._ledger_collector is not None:
            self._own.register(self._ledger_collector)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric (one scrape)."""
        if self._multiproc_dir is None:
            return generate_latest(self._own)
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=str(self._multiproc_dir))  # type: ignore[no-untyped-call]
        if self._ledger_collector is not None:
            merged.register(self._ledger_collector)
        return generate_latest(merged)


def find_route_template(scope: Scope) -> str:
    """The template of the route that answered (``/api/v1/matches/{match_id}``), never a
    concrete path with ids in it, so the label set stays as small as the route table."""
    template = getattr(scope.get("route"), "path_format", None)
    if template:
        return str(template)
    if "endpoint" not in scope:
        return UNMATCHED_ROUTE
    if not scope.get("path_params"):
        # A plain Starlette route without parameters (/openapi.json): its path is its template.
        return str(scope["path"])
    # A mounted app (static files): one label for the mount.
    mount = scope.get("root_path", "")
    return f"{mount}/*" if mount else UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """Times every HTTP request from arrival to the end of its response body.

    A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware: that one wraps every
    response in a task and a memory stream, which costs more than the whole cached read.
    """

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client sees when the app raises before starting a response

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            self.metrics.record_request(
                scope["method"],
                find_route_template(scope),
                status,
                time.perf_counter() - start,
            )
