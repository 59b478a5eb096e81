"""Benchmark the daily rollups on PostgreSQL: their cost to the worker, and `rollups verify`.

    python bench/rollups.py [--matches 1500] [--verify-matches 10000]

Prints one JSON line. Worker throughput with rollups on and off is measured in the same
run, on two databases holding the same generated matches, with `scoreline worker --burst
--concurrency 2` as a user runs it; the off run's jobs are of a kind this module registers
(loaded with --handlers-module), whose handler saves the aggregates alone. The first
computation and two recomputes of every match are timed, in alternating order, and
throughput counts from the first job's start to the last job's end (process start-up
left out). ``rollup_cost`` is 1 - on/off.

`rollups verify` then runs over ``--verify-matches`` matches: the worker's matches cloned
in SQL (new match_pks and source ids, starts moved 60 days per copy) up to that count,
their rollups built by `rollups verify --fix`, then checked by `rollups verify`.
``delta_ms`` is what the writer pays to add one match's rows to the rollups of those
matches; ``recompute_day_ms`` what the alternative pays at least, recomputing every rollup
of the match's day from the per-match tables (scoreline.store.rollups weighs the two).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Connection, Engine, delete, func, select, text, update

from pipeline import SEED, job_phases, scoreline
from scoreline.jobs.ledger import SqlLedger
from scoreline.jobs.model import Job
from scoreline.rollups.specs import ROLLUPS
from scoreline.stats.rounds import compute_match_stats
from scoreline.store.aggregates import load_stored_contribution, save_match_stats
from scoreline.store.canonical import load_match
from scoreline.store.engines import build_engine
from scoreline.store.migrate import upgrade_database
from scoreline.store.rollup_verify import (
    create_fact_tables,
    drop_fact_tables,
    expected_rows_query,
)
from scoreline.store.rollups import apply_rollup_change, lock_match_head
from scoreline.store.schema import AGGREGATE_TABLES, jobs, matches
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.handlers import HANDLERS, JobContext
from scoreline.worker.intake import IngestStatus, ingest_source
from store import throwaway_postgres

WITHOUT_ROLLUPS_KIND = "aggregate_without_rollups"
# This file is the handlers module of the off run: the workers import it under this name.
HANDLERS_MODULE = Path(__file__).stem
CLONE_SHIFT = timedelta(days=60)
DAYS_TIMED = 5


@HANDLERS.handler(WITHOUT_ROLLUPS_KIND)
def aggregate_without_rollups(job: Job, context: JobContext) -> None:
    """The aggregate job as scoreline.worker.aggregate runs it, minus the rollups."""
    match_pk = int(job.payload["match_id"])
    match = context.load(load_match, match_pk)
    stats = context.compute(compute_match_stats, match, context.rules)
    context.save(save_match_stats, match_pk, stats, with_rollups=False)


def steady_per_s(log: str) -> tuple[float, int]:
    """Jobs per second from the first job's start to the last job's end, from the JSON log."""
    starts, ends = [], []
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        entry = orjson.loads(line)
        if entry.get("event") == "job finished" and entry.get("outcome") == "done":
            end = datetime.fromisoformat(entry["timestamp"]).timestamp()
            ends.append(end)
            starts.append(end - float(entry["duration_ms"]) / 1000)
    if not ends:
        raise SystemExit("the worker finished no job:\n" + log[-2000:])
    return len(ends) / (max(ends) - min(starts)), len(ends)


def run_worker(url: str, *, rollups: bool) -> dict[str, float]:
    arguments = ["worker", "--burst", "--concurrency", "2"]
    if not rollups:
        with opened(url) as engine, engine.begin() as conn:
            # (kind, key) is unique: the previous run's finished jobs make way first.
            conn.execute(delete(jobs).where(jobs.c.kind == WITHOUT_ROLLUPS_KIND))
            conn.execute(update(jobs).values(kind=WITHOUT_ROLLUPS_KIND))
        arguments += ["--handlers-module", HANDLERS_MODULE]
    _, log = scoreline(url, *arguments)
    per_s, done = steady_per_s(log)
    return {"per_s": per_s, "jobs": done, **job_phases(log)}


@contextmanager
def opened(url: str) -> Iterator[Engine]:
    engine = build_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def ingest_all(url: str, documents: list[bytes]) -> None:
    with opened(url) as engine:
        upgrade_database(engine)
        ledger = SqlLedger(engine)
        for index, data in enumerate(documents):
            outcome = ingest_source(engine, ledger, data, f"synthetic {index}")
            assert outcome.status is IngestStatus.INGESTED, outcome


# (phase, whether rollups run first): the order alternates, so a drift in the machine's
# load favours neither side; the recompute runs twice, once in each order.
RUNS = (("first", False), ("recompute", True), ("recompute", False))


def measure_throughput(on_url: str, off_url: str, documents: list[bytes]) -> dict[str, Any]:
    ingest_all(on_url, documents)
    ingest_all(off_url, documents)
    rates: dict[tuple[str, bool], list[float]] = {}
    writes: dict[tuple[str, bool], list[float]] = {}
    for phase, on_first in RUNS:
        if phase == "recompute":
            for url in (on_url, off_url):
                scoreline(url, "recompute", "--all")
        for rollups in (on_first, not on_first):
            result = run_worker(on_url if rollups else off_url, rollups=rollups)
            rates.setdefault((phase, rollups), []).append(result["per_s"])
            writes.setdefault((phase, rollups), []).append(result.get("job_write_ms_median", 0))
    figures: dict[str, Any] = {}
    for phase in ("first", "recompute"):
        on = statistics.mean(rates[(phase, True)])
        off = statistics.mean(rates[(phase, False)])
        figures[f"{phase}_per_s_rollups_on"] = round(on, 1)
        figures[f"{phase}_per_s_rollups_off"] = round(off, 1)
        figures[f"{phase}_rollup_cost"] = round(1 - on / off, 3)
        figures[f"{phase}_write_ms_median_on"] = round(statistics.mean(writes[(phase, True)]), 1)
        figures[f"{phase}_write_ms_median_off"] = round(statistics.mean(writes[(phase, False)]), 1)
    return figures


def clone_matches(engine: Engine, target: int) -> int:
    """Copy the stored matches (head and aggregates) until ``target`` exist; returns how many."""
    with engine.begin() as conn:
        originals = conn.execute(select(func.count()).select_from(matches)).scalar_one()
        top = conn.execute(select(func.max(matches.c.match_pk))).scalar_one()
        copies = -(-target // originals) - 1
        head_columns = [c.name for c in matches.c if c.name not in ("match_pk", "raw_payload_id")]
        for copy in range(1, copies + 1):
            offset = copy * top
            limit = min(originals, target - copy * originals)
            if limit <= 0:
                break
            chosen = (
                f"(SELECT match_pk FROM matches WHERE match_pk <= {top}"
                f" ORDER BY match_pk LIMIT {limit})"
            )
            shifted = {
                "match_pk": f"match_pk + {offset}",
                "source_match_id": f"source_match_id || '#{copy}'",
                "started_at": f"started_at + interval '{CLONE_SHIFT.days * copy} days'",
            }
            names = ["match_pk", *head_columns]
            values = [shifted.get(name, name) for name in names]
            conn.execute(
                text(
                    f"INSERT INTO matches ({', '.join(names)}) SELECT {', '.join(values)} "
                    f"FROM matches WHERE match_pk IN {chosen}"
                )
            )
            for aggregate in AGGREGATE_TABLES:
                table = aggregate.table
                columns = [c.name for c in table.c]
                picked = [f"match_pk + {offset}" if c == "match_pk" else f'"{c}"' for c in columns]
                quoted = ", ".join(f'"{c}"' for c in columns)
                conn.execute(
                    text(
                        f'INSERT INTO "{table.name}" ({quoted}) SELECT {", ".join(picked)} '
                        f'FROM "{table.name}" WHERE match_pk IN {chosen}'
                    )
                )
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('matches', 'match_pk'), max(match_pk))"
                " FROM matches"
            )
        )
        conn.execute(text("ANALYZE"))
        total: int = conn.execute(select(func.count()).select_from(matches)).scalar_one()
    return total


def busiest_days(conn: Connection, count: int) -> list[date]:
    rows = conn.execute(
        text(
            "SELECT started_at::date AS day FROM matches WHERE stat_version IS NOT NULL"
            " GROUP BY day ORDER BY count(*) DESC, day LIMIT :count"
        ),
        {"count": count},
    )
    return list(rows.scalars())


def measure_recompute_day(engine: Engine) -> float:
    """Median ms to recompute every rollup of one day from the per-match tables: the least
    the alternative to the delta costs per match (it recomputes the buckets the match is in)."""
    timings = []
    with engine.connect() as conn, conn.begin():
        create_fact_tables(conn, ZoneInfo("UTC"))
        for day in busiest_days(conn, DAYS_TIMED):
            started = time.perf_counter()
            for rollup in ROLLUPS:
                conn.execute(expected_rows_query(rollup, day=day)).all()
            timings.append(time.perf_counter() - started)
        drop_fact_tables(conn)
    return round(statistics.median(timings) * 1000, 1)


def measure_delta(engine: Engine) -> float:
    """Median ms to add one stored match's whole contribution to the rollups (every row an
    update of an existing row), rolled back: what the writer pays per match."""
    timings = []
    zone = ZoneInfo("UTC")
    with engine.connect() as conn:
        days = busiest_days(conn, DAYS_TIMED)
        chosen = [
            conn.execute(
                select(func.min(matches.c.match_pk)).where(
                    func.date(matches.c.started_at) == day, matches.c.stat_version.is_not(None)
                )
            ).scalar_one()
            for day in days
        ]
        conn.rollback()
        for match_pk in chosen:
            with conn.begin() as transaction:
                head = lock_match_head(conn, match_pk)
                assert head is not None
                contribution = load_stored_contribution(conn, head, zone)
                started = time.perf_counter()
                apply_rollup_change(conn, contribution)
                timings.append(time.perf_counter() - started)
                transaction.rollback()
    return round(statistics.median(timings) * 1000, 1)


def measure_verify(url: str, target: int) -> dict[str, Any]:
    with opened(url) as engine:
        count = clone_matches(engine, target)
        figures: dict[str, Any] = {"verify_matches": count}
        figures["recompute_day_ms"] = measure_recompute_day(engine)
    elapsed, _ = scoreline(url, "rollups", "verify", "--fix")
    figures["verify_fix_s"] = round(elapsed, 2)
    elapsed, _ = scoreline(url, "rollups", "verify")
    figures["verify_s"] = round(elapsed, 2)
    with opened(url) as engine:
        figures["delta_ms"] = measure_delta(engine)
        with engine.connect() as conn:
            figures["rollup_rows"] = sum(
                conn.execute(text(f'SELECT count(*) FROM "{rollup.name}"')).scalar_one()
                for rollup in ROLLUPS
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=1500)
    parser.add_argument("--verify-matches", type=int, default=10_000)
    args = parser.parse_args()
    # The workers of the off run import this file by name: its directory goes on their path.
    bench_dir = str(Path(__file__).resolve().parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [bench_dir, os.environ.get("PYTHONPATH")])
    )
    documents = [orjson.dumps(generate_match(SEED, i)) for i in range(args.matches)]
    figures: dict[str, Any] = {"bench": "rollups", "backend": "postgresql", "matches": args.matches}
    with throwaway_postgres() as on_url, throwaway_postgres() as off_url:
        figures.update(measure_throughput(on_url, off_url, documents))
        figures.update(measure_verify(on_url, args.verify_matches))
    sys.stdout.write(orjson.dumps(figures).decode() + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
