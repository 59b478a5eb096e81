"""The aggregate job: one stored match's stats computed and written, with its completion."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete

from scoreline.jobs.ledger import JobLedger
from scoreline.jobs.model import Job, JobState
from scoreline.stats.rounds import compute_match_stats
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import delete_match, load_match
from scoreline.store.schema import jobs
from scoreline.worker.handlers import HANDLERS, MATCH_LOCK_PREFIX, JobContext

AGGREGATE_JOB_KIND = "aggregate"


class Scheduling(StrEnum):
    ENQUEUED = "enqueued"  # a new job
    REQUEUED = "requeued"  # the match's finished (done or dead) job runs again
    PENDING = "pending"  # a queued or running job already covers it


class Scheduled(NamedTuple):
    job_id: int
    scheduling: Scheduling


def aggregate_job_key(match_pk: int) -> str:
    return f"match:{match_pk}"


def aggregate_lock_key(match_pk: int) -> str:
    """The lock every writer of one match's aggregates holds (as JobContext.lock_key)."""
    return f"{MATCH_LOCK_PREFIX}{match_pk}"


def schedule_aggregate(
    ledger: JobLedger, conn: Connection, match_pk: int, *, priority: int = 0
) -> Scheduled:
    """(Re)compute match `match_pk`: enqueue its job in `conn`'s transaction, or run it again.

    The payload's `match_id` is what the handler context locks on, so every writer of one
    match's aggregates takes turns.
    """
    key = aggregate_job_key(match_pk)
    result = ledger.enqueue(
        AGGREGATE_JOB_KIND, key, {"match_id": match_pk}, priority=priority, connection=conn
    )
    if result.created:
        return Scheduled(result.job_id, Scheduling.ENQUEUED)
    before = ledger.find(AGGREGATE_JOB_KIND, key)
    ledger.requeue(AGGREGATE_JOB_KIND, key, connection=conn)
    finished = before is not None and before.state in (JobState.DONE, JobState.DEAD)
    return Scheduled(result.job_id, Scheduling.REQUEUED if finished else Scheduling.PENDING)


def delete_aggregated_match(
    ledger: JobLedger, conn: Connection, match_pk: int, *, zone: ZoneInfo
) -> bool:
    """Delete match ``match_pk`` everywhere, in ``conn``'s transaction: its contribution to
    the daily rollups (days in ``zone``), its aggregates, its canonical rows and its job.

    Holds the match's lock, so that no worker writes its stats meanwhile. Returns whether
    the match existed.
    """
    ledger.lock_key(conn, aggregate_lock_key(match_pk))
    existed = delete_match(conn, match_pk, zone=zone)
    # The ledger keeps finished jobs for good; the match is gone, so its job goes too.
    conn.execute(
        delete(jobs).where(
            jobs.c.kind == AGGREGATE_JOB_KIND, jobs.c.key == aggregate_job_key(match_pk)
        )
    )
    return existed


@HANDLERS.handler(AGGREGATE_JOB_KIND)
def aggregate(job: Job, context: JobContext) -> None:
    match_pk = int(job.payload["match_id"])
    match = context.load(load_match, match_pk)
    stats = context.compute(compute_match_stats, match, context.rules)
    context.save(save_match_stats, match_pk, stats, zone=context.zone)
