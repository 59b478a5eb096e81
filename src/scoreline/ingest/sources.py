"""Turn one source's bytes into canonical matches: decode once, sniff, dispatch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from scoreline.domain.errors import MalformedInputError, UnknownFormatError
from scoreline.domain.rounds import Match
from scoreline.ingest.cs2 import server_log
from scoreline.ingest.valorant import henrik, riot_client, riot_v1


@dataclass(frozen=True, slots=True)
class JsonFormat:
    name: str
    recognizes: Callable[[Any], bool]
    parse: Callable[[Any, str], tuple[Match, ...]]


@dataclass(frozen=True, slots=True)
class TextFormat:
    name: str
    recognizes: Callable[[str], bool]
    parse: Callable[[str, str], tuple[Match, ...]]


JSON_FORMATS: tuple[JsonFormat, ...] = (
    JsonFormat(riot_v1.FORMAT_NAME, riot_v1.recognizes, riot_v1.parse),
    JsonFormat(riot_client.FORMAT_NAME, riot_client.recognizes, riot_client.parse),
    JsonFormat(henrik.FORMAT_NAME_V2, henrik.recognizes_v2, henrik.parse_v2),
    JsonFormat(henrik.FORMAT_NAME_V4, henrik.recognizes_v4, henrik.parse_v4),
)
TEXT_FORMATS: tuple[TextFormat, ...] = (
    TextFormat(server_log.FORMAT_NAME, server_log.recognizes, server_log.parse),
)


def supported_formats() -> tuple[str, ...]:
    return tuple(f.name for f in JSON_FORMATS) + tuple(f.name for f in TEXT_FORMATS)


def parse_source(data: bytes, source: str) -> tuple[Match, ...]:
    """Parse `data` (the content of `source`, a path or label) into canonical matches.

    Raises an InputError subclass naming `source` and the field for anything malformed.
    """
    stripped = data.lstrip()
    if not stripped:
        raise MalformedInputError(source, "", "the file is empty")
    if stripped[:1] in (b"{", b"["):
        return _parse_json(stripped, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnknownFormatError(source, "", f"not UTF-8 text or JSON (byte {exc.start})") from exc
    for text_format in TEXT_FORMATS:
        if text_format.recognizes(text):
            return text_format.parse(text, source)
    raise UnknownFormatError(source, "", f"unrecognised content; supported: {_supported_list()}")


def _parse_json(data: bytes, source: str) -> tuple[Match, ...]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MalformedInputError(
            source, "", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    for json_format in JSON_FORMATS:
        if json_format.recognizes(doc):
            return json_format.parse(doc, source)
    raise UnknownFormatError(
        source, "", f"JSON of no supported match format; supported: {_supported_list()}"
    )


def _supported_list() -> str:
    return ", ".join(supported_formats())
