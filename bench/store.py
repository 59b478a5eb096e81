"""Time the match store's calls on a generated 24-round match (run by hand; prints JSON).

    .venv/bin/python bench/store.py [DATABASE_URL]

Each call runs in a transaction of its own and only the call is timed (not the commit); the
median wall time of REPEATS is printed in ms with the median CPU time (client thread plus the
PostgreSQL backend), which other load on the machine inflates less. ``*_bare`` is the
reference on PostgreSQL: the same rows sent by binary COPY on a raw psycopg cursor with no
scoreline code around it. The default URL is a throwaway PostgreSQL database on 127.0.0.1,
created and dropped here.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg
from sqlalchemy import Connection, Engine, Table

from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.stats.rounds.results import MatchStats
from scoreline.store import build_engine, upgrade_database
from scoreline.store.aggregates import save_match_stats
from scoreline.store.bulk import copy_types_of
from scoreline.store.canonical import (
    canonical_rows,
    load_match,
    load_match_from_tables,
    save_match,
)
from scoreline.store.match_documents import decode_match_document, encode_match_document
from scoreline.store.payloads import save_payload
from scoreline.store.schema import AGGREGATE_TABLES
from scoreline.synthetic.valorant import generate_match

REPEATS = 50
ROUNDS = 24
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
RECEIVED_AT = datetime(2024, 6, 1, tzinfo=UTC)
# Keys far above any match_pk the measured calls create, for the bare reference's rows.
BARE_PK_BASE = 10**12

Rows = list[tuple[Any, ...]]


def find_match(rounds: int) -> tuple[Match, bytes]:
    for index in range(10_000):
        data = orjson.dumps(generate_match(20, index))
        (match,) = parse_source(data, f"synthetic {index}")
        if len(match.rounds) == rounds and len(match.players) == 10:
            return match, data
    raise SystemExit(f"no {rounds}-round match in the first 10,000")


def median_ms(engine: Engine, call: Callable[[Connection, int], object]) -> dict[str, float]:
    """``call(conn, i)`` for i in range(REPEATS), each in its own transaction: the medians of
    the wall time and of the CPU time of this thread plus, on PostgreSQL, the server backend
    (what a 2-core machine shares; it grows less than wall time with other load)."""
    timings, cpu = [], []
    for index in range(REPEATS):
        with engine.begin() as conn:
            backend = _backend_cpu_reader(conn)
            server_before = backend()
            client_before = time.thread_time()
            started = time.perf_counter()
            call(conn, index)
            timings.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - client_before + backend() - server_before)
    return {
        "wall_ms": round(statistics.median(timings) * 1000, 3),
        "cpu_ms": round(statistics.median(cpu) * 1000, 3),
    }


def _backend_cpu_reader(conn: Connection) -> Callable[[], float]:
    if conn.dialect.name != "postgresql":
        return lambda: 0.0
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    path = Path(f"/proc/{pid}/schedstat")  # first field: ns on a CPU (same machine only)
    return lambda: int(path.read_text().split()[0]) / 1e9


def median_cpu_ms(call: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEATS):
        started = time.thread_time()
        call()
        timings.append(time.thread_time() - started)
    return round(statistics.median(timings) * 1000, 3)


def measure(engine: Engine) -> dict[str, object]:
    match, data = find_match(ROUNDS)
    stats = compute_match_stats(match, preset("official"))
    # One copy per repeat under its own source id: every timed call writes keys no earlier
    # call wrote (repeating one match's keys would time index entries of its dead rows).
    copies = [replace(match, match_id=f"{match.match_id}-{index}") for index in range(REPEATS)]
    copy_stats = [stats._replace(match=copy) for copy in copies]
    pks: list[int] = []

    def save_new(conn: Connection, index: int) -> None:
        pks.append(save_match(conn, copies[index], payload_id=None).match_pk)

    figures: dict[str, object] = {
        "backend": engine.dialect.name,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "rounds": ROUNDS,
        "repeats": REPEATS,
        "payload_bytes": len(data),
        "save_payload_new_ms": median_ms(
            engine,
            lambda conn, index: save_payload(
                conn,
                source="x",
                source_format="f",
                data=data + f" {index}".encode(),
                received_at=RECEIVED_AT,
            ),
        ),
        "save_payload_duplicate_ms": median_ms(
            engine,
            lambda conn, index: save_payload(
                conn,
                source="x",
                source_format="f",
                data=data + f" {index}".encode(),
                received_at=RECEIVED_AT,
            ),
        ),
        "save_match_new_ms": median_ms(engine, save_new),
        "save_match_replace_ms": median_ms(
            engine, lambda conn, index: save_match(conn, copies[index], payload_id=None)
        ),
        "load_match_ms": median_ms(engine, lambda conn, index: load_match(conn, pks[index])),
        "load_match_from_tables_ms": median_ms(
            engine, lambda conn, index: load_match_from_tables(conn, pks[index])
        ),
        "save_match_stats_first_ms": median_ms(
            engine, lambda conn, index: save_match_stats(conn, pks[index], copy_stats[index])
        ),
        "save_match_stats_again_ms": median_ms(
            engine, lambda conn, index: save_match_stats(conn, pks[index], copy_stats[index])
        ),
    }
    document = encode_match_document(match)
    figures["document_bytes"] = len(document)
    figures["encode_document_cpu_ms"] = median_cpu_ms(lambda: encode_match_document(match))
    figures["decode_document_cpu_ms"] = median_cpu_ms(lambda: decode_match_document(document))
    if engine.dialect.name == "postgresql":
        figures.update(measure_bare_copies(engine, match, stats))
    return figures


def measure_bare_copies(
    engine: Engine, match: Match, stats: MatchStats
) -> dict[str, dict[str, float]]:
    """The same rows by binary COPY on a raw psycopg cursor, for the ratio to the store."""
    aggregate_rows = [
        (aggregate.table, [(0, *aggregate.layout.flatten(r), 1, "official") for r in rows])
        for aggregate in AGGREGATE_TABLES
        if (rows := getattr(stats, aggregate.stats_field))
    ]
    canonical = [(table, rows) for table, rows in canonical_rows(0, match) if rows]
    return {
        "save_match_stats_bare": median_ms(engine, _bare_copies(aggregate_rows)),
        "save_match_canonical_bare": median_ms(engine, _bare_copies(canonical)),
    }


def _bare_copies(tables: Sequence[tuple[Table, Rows]]) -> Callable[[Connection, int], None]:
    plans = [
        (
            f"COPY {table.name} ({', '.join(c.name for c in table.columns)})"
            " FROM STDIN (FORMAT BINARY)",
            copy_types_of(table),
            rows,
        )
        for table, rows in tables
    ]

    def copy_all(conn: Connection, index: int) -> None:
        driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
        with driver.cursor() as cursor:
            for statement, types, rows in plans:
                with cursor.copy(statement.encode()) as copy:
                    copy.set_types(list(types))
                    for row in rows:
                        copy.write_row((BARE_PK_BASE + index, *row[1:]))

    return copy_all


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    name = f"scoreline_measure_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}".encode())
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


@contextmanager
def given_url(url: str) -> Iterator[str]:
    yield url


def main() -> None:
    with throwaway_postgres() if len(sys.argv) < 2 else given_url(sys.argv[1]) as url:
        engine = build_engine(url)
        try:
            upgrade_database(engine)
            sys.stdout.write(orjson.dumps(measure(engine)).decode() + "\n")
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
