"""Log lines: JSON with the job's id, kind and match on every line of a job; console for people."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from prometheus_client import CollectorRegistry

from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.jobs import Job
from scoreline.worker import HandlerRegistry, JobContext, WorkerLoop
from scoreline.worker.logs import configure_logging, get_logger
from scoreline.worker.metrics import WorkerMetrics


@pytest.fixture
def runtime(sqlite_url: str) -> Iterator[Runtime]:
    settings = load_settings(
        database_url=sqlite_url,
        worker_poll_seconds=0.02,
        job_backoff_base_seconds=0.01,
        job_backoff_cap_seconds=0.05,
    )
    with open_runtime(settings) as runtime:
        yield runtime


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_line_of_a_job_carries_its_id_kind_and_match(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "DEBUG")

    def chatty(_job: Job, context: JobContext) -> None:
        context.log.info("loading rounds")
        get_logger("scoreline.store").info("wrote rows", rows=12)
        logging.getLogger("sqlalchemy.pool").warning("connection recycled")
        context.save(lambda _conn: None)

    handlers = HandlerRegistry()
    handlers.register("aggregate", chatty)
    job_id = runtime.ledger.enqueue("aggregate", "m-1", {"match_id": "m-1"}).job_id
    capsys.readouterr()

    WorkerLoop(
        runtime,
        handlers=handlers,
        metrics=WorkerMetrics(CollectorRegistry()),
        stop=threading.Event(),
        burst=True,
    ).run()

    lines = _json_lines(capsys.readouterr().err)
    by_event = {line["event"]: line for line in lines}
    job_events = [
        "job started",
        "loading rounds",
        "wrote rows",
        "connection recycled",
        "job finished",
    ]
    for event in job_events:
        line = by_event[event]
        assert (line["job_id"], line["job_kind"], line["match_id"]) == (job_id, "aggregate", "m-1")
        assert line["timestamp"].endswith("Z")
    assert by_event["job finished"]["outcome"] == "done"
    assert "write_ms" in by_event["job finished"]
    # Outside the job, nothing claims to be about it.
    assert "job_id" not in by_event["worker stopped"]


def test_lines_below_the_level_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "WARNING")

    get_logger("scoreline.worker").info("quiet")
    get_logger("scoreline.worker").warning("loud")
    logging.getLogger("psycopg").info("quiet too")

    assert [line["event"] for line in _json_lines(capsys.readouterr().err)] == ["loud"]


def test_a_failure_line_carries_the_traceback_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "INFO")

    try:
        raise ValueError("round 3 has no winner")
    except ValueError as error:
        get_logger("scoreline.worker").error("job failed", exc_info=error)

    [line] = _json_lines(capsys.readouterr().err)
    assert line["exception"].startswith("Traceback (most recent call last)")
    assert "ValueError: round 3 has no winner" in line["exception"]


def test_console_lines_are_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("console", "INFO")

    get_logger("scoreline.worker").info("worker started", burst=True)

    text = capsys.readouterr().err
    assert "worker started" in text
    assert "burst=True" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_configuring_again_does_not_repeat_stdlib_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("json", "INFO")
    configure_logging("json", "INFO")

    logging.getLogger("sqlalchemy.pool").warning("once")

    assert len(_json_lines(capsys.readouterr().err)) == 1


@pytest.mark.parametrize(("log_format", "log_level"), [("xml", "INFO"), ("json", "LOUD")])
def test_an_unknown_format_or_level_is_refused(log_format: Any, log_level: Any) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        configure_logging(log_format, log_level)
