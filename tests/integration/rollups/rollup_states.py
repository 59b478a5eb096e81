"""A migrated runtime for rollup tests, the stored rollups, and the same rebuilt from scratch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Engine, delete, select

from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.rollups.contributions import Contribution, add_into
from scoreline.store import build_engine, upgrade_database
from scoreline.store.aggregates import load_stored_contribution
from scoreline.store.rollups import lock_match_head
from scoreline.store.schema import ROLLUP_TABLES, matches, metadata
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.aggregate import aggregate
from scoreline.worker.handlers import JobContext
from scoreline.worker.logs import get_logger

SEED = 404


@contextmanager
def migrated_runtime(url: str, **settings: Any) -> Iterator[Runtime]:
    engine = build_engine(url)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    with open_runtime(load_settings(database_url=url, **settings)) as runtime:
        yield runtime


def empty_tables(engine: Engine) -> None:
    """Every row of every table gone (hypothesis runs many examples on one database)."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))


def match_document(
    index: int, *, shifted_hours: int = 0, started_at: datetime | None = None
) -> bytes:
    """Generated match ``index``, its start moved by ``shifted_hours`` or set to
    ``started_at`` (other bytes, the same match id)."""
    document = generate_match(SEED, index)
    info = cast("dict[str, Any]", document["matchInfo"])
    if started_at is not None:
        info["gameStartMillis"] = int(started_at.timestamp() * 1000)
    info["gameStartMillis"] += int(timedelta(hours=shifted_hours).total_seconds() * 1000)
    return orjson.dumps(document)


def stored_rollups(engine: Engine) -> Contribution:
    """Every rollup row as a contribution: {table: {key: measures}}."""
    stored: Contribution = {}
    with engine.connect() as conn:
        for rollup_table in ROLLUP_TABLES:
            rollup = rollup_table.rollup
            table = rollup_table.table
            rows = conn.execute(
                select(*(table.c[c] for c in (*rollup.key_columns, *rollup.measures)))
            ).all()
            width = len(rollup.key_columns)
            if rows:
                stored[rollup.name] = {tuple(row[:width]): tuple(row[width:]) for row in rows}
    return stored


def recomputed_rollups(engine: Engine, zone: ZoneInfo) -> Contribution:
    """The rollups summed from scratch, in Python, from every match's stored aggregates."""
    totals: Contribution = {}
    with engine.begin() as conn:
        for match_pk in conn.execute(select(matches.c.match_pk)).scalars():
            head = lock_match_head(conn, match_pk)
            if head is not None and head.counted:
                add_into(totals, load_stored_contribution(conn, head, zone))
    return totals


def run_queued_jobs(runtime: Runtime) -> int:
    """Claim and run every due job with the aggregate handler, as a worker does."""
    ran = 0
    while jobs := runtime.ledger.claim("rollup-tests", kinds=["aggregate"]):
        for job in jobs:
            context = JobContext(
                job,
                engine=runtime.engine,
                ledger=runtime.ledger,
                settings=runtime.settings,
                log=get_logger("rollup-tests"),
            )
            aggregate(job, context)
            ran += 1
    return ran
