"""`scoreline worker` as real processes: exactly-once draining, SIGTERM, SIGKILL, poison jobs."""

from __future__ import annotations

import json
import os
import signal
import socket
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoreline.jobs import JobState

from .worker_setups import WorkerSetup, open_worker_setup, wait_for
from .worker_test_handlers import HANDLERS_MODULE, find_effects


@pytest.fixture
def worker_setup(database_url: str, tmp_path: Path) -> Iterator[WorkerSetup]:
    with open_worker_setup(database_url, tmp_path) as setup:
        yield setup


@pytest.fixture
def sqlite_worker_setup(sqlite_url: str, tmp_path: Path) -> Iterator[WorkerSetup]:
    with open_worker_setup(sqlite_url, tmp_path) as setup:
        yield setup


def _states(setup: WorkerSetup) -> Counter[JobState]:
    return Counter(job.state for job in setup.ledger.list(limit=10_000))


def test_two_processes_drain_200_jobs_each_exactly_once(worker_setup: WorkerSetup) -> None:
    ids = {
        worker_setup.ledger.enqueue(
            "test.record", f"match-{n}", {"match_id": f"match-{n}", "sleep_seconds": 0.01}
        ).job_id
        for n in range(200)
    }

    worker = worker_setup.start_worker("--burst", "--concurrency", "2")
    code = worker.wait()

    assert code == 0, worker.log
    effects = find_effects(worker_setup.engine)
    assert sorted(job_id for job_id, _attempt, _pid in effects) == sorted(ids)
    assert _states(worker_setup) == {JobState.DONE: 200}
    # Both processes took work, each job from one of them.
    assert len({pid for _job, _attempt, pid in effects}) == 2


@pytest.mark.parametrize("concurrency", [1, 2])
def test_sigterm_lets_the_current_jobs_finish_and_leaves_the_rest_queued(
    worker_setup: WorkerSetup, tmp_path: Path, concurrency: int
) -> None:
    started = tmp_path / "started"
    started.mkdir()
    for n in range(12):
        worker_setup.ledger.enqueue(
            "test.record", f"match-{n}", {"sleep_seconds": 1.5, "started_dir": str(started)}
        )
    worker = worker_setup.start_worker("--concurrency", str(concurrency))
    wait_for(
        lambda: len(list(started.iterdir())) >= concurrency,
        what="each process to start a job",
        worker=worker,
    )

    worker.process.send_signal(signal.SIGTERM)
    code = worker.wait()

    assert code == 0, worker.log
    begun = len(list(started.iterdir()))
    states = _states(worker_setup)
    assert states[JobState.RUNNING] == 0
    assert states[JobState.DONE] == begun == len(find_effects(worker_setup.engine))
    assert states[JobState.QUEUED] == 12 - begun >= 12 - 2 * concurrency


def test_a_child_killed_mid_job_loses_nothing(worker_setup: WorkerSetup, tmp_path: Path) -> None:
    started = tmp_path / "started"
    started.mkdir()
    ids = [
        worker_setup.ledger.enqueue(
            "test.record", f"match-{n}", {"sleep_seconds": 0.5, "started_dir": str(started)}
        ).job_id
        for n in range(6)
    ]
    worker = worker_setup.start_worker("--concurrency", "2", job_lease_seconds="2")
    [first] = wait_for(lambda: list(started.iterdir())[:1], what="a job to start", worker=worker)
    victim_job = int(first.name.split("-")[0])

    os.kill(int(first.read_text()), signal.SIGKILL)
    wait_for(
        lambda: _states(worker_setup)[JobState.DONE] == 6,
        what="every job done",
        worker=worker,
    )
    worker.process.send_signal(signal.SIGTERM)
    code = worker.wait()

    assert code == 0, worker.log
    effects = find_effects(worker_setup.engine)
    assert sorted(job_id for job_id, _attempt, _pid in effects) == sorted(ids)
    # Taken again once its lease expired: the second attempt did it.
    assert worker_setup.ledger.get(victim_job).attempts == 2
    assert "worker process died" in worker.log
    assert "replacing the worker process" in worker.log


def test_a_poison_job_ends_dead_shows_why_and_replays_after_a_fix(
    worker_setup: WorkerSetup, tmp_path: Path
) -> None:
    fix = tmp_path / "fixed"
    job_id = worker_setup.ledger.enqueue("test.fail", "match-1", {"fixed_when": str(fix)}).job_id

    code, log = worker_setup.run("worker", "--burst", "--handlers-module", HANDLERS_MODULE)
    assert code == 0, log
    dead = worker_setup.ledger.get(job_id)
    assert (dead.state, dead.attempts) == (JobState.DEAD, 3)

    code, shown = worker_setup.run("jobs", "show", str(job_id))
    assert code == 0, shown
    assert f"FixMissingError: boom: {fix} does not exist yet" in shown
    assert "Traceback (most recent call last)" in shown
    assert "in fail_until_fixed" in shown
    assert "3 of 3" in shown

    fix.touch()
    code, replayed = worker_setup.run("jobs", "retry", str(job_id))
    assert code == 0, replayed
    assert f"job {job_id} (test.fail match-1) queued again" in replayed
    code, log = worker_setup.run("worker", "--burst", "--handlers-module", HANDLERS_MODULE)

    assert code == 0, log
    done = worker_setup.ledger.get(job_id)
    assert (done.state, done.attempts) == (JobState.DONE, 1)
    assert [job for job, _attempt, _pid in find_effects(worker_setup.engine)] == [job_id]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_metrics_of_every_process_are_served_merged(sqlite_worker_setup: WorkerSetup) -> None:
    # The exporter does not depend on the backend: SQLite alone is enough.
    worker_setup = sqlite_worker_setup
    for n in range(20):
        worker_setup.ledger.enqueue("test.record", f"match-{n}", {"sleep_seconds": 0.01})
    port = _free_port()
    worker = worker_setup.start_worker("--concurrency", "2", "--metrics-port", str(port))
    wait_for(
        lambda: _states(worker_setup)[JobState.DONE] == 20, what="every job done", worker=worker
    )

    def scrape() -> str:
        url = f"http://127.0.0.1:{port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            body: str = response.read().decode()
        return body

    body = wait_for(scrape, what="the metrics endpoint", worker=worker)
    worker.process.send_signal(signal.SIGTERM)
    code = worker.wait()

    assert code == 0, worker.log
    assert 'scoreline_jobs_total{kind="test.record",outcome="done"} 20.0' in body
    assert 'scoreline_job_phase_seconds_count{kind="test.record",phase="write"} 20.0' in body
    assert 'scoreline_job_queue_depth{state="done"} 20.0' in body
    assert "scoreline_job_queue_lag_seconds 0.0" in body


def test_log_lines_are_json_with_the_job_on_each_line_of_a_job(
    worker_setup: WorkerSetup,
) -> None:
    job_id = worker_setup.ledger.enqueue("test.readonly", "r-1", {"match_id": "m-9"}).job_id

    code, log = worker_setup.run("worker", "--burst", "--handlers-module", HANDLERS_MODULE)

    assert code == 0, log
    lines = [json.loads(line) for line in log.splitlines()]
    [inside] = [line for line in lines if line["event"] == "nothing to write"]
    assert (inside["job_id"], inside["job_kind"], inside["match_id"]) == (
        job_id,
        "test.readonly",
        "m-9",
    )
