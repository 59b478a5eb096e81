"""One error body for every failure: ``{"error": what went wrong, "detail": its specifics}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from scoreline.api.responses import json_response
from scoreline.worker.logs import get_logger

INVALID_REQUEST = "invalid request"
DATABASE_UNAVAILABLE = "database unavailable"
INTERNAL_ERROR = "internal error"

# Where a validation problem was found, as FastAPI names it, in words for the message.
_LOCATION_WORDS = {
    "query": "query parameter",
    "path": "path parameter",
    "header": "header",
    "cookie": "cookie",
    "body": "body field",
}

_log = get_logger("scoreline.api")


class ErrorBody(BaseModel):
    """What every 4xx and 5xx answer of the API carries."""

    error: str = Field(description="What went wrong, one line: the status in words, or more.")
    detail: Any = Field(
        default=None,
        description=(
            "The specifics: a message, the limit exceeded, or for 422 the list of "
            "{field, location, reason} at fault."
        ),
    )


class FieldProblem(BaseModel):
    """One field a request got wrong."""

    field: str = Field(description="The parameter or body field, dotted for nested fields.")
    location: str = Field(description="query, path, header, cookie or body.")
    reason: str


def error_response(
    status_code: int,
    error: str,
    detail: Any = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response:
    response = json_response({"error": error, "detail": detail}, status_code=status_code)
    if headers:
        response.headers.update(headers)
    return response


def describe_validation_problems(problems: Sequence[Any]) -> list[dict[str, str]]:
    """FastAPI's validation errors as {field, location, reason}, the field named exactly."""
    described = []
    for problem in problems:
        location = [str(part) for part in problem.get("loc", ())]
        where = location[0] if location else "body"
        described.append(
            {
                "field": ".".join(location[1:]) or where,
                "location": where,
                "reason": str(problem.get("msg", "invalid value")),
            }
        )
    return described


def status_words(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase.lower()
    except ValueError:
        return f"status {status_code}"


async def _on_validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = describe_validation_problems(exc.errors())
    first = problems[0] if problems else None
    error = INVALID_REQUEST
    if first is not None:
        words = _LOCATION_WORDS.get(first["location"], first["location"])
        error = f"{INVALID_REQUEST}: {words} {first['field']}: {first['reason']}"
    return error_response(422, error, problems)


async def _on_http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    words = status_words(exc.status_code)
    # Starlette fills a missing detail with the status phrase: that says nothing more.
    detail = None if str(exc.detail).lower() == words else exc.detail
    return error_response(exc.status_code, words, detail, headers=exc.headers)


async def _on_database_error(_request: Request, exc: Exception) -> Response:
    # A database that went away is the server's condition, not a bug: 503, so clients retry.
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    _log.warning("database unavailable", error=lines[0] if lines else type(exc).__name__)
    return error_response(503, DATABASE_UNAVAILABLE, lines[0] if lines else None)


async def _on_unexpected_error(_request: Request, exc: Exception) -> Response:
    _log.error("unhandled error", error=repr(exc), exc_info=exc)
    return error_response(500, INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with an ErrorBody: validation, HTTP, database outage, a bug."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(OperationalError, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected_error)


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting ``status_codes`` as ErrorBody answers."""
    return {
        code: {"model": ErrorBody, "description": status_words(code).capitalize()}
        for code in status_codes
    }
