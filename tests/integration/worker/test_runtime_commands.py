"""`scoreline jobs ...`, `scoreline db ...` and `scoreline worker` as a user runs them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from typer.testing import CliRunner, Result

from scoreline.jobs import JobState, SqlLedger
from scoreline.store import build_engine

from .worker_cli import app
from .worker_setups import WorkerSetup, open_worker_setup
from .worker_test_handlers import find_effects

TRACEBACK = 'Traceback (most recent call last):\n  File "aggregate.py", line 3\nValueError: boom'


@pytest.fixture
def worker_setup(database_url: str, tmp_path: Path) -> Iterator[WorkerSetup]:
    with open_worker_setup(database_url, tmp_path) as setup:
        yield setup


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    # Every command configures logging for the process; put the test process's back.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


def invoke(url: str, *arguments: str, **settings: str) -> Result:
    env = {"SCORELINE_DATABASE_URL": url, "SCORELINE_LOG_FORMAT": "json"}
    env.update({f"SCORELINE_{name.upper()}": value for name, value in settings.items()})
    return CliRunner().invoke(app, list(arguments), env=env)


@pytest.fixture
def queue(worker_setup: WorkerSetup) -> dict[str, int]:
    """Three jobs: a queued aggregate, a dead aggregate with its traceback, a done rollup."""
    ledger = SqlLedger(worker_setup.engine, max_attempts=1)
    dead = ledger.enqueue("aggregate", "match-dead", {"match_id": "match-dead"}).job_id
    [claimed] = ledger.claim("worker-1")
    ledger.fail(claimed, "ValueError: boom", TRACEBACK)
    done = ledger.enqueue("rollup", "day-1", {}).job_id
    [rollup] = ledger.claim("worker-1")
    with worker_setup.engine.begin() as conn:
        ledger.complete(rollup, conn)
    queued = ledger.enqueue("aggregate", "match-new", {"match_id": "match-new"}).job_id
    return {"queued": queued, "dead": dead, "done": done}


@pytest.mark.usefixtures("queue")
def test_jobs_list_shows_every_job_newest_first(worker_setup: WorkerSetup) -> None:
    result = invoke(worker_setup.url, "jobs", "list")

    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.index("match-new") < text.index("day-1") < text.index("match-dead")
    assert "ValueError: boom" in text
    assert "1/1" in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ((), ["queued", "done", "dead"]),
        (("--state", "dead"), ["dead"]),
        (("--kind", "aggregate"), ["queued", "dead"]),
        (("--limit", "1"), ["queued"]),
    ],
)
def test_jobs_list_filters_by_state_kind_and_limit_in_json(
    worker_setup: WorkerSetup,
    queue: dict[str, int],
    arguments: tuple[str, ...],
    expected: list[str],
) -> None:
    result = invoke(worker_setup.url, "jobs", "list", "--format", "json", *arguments)

    assert result.exit_code == 0, result.output
    documents = json.loads(result.stdout)
    assert [document["id"] for document in documents] == [queue[name] for name in expected]
    assert all("last_traceback" not in document for document in documents)


def test_jobs_dead_lists_only_the_dead_with_their_error(
    worker_setup: WorkerSetup, queue: dict[str, int]
) -> None:
    result = invoke(worker_setup.url, "jobs", "dead", "--format", "json")

    assert result.exit_code == 0, result.output
    [dead] = json.loads(result.stdout)
    assert (dead["id"], dead["state"], dead["last_error"]) == (
        queue["dead"],
        "dead",
        "ValueError: boom",
    )


def test_jobs_show_gives_the_state_attempts_error_and_traceback(
    worker_setup: WorkerSetup, queue: dict[str, int]
) -> None:
    result = invoke(worker_setup.url, "jobs", "show", str(queue["dead"]))

    assert result.exit_code == 0, result.output
    text = result.stdout
    for expected in ("dead", "1 of 1", "ValueError: boom", "match-dead", TRACEBACK):
        assert expected in text


def test_jobs_show_in_json_carries_the_whole_job(
    worker_setup: WorkerSetup, queue: dict[str, int]
) -> None:
    result = invoke(worker_setup.url, "jobs", "show", str(queue["dead"]), "--format", "json")

    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    assert document["state"] == "dead"
    assert document["attempts"] == document["max_attempts"] == 1
    assert document["last_traceback"] == TRACEBACK
    assert document["payload"] == {"match_id": "match-dead"}
    assert document["finished_at"].endswith("+00:00")


def test_jobs_show_of_a_missing_job_says_so(worker_setup: WorkerSetup) -> None:
    result = invoke(worker_setup.url, "jobs", "show", "999")

    assert result.exit_code == 1
    assert "no job with id 999" in result.stderr


def test_jobs_retry_replays_a_dead_job(worker_setup: WorkerSetup, queue: dict[str, int]) -> None:
    result = invoke(worker_setup.url, "jobs", "retry", str(queue["dead"]))

    assert result.exit_code == 0, result.output
    assert f"job {queue['dead']} (aggregate match-dead) queued again" in result.stdout
    job = worker_setup.ledger.get(queue["dead"])
    assert (job.state, job.attempts, job.last_error) == (JobState.QUEUED, 0, None)


def test_jobs_retry_all_dead_replays_each_dead_job(
    worker_setup: WorkerSetup, queue: dict[str, int]
) -> None:
    result = invoke(worker_setup.url, "jobs", "retry", "--all-dead")

    assert result.exit_code == 0, result.output
    assert "1 dead job(s) queued again" in result.stdout
    assert worker_setup.ledger.get(queue["dead"]).state is JobState.QUEUED
    assert worker_setup.ledger.get(queue["done"]).state is JobState.DONE


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (("retry",), 2, "give a job id or --all-dead"),
        (("retry", "1", "--all-dead"), 2, "give a job id or --all-dead"),
        (("retry", "1", "--kind", "aggregate"), 2, "--kind goes with --all-dead"),
        (("retry", "{queued}"), 1, "is queued: cannot retry it"),
    ],
)
def test_jobs_retry_refuses_what_it_cannot_do(
    worker_setup: WorkerSetup,
    queue: dict[str, int],
    arguments: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    filled = [argument.format(**queue) for argument in arguments]

    result = invoke(worker_setup.url, "jobs", *filled)

    assert result.exit_code == code
    assert message in result.stderr


@pytest.mark.usefixtures("queue")
def test_jobs_stats_gives_depth_by_state_and_lag(worker_setup: WorkerSetup) -> None:
    table = invoke(worker_setup.url, "jobs", "stats")
    document = json.loads(invoke(worker_setup.url, "jobs", "stats", "--format", "json").stdout)

    assert table.exit_code == 0, table.output
    assert "oldest due job waiting" in table.stdout
    assert document["counts"] == {"queued": 1, "running": 0, "done": 1, "dead": 1}
    assert document["total"] == 3
    assert document["oldest_queued_lag_seconds"] >= 0


def test_db_current_and_upgrade_on_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"

    before = invoke(url, "db", "current")
    upgraded = invoke(url, "db", "upgrade")
    again = invoke(url, "db", "upgrade")
    after = invoke(url, "db", "current")

    assert [r.exit_code for r in (before, upgraded, again, after)] == [0, 0, 0, 0]
    assert "revision none" in before.stdout
    assert "run `scoreline db upgrade`" in before.stdout
    assert "upgraded from an empty database to" in upgraded.stdout
    assert "already at revision" in again.stdout
    assert "up to date" in after.stdout


def test_commands_on_an_unmigrated_postgres_database_say_how_to_fix_it(
    fresh_postgres_url: str,
) -> None:
    result = invoke(fresh_postgres_url, "jobs", "list")
    upgraded = invoke(fresh_postgres_url, "db", "upgrade")
    listed = invoke(fresh_postgres_url, "jobs", "list", "--format", "json")

    assert result.exit_code == 1
    assert "run `scoreline db upgrade`" in result.stderr
    assert upgraded.exit_code == 0, upgraded.output
    assert (listed.exit_code, json.loads(listed.stdout)) == (0, [])


def test_a_bad_setting_stops_a_command_naming_the_variable(sqlite_url: str) -> None:
    result = invoke(sqlite_url, "jobs", "stats", stat_preset="fancy")

    assert result.exit_code == 2
    assert "SCORELINE_STAT_PRESET: unknown preset 'fancy'" in result.stderr


def test_an_unreachable_database_is_one_line_without_the_password() -> None:
    result = invoke("postgresql://scoreline:s3cret@127.0.0.1:1/stats", "jobs", "stats")

    assert result.exit_code == 1
    assert "cannot use the database postgresql+psycopg://scoreline:***@127.0.0.1:1" in result.stderr
    assert "s3cret" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--kinds", "test.record,rollup"), "no handler for job kind(s) rollup; this worker runs:"),
        (("--handlers-module", "no_such_handlers"), "cannot import handlers module"),
    ],
)
def test_worker_refuses_to_start_without_the_handlers_asked_for(
    sqlite_url: str, arguments: tuple[str, ...], message: str
) -> None:
    result = invoke(sqlite_url, "worker", "--burst", *arguments)

    assert result.exit_code == 2
    assert message in result.stderr


def test_worker_burst_in_one_process_runs_the_queue_dry(worker_setup: WorkerSetup) -> None:
    ids = [
        worker_setup.ledger.enqueue("test.record", f"match-{n}", {"match_id": f"match-{n}"}).job_id
        for n in range(5)
    ]

    result = invoke(
        worker_setup.url,
        "worker",
        "--burst",
        # Imported by this module already: the test handlers are registered in-process.
        "--kinds",
        "test.record",
    )

    assert result.exit_code == 0, result.output
    assert sorted(job for job, _attempt, _pid in find_effects(worker_setup.engine)) == ids
    finished = [json.loads(line) for line in result.stderr.splitlines() if '"job finished"' in line]
    assert [line["job_id"] for line in finished] == ids


def test_the_default_database_is_scoreline_db_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCORELINE_DATABASE_URL", raising=False)

    result = CliRunner().invoke(app, ["jobs", "stats", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] == 0
    engine = build_engine(f"sqlite:///{tmp_path / 'scoreline.db'}")
    try:
        assert SqlLedger(engine).stats().total == 0
    finally:
        engine.dispose()
