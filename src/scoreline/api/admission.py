"""Which requests enter the app, and how many at once: a pure ASGI middleware in front of it."""

from __future__ import annotations

import asyncio
import types
import weakref
from collections.abc import Iterator, Sequence
from typing import Any, Union, get_args, get_origin
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from scoreline.api.errors import INVALID_REQUEST, error_response

# Requests one server process works on at once; the rest wait on the event loop, holding
# nothing. Why a bound at all: a sync route's connection is checked out in one thread and
# used in the next, so with more requests in flight than pooled connections, threads that
# wait for a connection can hold every thread the connection holders need, until the pool
# times out (seen at 64 connections on one process: 30 s stalls, then 500s). A request holds
# at most two connections (its read connection and a ledger lookup) and store.engines keeps
# SQLAlchemy's pool of 5 + 10 overflow: 7 at once never wait for one. Throughput does not
# suffer: one process runs Python on one core, and 7 cover the database's waits. Measured
# with wrk (64 connections, 2 workers, a cached match detail, two runs each, other load on
# the machine): 7 in flight 7.9k and 8.7k requests/s at p99 18 and 16 ms; unbounded 6.3k
# and 4.4k at p99 57 and 137 ms.
MAX_REQUESTS_IN_FLIGHT = 7
# Never queued: a process answering slowly under load is alive, and must say so.
UNQUEUED_PATHS = frozenset({"/health"})

_MANY_VALUED = (list, tuple, set, frozenset, Sequence)


def accepts_many(annotation: Any) -> bool:
    """True for a parameter annotation that takes several values (``list[str] | None``)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(accepts_many(argument) for argument in get_args(annotation))
    return origin in _MANY_VALUED or annotation in _MANY_VALUED


def find_repeated_keys(query_string: bytes) -> dict[str, int]:
    """Each key given more than once in ``query_string``, with its count."""
    if b"&" not in query_string:
        return {}  # the common case: one parameter or none, nothing to parse
    counts: dict[str, int] = {}
    for key, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        counts[key] = counts.get(key, 0) + 1
    return {key: count for key, count in counts.items() if count > 1}


def iter_api_routes(routes: Sequence[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # an included router
        if included is not None:
            yield from iter_api_routes(included.routes)


def _declared_query_params(route: APIRoute) -> dict[str, Any]:
    declared: dict[str, Any] = {}
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        declared.update((param.alias, param) for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return declared


class AdmissionMiddleware:
    """Lets requests in: at most MAX_REQUESTS_IN_FLIGHT at once, and none that gives a
    one-valued query parameter twice.

    ``?limit=5&limit=500`` answers 422 naming ``limit``: FastAPI would take the last value,
    a proxy or a cache may have taken the first, and which one the client meant is not ours
    to guess. Parameters declared as lists may repeat. The check costs nothing when no key
    repeats, which is every ordinary request.
    """

    def __init__(
        self, app: ASGIApp, *, routes_of: Any, limit: int = MAX_REQUESTS_IN_FLIGHT
    ) -> None:
        self.app = app
        self._routes_of = routes_of  # the FastAPI app, whose routes may grow after this
        self._limit = limit
        # asyncio primitives belong to one event loop; tests run one app on several.
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._gates = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        repeated = find_repeated_keys(scope.get("query_string", b""))
        if repeated:
            problems = self._one_valued(scope, repeated)
            if problems:
                first = problems[0]
                message = f"{INVALID_REQUEST}: query parameter {first['field']}: {first['reason']}"
                await error_response(422, message, problems)(scope, receive, send)
                return
        if scope["path"] in UNQUEUED_PATHS:
            await self.app(scope, receive, send)
            return
        async with self._gate():
            await self.app(scope, receive, send)

    def _gate(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self._limit)
        return gate

    def _one_valued(self, scope: Scope, repeated: dict[str, int]) -> list[dict[str, str]]:
        route = self._find_route(scope)
        if route is None:
            return []  # no route: the router answers 404 or 405 as it would anyway
        declared = _declared_query_params(route)
        return [
            {"field": key, "location": "query", "reason": f"given {count} times; give it once"}
            for key, count in repeated.items()
            if key in declared and not accepts_many(declared[key].field_info.annotation)
        ]

    def _find_route(self, scope: Scope) -> APIRoute | None:
        path, method = scope["path"], scope["method"]
        for route in iter_api_routes(self._routes_of.routes):
            if route.path_regex.match(path) and method in (route.methods or ()):
                return route
        return None
