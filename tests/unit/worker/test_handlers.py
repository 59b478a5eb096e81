"""The handler registry, and the context that makes a handler load, compute, save."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, select, text, update

from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.jobs import Job, JobState, LeaseLostError
from scoreline.store.schema import jobs
from scoreline.worker import (
    DuplicateHandlerError,
    HandlerRegistry,
    HandlersModuleError,
    JobContext,
    UnknownKindError,
)
from scoreline.worker.handlers import find_match_id, import_handler_modules
from scoreline.worker.logs import get_logger

results_metadata = MetaData()
results = Table(
    "handler_test_results",
    results_metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", String(50), nullable=False),
)


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


def noop(job: Job, context: JobContext) -> None:
    """A handler that does nothing."""


def other_noop(job: Job, context: JobContext) -> None:
    """Another handler that does nothing."""


def test_a_registered_handler_is_found_by_its_kind() -> None:
    registry = HandlerRegistry()
    registry.register("aggregate", noop)

    assert registry.find("aggregate") is noop
    assert registry.find("recompute") is None
    assert "aggregate" in registry
    assert registry.kinds == ("aggregate",)


def test_the_decorator_registers_and_returns_the_function() -> None:
    registry = HandlerRegistry()

    decorated = registry.handler("aggregate")(noop)

    assert decorated is noop
    assert registry.find("aggregate") is noop


def test_registering_the_same_function_twice_is_harmless() -> None:
    registry = HandlerRegistry()
    registry.register("aggregate", noop)
    registry.register("aggregate", noop)

    assert registry.kinds == ("aggregate",)


def test_a_second_handler_for_a_kind_is_refused() -> None:
    registry = HandlerRegistry()
    registry.register("aggregate", noop)

    with pytest.raises(DuplicateHandlerError, match="'aggregate'"):
        registry.register("aggregate", other_noop)


def test_an_empty_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        HandlerRegistry().register("", noop)


def test_checking_kinds_names_those_without_a_handler() -> None:
    registry = HandlerRegistry()
    registry.register("aggregate", noop)

    assert registry.check_kinds(["aggregate", "aggregate"]) == ("aggregate",)
    with pytest.raises(UnknownKindError, match=r"recompute; this worker runs: aggregate"):
        registry.check_kinds(["aggregate", "recompute"])


def test_a_handlers_module_that_cannot_be_imported_is_named() -> None:
    with pytest.raises(HandlersModuleError, match="'scoreline_no_such_module'"):
        import_handler_modules(["scoreline_no_such_module"])


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"match_id": "9a640756"}, "9a640756"),
        ({"match_id": 42}, "42"),
        ({"match_id": True}, None),
        ({"match_id": None}, None),
        ({"match_id": {"id": 1}}, None),
        ({}, None),
    ],
)
def test_the_match_id_comes_from_the_payload_when_it_is_a_string_or_number(
    runtime: Runtime, payload: dict[str, Any], expected: str | None
) -> None:
    runtime.ledger.enqueue("aggregate", "k", payload)
    [job] = runtime.ledger.claim("w")

    assert find_match_id(job) == expected


def _claimed_context(runtime: Runtime, payload: dict[str, Any] | None = None) -> JobContext:
    results_metadata.create_all(runtime.engine)
    runtime.ledger.enqueue("aggregate", "match-1", payload or {"match_id": "match-1"})
    [job] = runtime.ledger.claim("worker-1")
    return JobContext(
        job,
        engine=runtime.engine,
        ledger=runtime.ledger,
        settings=runtime.settings,
        log=get_logger("test"),
    )


def insert_result(conn: Connection, match_id: str) -> int:
    conn.execute(results.insert().values(match_id=match_id))
    return 7


def count_results(runtime: Runtime) -> int:
    with runtime.engine.connect() as conn:
        return len(conn.execute(select(results)).all())


def test_save_commits_the_results_and_the_completion_together(runtime: Runtime) -> None:
    context = _claimed_context(runtime)

    returned = context.save(insert_result, "match-1")

    assert returned == 7
    assert context.completed
    assert count_results(runtime) == 1
    assert runtime.ledger.get(context.job.id).state is JobState.DONE


def test_a_failing_write_commits_nothing_and_leaves_the_job_running(runtime: Runtime) -> None:
    context = _claimed_context(runtime)

    def write_then_fail(conn: Connection) -> None:
        insert_result(conn, "match-1")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        context.save(write_then_fail)

    assert not context.completed
    assert count_results(runtime) == 0
    assert runtime.ledger.get(context.job.id).state is JobState.RUNNING


def test_a_save_after_the_lease_was_taken_over_rolls_its_write_back(runtime: Runtime) -> None:
    context = _claimed_context(runtime)
    with runtime.engine.begin() as conn:
        conn.execute(update(jobs).values(worker_id="worker-2"))

    with pytest.raises(LeaseLostError):
        context.save(insert_result, "match-1")

    assert count_results(runtime) == 0
    assert not context.completed


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"match_id": "abc"}, "match:abc"),
        ({"other": 1}, "aggregate:match-1"),
    ],
)
def test_save_locks_the_match_when_the_payload_names_one(
    runtime: Runtime, payload: dict[str, Any], expected: str
) -> None:
    assert _claimed_context(runtime, payload).lock_key == expected


def test_load_reads_while_another_connection_holds_the_sqlite_write_lock(
    runtime: Runtime,
) -> None:
    context = _claimed_context(runtime)
    holding = threading.Event()
    release = threading.Event()

    def hold_the_writer() -> None:
        with runtime.engine.begin() as conn:  # BEGIN IMMEDIATE
            conn.execute(text("SELECT 1"))
            holding.set()
            release.wait(timeout=10)

    holder = threading.Thread(target=hold_the_writer)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        state = context.load(
            lambda conn, job_id: conn.execute(
                select(jobs.c.state).where(jobs.c.id == job_id)
            ).scalar_one(),
            context.job.id,
        )
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=10)

    assert state == "running"
    assert waited < 1


def test_each_phase_reports_its_time(runtime: Runtime) -> None:
    context = _claimed_context(runtime)

    match_id = context.load(lambda _conn, value: value, "match-1")
    context.compute(time.sleep, 0.02)
    context.save(insert_result, match_id)
    with context.phase("publish"):
        pass

    timings = context.timings
    assert set(timings) == {"load", "compute", "write", "publish"}
    assert timings["compute"] >= 0.02
    assert all(seconds >= 0 for seconds in timings.values())


def test_a_repeated_phase_adds_up(runtime: Runtime) -> None:
    context = _claimed_context(runtime)

    context.compute(time.sleep, 0.01)
    context.compute(time.sleep, 0.01)

    assert context.timings["compute"] >= 0.02


def test_the_rules_follow_the_stat_preset_setting(runtime: Runtime) -> None:
    context = _claimed_context(runtime)

    assert context.rules.name == runtime.settings.stat_preset == "official"
