"""`ingest --sync` of a stored match takes its locks in a worker's order, on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

from scoreline.bootstrap import Runtime
from scoreline.stats.rounds import preset
from scoreline.store.locks import compute_lock_id
from scoreline.worker.aggregate import aggregate_lock_key
from scoreline.worker.intake import IngestOutcome, IngestStatus, ingest_source

from ..rollups.rollup_states import match_document, migrated_runtime

WAIT_S = 30


@pytest.fixture
def runtime(postgres_url: str) -> Iterator[Runtime]:
    with migrated_runtime(postgres_url) as runtime:
        yield runtime


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def waits_for_advisory_lock(admin: psycopg.Connection[tuple[object, ...]], lock_id: int) -> bool:
    """True once another session waits for the advisory lock of ``lock_id``."""
    # A bigint advisory lock shows its high half in classid and its low half in objid.
    high, low = (lock_id >> 32) & 0xFFFFFFFF, lock_id & 0xFFFFFFFF
    row = admin.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND classid::bigint = %s AND objid::bigint = %s",
        (high, low),
    ).fetchone()
    return row is not None and bool(row[0])


def test_a_sync_reingest_waits_for_a_working_match_lock_before_locking_its_row(
    runtime: Runtime, postgres_url: str
) -> None:
    """A worker holds a match's lock, then locks its row: a sync re-ingest waiting for the
    lock must not hold the row meanwhile, or the two would wait for each other."""
    first = ingest_source(runtime.engine, runtime.ledger, match_document(3), "first")
    (match_pk,) = first.match_pks
    lock_id = compute_lock_id(aggregate_lock_key(match_pk))
    outcomes: list[IngestOutcome] = []
    with (
        psycopg.connect(libpq_url(postgres_url), autocommit=True) as admin,
        psycopg.connect(libpq_url(postgres_url)) as worker,
    ):
        worker.execute("SELECT pg_advisory_xact_lock(%s)", (lock_id,))
        ingesting = threading.Thread(
            target=lambda: outcomes.append(
                ingest_source(
                    runtime.engine,
                    runtime.ledger,
                    match_document(3, shifted_hours=1),
                    "again",
                    compute_now=preset("official"),
                )
            )
        )
        ingesting.start()
        try:
            for _ in range(WAIT_S * 20):
                if waits_for_advisory_lock(admin, lock_id):
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the sync ingest never waited for the match's lock")
            # What the worker does next: lock the match row. It must not be held.
            row = worker.execute(
                "SELECT match_pk FROM matches WHERE match_pk = %s FOR UPDATE NOWAIT", (match_pk,)
            ).fetchone()
            assert row == (match_pk,)
        finally:
            worker.rollback()
            ingesting.join(WAIT_S)
    assert not ingesting.is_alive()
    (outcome,) = outcomes
    assert outcome.status is IngestStatus.INGESTED
    assert outcome.match_pks == (match_pk,)
    with runtime.engine.connect() as conn:
        version = conn.execute(
            text("SELECT stat_version FROM matches WHERE match_pk = :pk"), {"pk": match_pk}
        ).scalar_one()
    assert version is not None
