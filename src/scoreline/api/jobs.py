"""The pipeline over HTTP: a job's state for anyone; dead jobs, replays, recomputes for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, select

from scoreline.api.deps import get_runtime, read_connection
from scoreline.api.errors import error_responses
from scoreline.api.responses import CSV_RESPONSE_DOC, FormatQuery, json_response, rows_response
from scoreline.api.security import TokenRequired
from scoreline.jobs.errors import JobNotFoundError, JobStateError
from scoreline.jobs.model import JobState
from scoreline.stats.rounds import STAT_VERSION
from scoreline.store.canonical import list_match_pks
from scoreline.store.schema import ingest_rejections
from scoreline.worker.aggregate import schedule_aggregate

# Matches queued per transaction by a recompute, as `scoreline recompute` does.
RECOMPUTE_BATCH = 500
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

JOB_COLUMNS = (
    "id", "kind", "key", "state", "priority", "attempts", "max_attempts", "run_at",
    "lease_expires_at", "worker_id", "last_error", "created_at", "updated_at", "finished_at",
)  # fmt: skip
REJECTION_COLUMNS = ("id", "source", "sha256", "field", "reason", "received_at")

router = APIRouter(prefix="/api/v1", tags=["jobs"])
admin_router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    dependencies=[TokenRequired],
    responses=error_responses(401, 403),
)


class JobView(BaseModel):
    """A job of the ledger: where it is, how often it ran, and why it last failed."""

    id: int
    kind: str = Field(description="aggregate (one match's stats), retention, ...")
    key: str = Field(description="What the job is about, unique per kind (match:42).")
    state: JobState
    priority: int
    attempts: int = Field(description="Attempts started so far, the running one included.")
    max_attempts: int = Field(description="After this many failed attempts the job is dead.")
    run_at: datetime = Field(description="When the job is (or was) due.")
    lease_expires_at: datetime | None = Field(
        description="While running: when another worker may take it over."
    )
    worker_id: str | None
    last_error: str | None = Field(description="The last failed attempt's error, one line.")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = Field(description="When it became done or dead.")
    payload: dict[str, Any]


class JobPage(BaseModel):
    items: list[JobView]
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null at the end.")


class PipelineView(BaseModel):
    """The queue at a glance."""

    counts: dict[JobState, int] = Field(description="Jobs by state.")
    total: int
    oldest_queued_lag_seconds: float | None = Field(
        description="How long the oldest due job has waited for a worker; null when none."
    )


class RetriedDead(BaseModel):
    retried: int = Field(description="Dead jobs queued again.")


class RecomputeRequest(BaseModel):
    """Which stored matches to compute again; neither field: those below the current version."""

    # Strict: an admin typing {"all": 0} or {"below_version": "2"} meant something else.
    model_config = ConfigDict(strict=True)

    all: bool = Field(default=False, description="Every stored match, whatever its version.")
    below_version: int | None = Field(
        default=None,
        ge=1,
        description=f"Matches computed below this stat version, or never (default {STAT_VERSION}).",
    )

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        if self.all and self.below_version is not None:
            raise ValueError("give all or below_version, not both")
        return self


class RecomputeAnswer(BaseModel):
    queued: int = Field(description="Matches whose aggregate job was queued (again).")
    below_version: int | None = Field(description="The version bound used; null for all.")


class Rejection(BaseModel):
    """An upload or file that was not stored, and why."""

    id: int
    source: str
    sha256: str
    field: str
    reason: str
    received_at: datetime


class RejectionPage(BaseModel):
    items: list[Rejection]
    limit: int
    offset: int
    next_offset: int | None


JobId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The job's id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=2**31, description="Items to skip.")]
# No NUL: PostgreSQL refuses it in text, and no job kind holds one.
KindFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=100, pattern=r"^[^\x00]+$", description="Job kind."),
]


@router.get(
    "/pipeline",
    summary="Queue depth by state and the oldest job's wait",
    response_model=PipelineView,
)
def pipeline_status(request: Request) -> Response:
    stats = get_runtime(request).ledger.stats()
    return json_response(
        {
            "counts": {state.value: stats.counts.get(state, 0) for state in JobState},
            "total": stats.total,
            "oldest_queued_lag_seconds": stats.oldest_queued_lag_seconds,
        }
    )


@router.get(
    "/jobs/{job_id}",
    summary="A job's state, attempts and last error",
    response_model=JobView,
    responses=error_responses(404, 422),
)
def get_job(request: Request, job_id: JobId) -> Response:
    """Where a job is: queued, running, done, or dead with the error that killed it. The
    ingest answer gives the ids of the jobs it queued."""
    try:
        job = get_runtime(request).ledger.get(job_id)
    except JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    return json_response(job.describe())


@admin_router.get(
    "/jobs",
    summary="Jobs newest first, by state and kind",
    response_model=JobPage,
    responses={**CSV_RESPONSE_DOC, **error_responses(422)},
)
def list_jobs(
    request: Request,
    state: Annotated[JobState | None, Query(description="Only jobs in this state.")] = None,
    kind: KindFilter = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
    _format: FormatQuery = None,
) -> Response:
    """The ledger's jobs; `Accept: text/csv` or `?format=csv` gives CSV."""
    return _job_page(request, state, kind, limit, offset)


@admin_router.get(
    "/jobs/dead",
    summary="Dead jobs, newest first",
    response_model=JobPage,
    responses={**CSV_RESPONSE_DOC, **error_responses(422)},
)
def list_dead_jobs(
    request: Request,
    kind: KindFilter = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
    _format: FormatQuery = None,
) -> Response:
    """Jobs that failed every attempt, with their last error; replay them with
    `POST /api/v1/admin/jobs/{id}/retry` or `POST /api/v1/admin/jobs/retry-dead`."""
    return _job_page(request, JobState.DEAD, kind, limit, offset)


def _job_page(
    request: Request, state: JobState | None, kind: str | None, limit: int, offset: int
) -> Response:
    # One more than asked: whether a next page exists without a count over the table.
    found = get_runtime(request).ledger.list(state=state, kind=kind, limit=limit + 1, offset=offset)
    page = found[:limit]
    return rows_response(
        request,
        [job.describe() for job in page],
        columns=JOB_COLUMNS,
        envelope={
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if len(found) > limit else None,
        },
    )


@admin_router.post(
    "/jobs/retry-dead",
    summary="Replay every dead job",
    response_model=RetriedDead,
    responses=error_responses(422),
)
def retry_dead_jobs(request: Request, kind: KindFilter = None) -> Response:
    """Queue every dead job (of `kind` when given) again now, with its attempts reset."""
    return json_response({"retried": get_runtime(request).ledger.retry_all_dead(kind=kind)})


@admin_router.post(
    "/jobs/{job_id}/retry",
    summary="Replay one dead or done job",
    response_model=JobView,
    responses=error_responses(404, 409, 422),
)
def retry_job(request: Request, job_id: JobId) -> Response:
    """Queue the job again now with its attempts reset; 409 while it is queued or running."""
    try:
        job = get_runtime(request).ledger.retry(job_id)
    except JobNotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except JobStateError as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    return json_response(job.describe())


@admin_router.post(
    "/recompute",
    summary="Compute stored matches again",
    status_code=202,
    response_model=RecomputeAnswer,
    # 400: a body that is not even text (FastAPI cannot parse it); 422: not a scope.
    responses=error_responses(400, 422),
)
def recompute_matches(
    request: Request, scope: Annotated[RecomputeRequest | None, Body()] = None
) -> Response:
    """Queue the aggregate job of stored matches again, in batches of 500 (what
    `scoreline recompute` does): by default those computed below the current stat version
    or never; with `all`, every match. A match whose job is already waiting is not queued
    twice."""
    chosen = scope or RecomputeRequest()
    version = None if chosen.all else (chosen.below_version or STAT_VERSION)
    runtime = get_runtime(request)
    queued = 0
    after = 0
    while True:
        with runtime.engine.begin() as conn:
            batch = list_match_pks(
                conn, below_version=version, after_pk=after, limit=RECOMPUTE_BATCH
            )
            for match_pk in batch:
                schedule_aggregate(runtime.ledger, conn, match_pk)
        if not batch:
            break
        queued += len(batch)
        after = batch[-1]
    return json_response({"queued": queued, "below_version": version}, status_code=202)


@admin_router.get(
    "/rejections",
    summary="Uploads and files that were not stored, and why",
    response_model=RejectionPage,
    responses={**CSV_RESPONSE_DOC, **error_responses(422)},
)
def list_rejections(
    request: Request,
    conn: Annotated[Connection, Depends(read_connection)],
    limit: Limit = DEFAULT_PAGE_SIZE,
    offset: Offset = 0,
    _format: FormatQuery = None,
) -> Response:
    """Newest first: the source, the field at fault and the reason, as the ingest answer
    gave them."""
    rows = _select_rejections(conn, limit + 1, offset)
    return rows_response(
        request,
        rows[:limit],
        columns=REJECTION_COLUMNS,
        envelope={
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if len(rows) > limit else None,
        },
    )


def _select_rejections(conn: Connection, limit: int, offset: int) -> list[dict[str, Any]]:
    statement = (
        select(ingest_rejections)
        .order_by(ingest_rejections.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [dict(row._mapping) for row in conn.execute(statement)]
