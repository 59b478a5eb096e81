"""What only PostgreSQL can do to a worker: drop its connections in the middle of a run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from scoreline.jobs import JobState

from .worker_setups import WorkerSetup, open_worker_setup, wait_for
from .worker_test_handlers import find_effects

JOBS = 300
TERMINATIONS = 3


@pytest.fixture
def postgres_worker_setup(postgres_url: str, tmp_path: Path) -> Iterator[WorkerSetup]:
    with open_worker_setup(postgres_url, tmp_path) as setup:
        yield setup


def terminate_other_backends(url: str) -> int:
    """Kill every other session of the database, as a server restart would."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_workers_reconnect_when_their_connections_are_killed_and_finish_every_job(
    postgres_worker_setup: WorkerSetup,
) -> None:
    setup = postgres_worker_setup
    ids = {
        setup.ledger.enqueue(
            "test.record", f"match-{n}", {"match_id": f"match-{n}", "sleep_seconds": 0.01}
        ).job_id
        for n in range(JOBS)
    }
    setup.engine.dispose()  # so that only the workers' sessions are left to kill
    worker = setup.start_worker("--burst", "--concurrency", "2")
    wait_for(
        lambda: len(find_effects(setup.engine)) >= 20, what="the run to get going", worker=worker
    )
    setup.engine.dispose()

    killed = 0
    for _ in range(TERMINATIONS):
        killed += terminate_other_backends(setup.url)
        time.sleep(0.3)
    done_during_the_kills = len(find_effects(setup.engine))
    code = worker.wait()

    assert code == 0, worker.log
    assert killed >= TERMINATIONS
    assert done_during_the_kills < JOBS
    effects = sorted(job_id for job_id, _attempt, _pid in find_effects(setup.engine))
    assert effects == sorted(ids)
    jobs = setup.ledger.list(limit=JOBS + 1)
    assert {job.state for job in jobs} == {JobState.DONE}
