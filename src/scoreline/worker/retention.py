"""The retention job: old raw payloads and round events deleted in batches, on a schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from scoreline.jobs.model import Job
from scoreline.jobs.schedules import Schedule
from scoreline.store.retention import RetentionPolicy, run_retention
from scoreline.worker.handlers import HANDLERS, JobContext

RETENTION_JOB_KIND = "retention"
RETENTION_SCHEDULE_NAME = "retention"
# Below the default 0: a worker takes the matches waiting to be computed first.
RETENTION_JOB_PRIORITY = -10
# Between two batches: on SQLite, a worker waiting for the one write lock gets it in this gap
# (its busy handler retries every few ms) instead of queueing behind the whole run.
BATCH_PAUSE_SECONDS = 0.02


@runtime_checkable
class RetentionSettings(Protocol):
    """The settings retention reads (scoreline.bootstrap.settings.Settings has them all)."""

    @property
    def raw_payload_retention_days(self) -> int | None: ...

    @property
    def round_event_retention_days(self) -> int | None: ...

    @property
    def retention_batch_rows(self) -> int: ...

    @property
    def retention_schedule(self) -> str: ...


def build_retention_policy(settings: RetentionSettings) -> RetentionPolicy:
    return RetentionPolicy(
        raw_payload_days=settings.raw_payload_retention_days,
        round_event_days=settings.round_event_retention_days,
        batch_rows=settings.retention_batch_rows,
    )


def build_retention_schedule(settings: RetentionSettings) -> Schedule | None:
    """The schedule that enqueues the retention job; None when retention deletes nothing,
    so that a deployment keeping everything never sees retention jobs in its queue."""
    if not build_retention_policy(settings).enabled:
        return None
    return Schedule(
        name=RETENTION_SCHEDULE_NAME,
        cron=settings.retention_schedule,
        kind=RETENTION_JOB_KIND,
        priority=RETENTION_JOB_PRIORITY,
    )


def find_run_instant(job: Job, now: datetime) -> datetime:
    """The instant a retention job measures ages from: its schedule slot when it has one,
    so that running it again deletes against the same cutoffs; else ``now``."""
    scheduled_for = job.payload.get("scheduled_for")
    if isinstance(scheduled_for, str):
        slot = datetime.fromisoformat(scheduled_for)
        if slot.tzinfo is not None:
            return slot
    return now


@HANDLERS.handler(RETENTION_JOB_KIND)
def retention(job: Job, context: JobContext) -> None:
    # Batches commit on their own, not with the job's completion: a rerun after a crash
    # finds what went gone and deletes the rest, so at-least-once is still right.
    settings = context.settings
    if not isinstance(settings, RetentionSettings):
        raise TypeError("the worker's settings have no retention_* fields")
    policy = build_retention_policy(settings)
    if not policy.enabled:
        return
    instant = find_run_instant(job, datetime.now(UTC))
    with context.phase("delete"):
        report = run_retention(
            context.engine, policy, now=instant, pause_seconds=BATCH_PAUSE_SECONDS
        )
    context.log.info(
        "retention done",
        batches=report.batches,
        pruned_matches=report.pruned_matches,
        **{f"{sweep.table}_deleted": sweep.rows for sweep in report.sweeps},
    )
