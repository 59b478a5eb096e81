"""POST /api/v1/ingest: a match file over HTTP, stored with its jobs like `scoreline ingest`."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool

from scoreline.api.deps import get_now, get_runtime
from scoreline.api.errors import error_response, error_responses
from scoreline.api.responses import json_response
from scoreline.api.security import TokenRequired
from scoreline.bootstrap.composition import Runtime
from scoreline.bootstrap.settings import find_env_name
from scoreline.ingest import supported_formats
from scoreline.store.engines import SQLITE_BEGIN_OPTION
from scoreline.store.payloads import sha256_hex
from scoreline.store.record_errors import UnstorableMatchError
from scoreline.store.schema import matches, raw_payloads
from scoreline.worker.aggregate import AGGREGATE_JOB_KIND, aggregate_job_key
from scoreline.worker.intake import IngestOutcome, IngestStatus, ingest_source

# What a client may call the body. The content is sniffed whatever the type says (a CS2 log
# and a Riot JSON file are both recognised from their bytes); the type only keeps out bodies
# that are no file at all, such as an HTML form.
ACCEPTED_MEDIA_TYPES = ("application/json", "text/plain", "application/octet-stream")
# RFC 9110 §8.3: a body without Content-Type may be taken as application/octet-stream.
DEFAULT_MEDIA_TYPE = "application/octet-stream"
DEFAULT_SOURCE = "upload"
REJECTED = "rejected"
MAX_BODY_ENV = find_env_name("api_max_body_bytes")

router = APIRouter(prefix="/api/v1", tags=["ingest"])


class IngestedMatch(BaseModel):
    match_pk: int = Field(description="scoreline's id of the match: /api/v1/matches/{match_pk}.")
    source_match_id: str = Field(description="The match id the file itself gives.")
    game: str


class IngestAnswer(BaseModel):
    """What was stored (202) or found stored already (200)."""

    status: Literal["ingested", "duplicate"]
    source: str = Field(description="The label the upload was stored under.")
    sha256: str = Field(description="The content hash the raw payload is deduplicated by.")
    matches: list[IngestedMatch]
    job_ids: list[int] = Field(
        description="The aggregate jobs computing these matches: /api/v1/jobs/{id}."
    )


_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "One match file as it was downloaded or written: Riot VAL-MATCH-V1 or client "
            "JSON, a HenrikDev response, or a CS2 server log. Format: "
            + ", ".join(supported_formats())
            + "."
        ),
        "content": {
            "application/json": {"schema": {}},
            "text/plain": {"schema": {"type": "string"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/ingest",
    summary="Store a match file and queue its stats",
    status_code=202,
    response_model=IngestAnswer,
    dependencies=[TokenRequired],
    openapi_extra=_BODY_DOC,
    responses={
        200: {"model": IngestAnswer, "description": "The same bytes were stored before."},
        **error_responses(401, 403, 413, 415, 422),
    },
)
async def ingest_file(
    request: Request,
    source: Annotated[
        str,
        Query(
            min_length=1,
            max_length=300,
            description="A label for the upload (a file name), kept with it and in errors.",
        ),
    ] = DEFAULT_SOURCE,
) -> Response:
    """Store the body in one transaction: the raw payload, its canonical matches and one
    aggregate job per match (202). The same bytes again change nothing (200). A body that
    is no supported match file is kept only as a rejection record, and the answer (422)
    names the field at fault and why."""
    _check_media_type(request.headers.get("content-type"))
    runtime = get_runtime(request)
    data = await read_body_within(request, runtime.settings.api_max_body_bytes)
    try:
        outcome = await run_in_threadpool(
            partial(
                ingest_source,
                runtime.engine,
                runtime.ledger,
                data,
                source,
                now=get_now(request),
                zone=ZoneInfo(runtime.settings.timezone),
            )
        )
    except UnstorableMatchError as error:
        return _rejection(source, "", f"match {error.match_id}: {error.reason}")
    if outcome.status is IngestStatus.REJECTED:
        return _rejection(source, outcome.field, outcome.reason)
    digest = sha256_hex(data)
    answer = await run_in_threadpool(_describe_outcome, runtime, outcome, digest)
    if outcome.status is IngestStatus.DUPLICATE:
        return json_response(answer, status_code=200)
    response = json_response(answer, status_code=202)
    if outcome.job_ids:
        response.headers["Location"] = f"/api/v1/jobs/{outcome.job_ids[0]}"
    return response


def _check_media_type(content_type: str | None) -> None:
    media_type = (content_type or DEFAULT_MEDIA_TYPE).split(";")[0].strip().lower()
    if media_type not in ACCEPTED_MEDIA_TYPES:
        raise HTTPException(
            status_code=415,
            detail={
                "reason": f"cannot ingest a {media_type or 'blank'} body",
                "content_type": media_type,
                "accepted": list(ACCEPTED_MEDIA_TYPES),
            },
        )


def _too_large(limit_bytes: int) -> HTTPException:
    return HTTPException(
        status_code=413,
        detail={
            "reason": f"the body is larger than {limit_bytes} bytes (set by {MAX_BODY_ENV})",
            "limit_bytes": limit_bytes,
        },
    )


async def read_body_within(request: Request, limit_bytes: int) -> bytes:
    """The request body, or 413 as soon as it is known to exceed ``limit_bytes``: from
    Content-Length before reading anything, else while the body streams in."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit_bytes:
        raise _too_large(limit_bytes)
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit_bytes:
            raise _too_large(limit_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _rejection(source: str, field: str, reason: str) -> Response:
    where = f"{source}: {field}" if field else source
    return error_response(
        422, f"{REJECTED}: {where}: {reason}", {"file": source, "field": field, "reason": reason}
    )


def _describe_outcome(runtime: Runtime, outcome: IngestOutcome, digest: str) -> dict[str, Any]:
    """The answer's body: the matches stored (or stored already) and their aggregate jobs."""
    with runtime.engine.connect() as conn:
        conn.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
        if outcome.status is IngestStatus.DUPLICATE:
            stored = _find_payload_matches(conn, digest)
        else:
            stored = _find_matches(conn, outcome.match_pks)
    job_ids = list(outcome.job_ids)
    if outcome.status is IngestStatus.DUPLICATE:
        for row in stored:
            job = runtime.ledger.find(AGGREGATE_JOB_KIND, aggregate_job_key(row["match_pk"]))
            if job is not None:
                job_ids.append(job.id)
    return {
        "status": outcome.status.value,
        "source": outcome.source,
        "sha256": digest,
        "matches": stored,
        "job_ids": job_ids,
    }


_MATCH_COLUMNS = (matches.c.match_pk, matches.c.source_match_id, matches.c.game)


def _find_matches(conn: Connection, match_pks: tuple[int, ...]) -> list[dict[str, Any]]:
    rows = conn.execute(select(*_MATCH_COLUMNS).where(matches.c.match_pk.in_(match_pks))).all()
    by_pk = {row.match_pk: dict(row._mapping) for row in rows}
    # In the order ingest stored them, which is the file's order.
    return [by_pk[match_pk] for match_pk in match_pks if match_pk in by_pk]


def _find_payload_matches(conn: Connection, digest: str) -> list[dict[str, Any]]:
    statement = (
        select(*_MATCH_COLUMNS)
        .join(raw_payloads, raw_payloads.c.id == matches.c.raw_payload_id)
        .where(raw_payloads.c.sha256 == digest)
        .order_by(matches.c.match_pk)
    )
    return [dict(row._mapping) for row in conn.execute(statement)]
