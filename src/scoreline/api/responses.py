"""Responses of the API: orjson bodies, CSV for lists, ETags and a cache for stable reads."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from threading import Lock
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


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
    return value


class ResponseCache:
    """Serialised bodies by key, least recently used dropped first; thread-safe."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._max_entries = max_entries
        self._lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        with self._lock:
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)


def cached_json(request: Request, *, version: str, build: Callable[[], Any]) -> Response:
    """A read whose answer only changes when ``version`` does (e.g. a match's computed_at
    and stat version): an ETag from the URL and the version, 304 on If-None-Match, and the
    body built once per (URL, version) and kept in the app's cache."""
    key = f"{request.url.path}?{request.url.query}\x00{version}"
    etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    cache: ResponseCache = request.app.state.response_cache
    body = cache.get(key)
    if body is None:
        body = dump_json(build())
        cache.put(key, body)
    return Response(body, media_type=JSON_MEDIA_TYPE, headers=headers)
