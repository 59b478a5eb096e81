"""Responses of the API: orjson bodies, CSV for lists, ETags, a cache for stable reads."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from threading import Lock
from typing import Annotated, Any, Literal

import orjson
import redis
from fastapi import Query, Request
from fastapi.responses import Response

from scoreline.worker.logs import get_logger

JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY

# A list route's ``format`` parameter, declared so the OpenAPI document shows the choice;
# rows_response reads it from the query string either way.
FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(alias="format", description="csv for CSV (as `Accept: text/csv` does), else JSON."),
]
# The OpenAPI entry of a list route's CSV answer, merged into its 200 response.
CSV_RESPONSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The list as JSON, or as CSV (one header line) when asked for.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def dump_json(content: Any) -> bytes:
    """``content`` as JSON bytes (aware datetimes as ISO 8601, dataclasses as objects)."""
    return orjson.dumps(content, option=_ORJSON_OPTIONS)


def json_response(content: Any, *, status_code: int = 200) -> Response:
    return Response(dump_json(content), status_code=status_code, media_type=JSON_MEDIA_TYPE)


def wants_csv(request: Request) -> bool:
    """True for ``?format=csv`` or an Accept header that prefers text/csv."""
    if request.query_params.get("format") == "csv":
        return True
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].strip().startswith("text/csv")


def rows_response(
    request: Request,
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    envelope: Mapping[str, Any] | None = None,
) -> Response:
    """A list endpoint's answer: ``{**envelope, "items": rows}`` as JSON, or the rows as CSV
    (``columns`` in that order, one header line) when the client asks for CSV."""
    if wants_csv(request):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(_csv_cell(row.get(column)) for column in columns)
        return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE)
    return json_response({**(envelope or {}), "items": list(rows)})


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return dump_json(value).decode()
    if isinstance(value, datetime):
        return value.isoformat()  # as in the JSON, not str()'s space-separated form
    return value


# Where a cached body was found, the values given to a cache's ``record_lookup``.
CACHE_HIT_LOCAL = "local"
CACHE_HIT_REDIS = "redis"
CACHE_MISS = "miss"

# Keys carry their version, so an entry is never stale, only unused: the TTL bounds the
# memory Redis spends on bodies of versions nobody asks for any more.
REDIS_CACHE_TTL_SECONDS = 24 * 3600
REDIS_CACHE_PREFIX = "scoreline:api:response:"
# After a Redis error the cache serves from memory alone for this long, so an outage costs
# one failed round trip per interval instead of one per request.
REDIS_RETRY_AFTER_SECONDS = 5.0

_log = get_logger("scoreline.api.cache")


def _ignore_lookup(_outcome: str) -> None:
    return None


def _on_event_loop() -> bool:
    """True in the thread of a running asyncio loop, False in the threadpool's threads."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class ResponseCache:
    """Serialised bodies by key, least recently used dropped first; thread-safe."""

    def __init__(
        self,
        max_entries: int = 2048,
        *,
        record_lookup: Callable[[str], None] = _ignore_lookup,
    ) -> None:
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._max_entries = max_entries
        self._lock = Lock()
        self._record_lookup = record_lookup

    def get(self, key: str) -> bytes | None:
        body = self._get_local(key)
        self._record_lookup(CACHE_MISS if body is None else CACHE_HIT_LOCAL)
        return body

    def put(self, key: str, body: bytes) -> None:
        self._put_local(key, body)

    def _get_local(self, key: str) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def _put_local(self, key: str, body: bytes) -> None:
        with self._lock:
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)


class RedisResponseCache(ResponseCache):
    """The in-process cache in front of Redis, which every API process shares.

    Entries never change once written (their key holds the version), so a body found in
    Redis is copied into memory and served from there afterwards. Redis failing is not the
    request's failure: the cache falls back to memory and tries Redis again later.
    """

    def __init__(
        self,
        client: redis.Redis,
        max_entries: int = 2048,
        *,
        record_lookup: Callable[[str], None] = _ignore_lookup,
        ttl_seconds: int = REDIS_CACHE_TTL_SECONDS,
        prefix: str = REDIS_CACHE_PREFIX,
    ) -> None:
        super().__init__(max_entries, record_lookup=record_lookup)
        self._client = client
        self._ttl_seconds = ttl_seconds
        self._prefix = prefix
        self._redis_down_until = 0.0

    def get(self, key: str) -> bytes | None:
        body = self._get_local(key)
        if body is not None:
            self._record_lookup(CACHE_HIT_LOCAL)
            return body
        if _on_event_loop():
            # A route answering on the event loop must not wait for a network round trip
            # (nor a Redis timeout): it finds what memory holds, and the threadpool asks Redis.
            self._record_lookup(CACHE_MISS)
            return None
        shared = self._call_redis(lambda: self._client.get(self._redis_key(key)))
        if isinstance(shared, bytes):
            self._put_local(key, shared)
            self._record_lookup(CACHE_HIT_REDIS)
            return shared
        self._record_lookup(CACHE_MISS)
        return None

    def put(self, key: str, body: bytes) -> None:
        self._put_local(key, body)
        if _on_event_loop():
            return
        self._call_redis(lambda: self._client.set(self._redis_key(key), body, ex=self._ttl_seconds))

    def _call_redis(self, call: Callable[[], Any]) -> Any:
        if time.monotonic() < self._redis_down_until:
            return None
        try:
            return call()
        except redis.RedisError as error:
            self._redis_down_until = time.monotonic() + REDIS_RETRY_AFTER_SECONDS
            _log.warning("response cache: redis unavailable", error=str(error).split("\n")[0])
            return None

    def _redis_key(self, key: str) -> str:
        # Hashed: a key holds a whole URL, and Redis keys are best kept short.
        return self._prefix + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def cached_json(request: Request, *, version: str, build: Callable[[], Any]) -> Response:
    """A read whose answer only changes when ``version`` does (e.g. a match's computed_at
    and stat version): an ETag from the URL and the version, 304 on If-None-Match, and the
    body built once per (URL, version) and kept in the app's cache."""
    key, headers = _cache_key_and_headers(request, version)
    remembered = _answer_remembered(request, key, headers)
    if remembered is not None:
        return remembered
    body = dump_json(build())
    _cache_of(request).put(key, body)
    return Response(body, media_type=JSON_MEDIA_TYPE, headers=headers)


def remembered_json(request: Request, *, version: str) -> Response | None:
    """cached_json's answer when it needs no build (a 304, or the cached body), else None.

    Safe on the event loop: it neither queries nor waits on the network."""
    key, headers = _cache_key_and_headers(request, version)
    return _answer_remembered(request, key, headers)


def request_target(request: Request) -> str:
    """The path and query string a request names, as sent (``/api/v1/x?a=1``)."""
    # From the scope rather than request.url, which builds a URL object per request.
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{request.scope['path']}?{query}"


def _cache_key_and_headers(request: Request, version: str) -> tuple[str, dict[str, str]]:
    key = f"{request_target(request)}\x00{version}"
    etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
    return key, {"ETag": etag, "Cache-Control": "no-cache"}


def _answer_remembered(request: Request, key: str, headers: dict[str, str]) -> Response | None:
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = _cache_of(request).get(key)
    if body is None:
        return None
    return Response(body, media_type=JSON_MEDIA_TYPE, headers=headers)


def _cache_of(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.response_cache
    return cache
