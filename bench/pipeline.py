"""Benchmark the aggregate pipeline: ingest, worker and recompute, on PostgreSQL and SQLite.

    python bench/pipeline.py [--matches 5000] [--backend postgresql|sqlite|both]

Prints one JSON line per backend. Generation happens before any clock starts. References
measured in the same run: parsing alone (the floor of ingest) and, on PostgreSQL, a bare
binary COPY of one match's aggregate rows on a raw psycopg cursor (the floor of the write).
The worker runs as `scoreline worker --burst` would for a user; its per-job load / compute /
write split is read from its JSON log lines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from scoreline.ingest import parse_source
from scoreline.jobs.ledger import SqlLedger
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.store.engines import build_engine
from scoreline.store.migrate import upgrade_database
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.intake import IngestStatus, ingest_source
from store import find_match, measure_bare_copies, throwaway_postgres

SEED = 20261123


def scoreline(url: str, *args: str) -> tuple[float, str]:
    """Run the command; returns its wall time and its stderr (the JSON log)."""
    env = {**os.environ, "SCORELINE_DATABASE_URL": url, "SCORELINE_LOG_FORMAT": "json"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "scoreline", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"scoreline {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return elapsed, result.stderr


def job_phases(log: str) -> dict[str, float]:
    """Median ms of each phase over the `job finished` lines of a worker log."""
    phases: dict[str, list[float]] = {"load_ms": [], "compute_ms": [], "write_ms": []}
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        entry = orjson.loads(line)
        if entry.get("event") == "job finished" and entry.get("outcome") == "done":
            for phase, values in phases.items():
                values.append(float(entry[phase]))
    return {
        f"job_{phase}_median": round(statistics.median(v), 3) for phase, v in phases.items() if v
    }


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "postgresql":
        with throwaway_postgres() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"


def measure(backend: str, documents: list[bytes], concurrency: int) -> dict[str, Any]:
    count = len(documents)
    figures: dict[str, Any] = {"bench": "pipeline", "backend": backend, "matches": count}
    start = time.perf_counter()
    for index, data in enumerate(documents):
        parse_source(data, f"synthetic {index}")
    parse_per_s = count / (time.perf_counter() - start)
    with database(backend) as url:
        engine = build_engine(url)
        try:
            upgrade_database(engine)
            ledger = SqlLedger(engine)
            start = time.perf_counter()
            for index, data in enumerate(documents):
                outcome = ingest_source(engine, ledger, data, f"synthetic {index}")
                assert outcome.status is IngestStatus.INGESTED, outcome
            ingest_per_s = count / (time.perf_counter() - start)
            figures["ingest_per_s"] = round(ingest_per_s, 1)
            figures["ingest_ratio_to_parse_only"] = round(ingest_per_s / parse_per_s, 3)
            figures["parse_only_per_s"] = round(parse_per_s, 1)

            elapsed, log = scoreline(url, "worker", "--burst", "--concurrency", str(concurrency))
            figures["worker_concurrency"] = concurrency
            figures["worker_per_s"] = round(count / elapsed, 1)
            figures.update(job_phases(log))
            if backend == "postgresql":
                match, _ = find_match(24)
                stats = compute_match_stats(match, preset("official"))
                bare = measure_bare_copies(engine, match, stats)["save_match_stats_bare"]
                figures["bare_copy_aggregates_ms"] = bare["wall_ms"]
                if "job_write_ms_median" in figures:
                    figures["write_ratio_to_bare_copy"] = round(
                        figures["job_write_ms_median"] / bare["wall_ms"], 2
                    )

            elapsed, _ = scoreline(url, "recompute", "--all")
            figures["recompute_queue_per_s"] = round(count / elapsed, 1)
            worker_elapsed, _ = scoreline(
                url, "worker", "--burst", "--concurrency", str(concurrency)
            )
            figures["recompute_all_per_s"] = round(count / (elapsed + worker_elapsed), 1)
        finally:
            engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=5000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    args = parser.parse_args()
    documents = [orjson.dumps(generate_match(SEED, i)) for i in range(args.matches)]
    backends = ("postgresql", "sqlite") if args.backend == "both" else (args.backend,)
    for backend in backends:
        figures = measure(backend, documents, concurrency=2 if backend == "postgresql" else 1)
        sys.stdout.write(orjson.dumps(figures).decode() + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
