"""The durable job ledger: enqueue, claim, lease, retry, schedule (DESIGN.md, "Jobs")."""

from __future__ import annotations

from scoreline.jobs.backoff import BackoffPolicy, compute_retry_delay_seconds
from scoreline.jobs.errors import (
    InvalidJobError,
    InvalidScheduleError,
    JobError,
    JobNotFoundError,
    JobStateError,
    LeaseLostError,
)
from scoreline.jobs.ledger import DEFAULT_MAX_ATTEMPTS, JobLedger, SqlLedger
from scoreline.jobs.model import EnqueueResult, Job, JobState, JobStats
from scoreline.jobs.schedules import Schedule

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "BackoffPolicy",
    "EnqueueResult",
    "InvalidJobError",
    "InvalidScheduleError",
    "Job",
    "JobError",
    "JobLedger",
    "JobNotFoundError",
    "JobState",
    "JobStateError",
    "JobStats",
    "LeaseLostError",
    "Schedule",
    "SqlLedger",
    "compute_retry_delay_seconds",
]
