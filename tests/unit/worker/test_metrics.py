"""Metrics: jobs by outcome, phase durations, and queue depth and lag read at scrape time."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.exc import OperationalError

from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.jobs import JobStats
from scoreline.worker.metrics import (
    LedgerCollector,
    WorkerMetrics,
    build_exporter_registry,
    serve_metrics,
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


def test_a_finished_job_counts_its_outcome_and_each_phase() -> None:
    registry = CollectorRegistry()
    metrics = WorkerMetrics(registry)

    metrics.record_job(
        "aggregate", "done", 0.012, {"load": 0.002, "compute": 0.001, "write": 0.009}
    )
    metrics.record_job("aggregate", "retry", 0.5, {})

    def sample(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    assert sample("scoreline_jobs_total", kind="aggregate", outcome="done") == 1
    assert sample("scoreline_jobs_total", kind="aggregate", outcome="retry") == 1
    assert sample("scoreline_job_duration_seconds_count", kind="aggregate", outcome="done") == 1
    assert sample("scoreline_job_duration_seconds_sum", kind="aggregate", outcome="retry") == 0.5
    for phase, seconds in (("load", 0.002), ("compute", 0.001), ("write", 0.009)):
        assert sample("scoreline_job_phase_seconds_sum", kind="aggregate", phase=phase) == seconds
    assert (
        sample("scoreline_job_phase_seconds_bucket", kind="aggregate", phase="write", le="0.01")
        == 1
    )


def test_queue_depth_and_lag_come_from_the_ledger_at_each_scrape(runtime: Runtime) -> None:
    ledger = runtime.ledger
    past = datetime.now(UTC) - timedelta(seconds=30)
    ledger.enqueue("aggregate", "m-1", {}, run_at=past)
    ledger.enqueue("aggregate", "m-2", {})
    ledger.enqueue("aggregate", "m-3", {}, run_at=datetime.now(UTC) + timedelta(hours=1))
    registry = CollectorRegistry()
    registry.register(LedgerCollector(ledger))

    depth = {
        state: registry.get_sample_value("scoreline_job_queue_depth", {"state": state})
        for state in ("queued", "running", "done", "dead")
    }
    lag = registry.get_sample_value("scoreline_job_queue_lag_seconds")

    assert depth == {"queued": 3, "running": 0, "done": 0, "dead": 0}
    assert lag is not None
    assert 29 <= lag < 60

    ledger.claim("w", limit=2)
    assert registry.get_sample_value("scoreline_job_queue_depth", {"state": "running"}) == 2
    assert registry.get_sample_value("scoreline_job_queue_lag_seconds") == 0


class DownLedger:
    def stats(self, **_kwargs: Any) -> JobStats:
        raise OperationalError("SELECT", {}, Exception("connection refused"))


def test_a_scrape_during_a_database_outage_still_answers() -> None:
    registry = CollectorRegistry()
    registry.register(LedgerCollector(DownLedger()))  # type: ignore[arg-type]

    assert registry.get_sample_value("scoreline_job_queue_lag_seconds") is None
    assert list(registry.collect()) == []


def test_metrics_are_served_over_http_while_inside(runtime: Runtime) -> None:
    registry = build_exporter_registry(runtime.ledger, None)
    WorkerMetrics(registry).record_job("aggregate", "done", 0.01, {})

    with serve_metrics(0, registry) as port:
        assert port is not None
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            body = response.read().decode()

    assert 'scoreline_jobs_total{kind="aggregate",outcome="done"} 1.0' in body
    assert 'scoreline_job_queue_depth{state="queued"} 0.0' in body


def test_nothing_is_served_without_a_port() -> None:
    with serve_metrics(None, CollectorRegistry()) as port:
        assert port is None
