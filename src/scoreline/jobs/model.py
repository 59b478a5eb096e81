"""A job as the ledger stores it: frozen, built from a row, with its states."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    """Where a job is in its life; ``done`` and ``dead`` are final until a retry or requeue."""

    QUEUED = "queued"  # waiting for run_at, then for a worker
    RUNNING = "running"  # held by a worker until lease_expires_at
    DONE = "done"  # its results are committed
    DEAD = "dead"  # failed max_attempts times; kept with the last error for an operator


@dataclass(frozen=True, slots=True)
class Job:
    """One row of the ledger. ``(worker_id, attempts)`` identifies who holds a running job."""

    id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    state: JobState
    priority: int
    run_at: datetime
    attempts: int
    max_attempts: int
    lease_expires_at: datetime | None
    worker_id: str | None
    last_error: str | None
    last_traceback: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Job:
        """Build a job from a ``jobs`` row mapping (``result.mappings()`` or ``row._mapping``)."""
        return cls(
            id=int(row["id"]),
            kind=row["kind"],
            key=row["key"],
            payload=row["payload"],
            state=JobState(row["state"]),
            priority=int(row["priority"]),
            run_at=row["run_at"],
            attempts=int(row["attempts"]),
            max_attempts=int(row["max_attempts"]),
            lease_expires_at=row["lease_expires_at"],
            worker_id=row["worker_id"],
            last_error=row["last_error"],
            last_traceback=row["last_traceback"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            finished_at=row["finished_at"],
        )

    def describe(self, *, with_traceback: bool = False) -> dict[str, Any]:
        """The job as plain data (the CLI's JSON and the API's body); the traceback, long and
        internal, only when asked."""
        document: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "key": self.key,
            "state": self.state.value,
            "priority": self.priority,
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
            "run_at": self.run_at,
            "lease_expires_at": self.lease_expires_at,
            "worker_id": self.worker_id,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "finished_at": self.finished_at,
            "payload": dict(self.payload),
        }
        if with_traceback:
            document["last_traceback"] = self.last_traceback
        return document


@dataclass(frozen=True, slots=True)
class EnqueueResult:
    """The job that holds the work, and whether this call created it."""

    job_id: int
    created: bool


@dataclass(frozen=True, slots=True)
class JobStats:
    """Queue depth by state, and how long the oldest due job has waited for a worker."""

    counts: Mapping[JobState, int]
    oldest_queued_lag_seconds: float | None  # None when no queued job is due

    @property
    def total(self) -> int:
        return sum(self.counts.values())
