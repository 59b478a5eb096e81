from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scoreline.domain.errors import ScorelineError
from scoreline.jobs import errors
from scoreline.jobs.model import Job, JobState
from scoreline.store.schema import JOB_STATES, jobs

CREATED = datetime(2024, 1, 1, tzinfo=UTC)


def make_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 7,
        "kind": "aggregate",
        "key": "match-1",
        "payload": {"match_id": "match-1"},
        "state": "running",
        "priority": 5,
        "run_at": CREATED,
        "attempts": 1,
        "max_attempts": 3,
        "lease_expires_at": CREATED,
        "worker_id": "host:1",
        "last_error": None,
        "last_traceback": None,
        "created_at": CREATED,
        "updated_at": CREATED,
        "finished_at": None,
    }
    return row | changes


def test_job_states_are_the_states_the_schema_allows() -> None:
    assert tuple(state.value for state in JobState) == JOB_STATES


def test_job_fields_are_the_columns_of_the_jobs_table() -> None:
    assert set(Job.__slots__) == {column.name for column in jobs.columns}


def test_job_from_row_keeps_every_column() -> None:
    job = Job.from_row(make_row())

    assert job.id == 7
    assert job.state is JobState.RUNNING
    assert job.payload == {"match_id": "match-1"}
    assert (job.worker_id, job.attempts, job.max_attempts) == ("host:1", 1, 3)


def test_job_from_row_refuses_an_unknown_state() -> None:
    with pytest.raises(ValueError, match="paused"):
        Job.from_row(make_row(state="paused"))


@pytest.mark.parametrize(
    "error",
    [
        errors.InvalidJobError("x"),
        errors.InvalidScheduleError("x"),
        errors.JobNotFoundError("with id 3"),
        errors.JobStateError(3, "running", "retry"),
        errors.LeaseLostError(3, "host:1", 2),
    ],
)
def test_every_ledger_error_is_a_scoreline_job_error(error: errors.JobError) -> None:
    assert isinstance(error, errors.JobError)
    assert isinstance(error, ScorelineError)


def test_lease_lost_error_names_the_job_worker_and_attempt() -> None:
    message = str(errors.LeaseLostError(3, "host:1", 2))

    assert "job 3" in message
    assert "'host:1'" in message
    assert "attempt 2" in message
