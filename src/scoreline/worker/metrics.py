"""Prometheus metrics of the worker: jobs by outcome, phase durations, queue depth and lag."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from scoreline.jobs.model import JobState
from scoreline.worker.logs import get_logger

if TYPE_CHECKING:
    from scoreline.jobs.ledger import JobLedger

# prometheus-client reads it when first imported: a child process must have it in its
# environment from the start, which is why the runner sets it before spawning.
MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Where a job's time goes; a handler reports each through JobContext.
PHASES = ("load", "compute", "write")

# Job outcomes, the values of the ``outcome`` label.
OUTCOME_DONE = "done"  # results committed, job done
OUTCOME_RETRY = "retry"  # failed, queued again after a backoff
OUTCOME_DEAD = "dead"  # failed its last attempt
OUTCOME_LEASE_LOST = "lease_lost"  # another worker took the job over; this run was dropped

# Jobs take milliseconds (compute ~0.3 ms, writes a few ms) up to seconds on a busy server.
DURATION_BUCKETS_SECONDS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip

_log = get_logger("scoreline.worker.metrics")


class WorkerMetrics:
    """The metrics one worker process records (files per process in multiprocess mode)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.jobs = Counter(
            "scoreline_jobs",
            "Jobs a worker finished running, by kind and outcome.",
            ["kind", "outcome"],
            registry=registry,
        )
        self.job_seconds = Histogram(
            "scoreline_job_duration_seconds",
            "Wall time of one job run from claim to outcome, by kind and outcome.",
            ["kind", "outcome"],
            buckets=DURATION_BUCKETS_SECONDS,
            registry=registry,
        )
        self.phase_seconds = Histogram(
            "scoreline_job_phase_seconds",
            "Time a job spent loading, computing and writing, by kind and phase.",
            ["kind", "phase"],
            buckets=DURATION_BUCKETS_SECONDS,
            registry=registry,
        )
        self.database_errors = Counter(
            "scoreline_worker_database_errors",
            "Lost or refused database connections the worker survived, by operation.",
            ["operation"],
            registry=registry,
        )

    def record_job(
        self, kind: str, outcome: str, seconds: float, phases: Mapping[str, float]
    ) -> None:
        self.jobs.labels(kind, outcome).inc()
        self.job_seconds.labels(kind, outcome).observe(seconds)
        for phase, phase_seconds in phases.items():
            self.phase_seconds.labels(kind, phase).observe(phase_seconds)

    def record_database_error(self, operation: str) -> None:
        self.database_errors.labels(operation).inc()


class LedgerCollector:
    """Queue depth by state and the oldest due job's lag, read from the ledger at each scrape.

    Read at scrape time rather than pushed by workers: one process answers, so there is no
    per-process gauge to merge, and the figures are never staler than the scrape.
    """

    def __init__(self, ledger: JobLedger) -> None:
        self._ledger = ledger

    def describe(self) -> Iterable[Metric]:
        return [_depth_family(), _lag_family()]

    def collect(self) -> Iterable[Metric]:
        try:
            stats = self._ledger.stats()
        except Exception as error:
            # A scrape during a database outage reports the worker's own metrics only.
            _log.warning("queue metrics unavailable", error=_first_line(error))
            return []
        depth = _depth_family()
        for state in JobState:
            depth.add_metric([state.value], stats.counts.get(state, 0))
        lag = _lag_family()
        lag.add_metric([], stats.oldest_queued_lag_seconds or 0.0)
        return [depth, lag]


def _depth_family() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "scoreline_job_queue_depth", "Jobs in the ledger, by state.", labels=["state"]
    )


def _lag_family() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "scoreline_job_queue_lag_seconds",
        "How long the oldest due queued job has waited for a worker (0 when none waits).",
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


def build_exporter_registry(ledger: JobLedger, multiproc_dir: Path | None) -> CollectorRegistry:
    """The registry the HTTP exporter serves: the ledger's gauges, plus every worker process's
    files when ``multiproc_dir`` is given."""
    registry = CollectorRegistry()
    if multiproc_dir is not None:
        MultiProcessCollector(registry, path=str(multiproc_dir))  # type: ignore[no-untyped-call]
    registry.register(LedgerCollector(ledger))
    return registry


@contextmanager
def serve_metrics(port: int | None, registry: CollectorRegistry) -> Iterator[int | None]:
    """Serve ``registry`` over HTTP on ``port`` (0 picks a free one) while inside; yields the
    port, or None when ``port`` is None and nothing is served."""
    if port is None:
        yield None
        return
    server, thread = start_http_server(port, registry=registry)
    try:
        yield int(server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def forget_process(pid: int, multiproc_dir: Path) -> None:
    """Tell the multiprocess collector that ``pid`` exited (its counters stay counted)."""
    mark_process_dead(pid, path=str(multiproc_dir))  # type: ignore[no-untyped-call]
