"""Errors of the job ledger.

ScorelineError                  root (scoreline.domain.errors)
└── JobError                    the ledger refused an operation on a job
    ├── InvalidJobError         bad arguments: empty kind or key, naive datetime, payload not JSON
    ├── InvalidScheduleError    a schedule's name or cron expression cannot be used
    ├── JobNotFoundError        no job has this id, or this (kind, key)
    ├── JobStateError           the job's state forbids the operation (retrying a running job)
    └── LeaseLostError          the worker no longer holds the job: its lease expired and the
                                job was taken again, or it already finished; roll back
"""

from __future__ import annotations

from scoreline.domain.errors import ScorelineError


class JobError(ScorelineError):
    """The job ledger refused an operation."""


class InvalidJobError(JobError):
    """An argument given to the ledger cannot describe a job."""


class InvalidScheduleError(JobError):
    """A schedule cannot be used: bad name or cron expression."""


class JobNotFoundError(JobError):
    """No job matches the id or the (kind, key) given."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"no job {what}")


class JobStateError(JobError):
    """The job is in a state that does not allow the operation."""

    def __init__(self, job_id: int, state: str, operation: str) -> None:
        self.job_id = job_id
        self.state = state
        self.operation = operation
        super().__init__(f"job {job_id} is {state}: cannot {operation} it")


class LeaseLostError(JobError):
    """The worker's claim on the job is gone; whatever it wrote for the job must be rolled back."""

    def __init__(self, job_id: int, worker_id: str | None, attempt: int) -> None:
        self.job_id = job_id
        self.worker_id = worker_id
        self.attempt = attempt
        super().__init__(
            f"job {job_id}: worker {worker_id!r} no longer holds attempt {attempt} "
            "(its lease expired and the job was taken again, or it already finished)"
        )
