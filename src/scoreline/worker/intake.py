"""Ingest one source: raw payload, canonical matches and their jobs in ONE transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from scoreline.domain.errors import InputError
from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.jobs.ledger import JobLedger
from scoreline.rollups.buckets import UTC_ZONE
from scoreline.stats.rounds import compute_match_stats
from scoreline.stats.rounds.rules import StatRules
from scoreline.store.aggregates import rebucket_match, save_match_stats
from scoreline.store.canonical import save_match, stored_match_pks
from scoreline.store.payloads import save_payload, save_rejection, sha256_hex
from scoreline.store.rollups import MatchHead, find_match_head
from scoreline.worker.aggregate import aggregate_lock_key, schedule_aggregate


class IngestStatus(StrEnum):
    INGESTED = "ingested"
    DUPLICATE = "duplicate"  # the same bytes were ingested before: nothing written
    REJECTED = "rejected"  # only a rejection record, with the reason


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    source: str
    status: IngestStatus
    match_pks: tuple[int, ...] = ()
    job_ids: tuple[int, ...] = ()
    field: str = ""
    reason: str = ""


def ingest_source(
    engine: Engine,
    ledger: JobLedger,
    data: bytes,
    source: str,
    *,
    compute_now: StatRules | None = None,
    now: datetime | None = None,
    zone: ZoneInfo = UTC_ZONE,
) -> IngestOutcome:
    """Parse `data`, then store it with its matches and one aggregate job per match.

    Bad input stores a rejection record and nothing else. With `compute_now` the stats are
    computed and written in the same transaction instead of enqueueing a job, so nothing is
    left for a worker (`scoreline ingest --sync`). `zone` is the timezone whose days bucket
    the daily rollups (SCORELINE_TIMEZONE): a match stored again with another start or map
    moves its rollup contribution with it at once.
    """
    received_at = now or datetime.now(UTC)
    try:
        matches = parse_source(data, source)
    except InputError as error:
        with engine.begin() as conn:
            save_rejection(
                conn,
                source=source,
                sha256=sha256_hex(data),
                field=error.field,
                reason=error.reason,
                received_at=received_at,
            )
        return IngestOutcome(source, IngestStatus.REJECTED, field=error.field, reason=error.reason)
    return _store(engine, ledger, data, source, matches, compute_now, received_at, zone)


def _store(
    engine: Engine,
    ledger: JobLedger,
    data: bytes,
    source: str,
    matches: Sequence[Match],
    compute_now: StatRules | None,
    received_at: datetime,
    zone: ZoneInfo,
) -> IngestOutcome:
    with engine.begin() as conn:
        payload = save_payload(
            conn,
            source=source,
            source_format=matches[0].source_format,
            data=data,
            received_at=received_at,
        )
        if not payload.created:
            return IngestOutcome(source, IngestStatus.DUPLICATE)
        if compute_now is not None:
            # Computing here writes what a worker writes, so take the locks in the worker's
            # order: a stored match's lock before its row (a worker holding the lock while
            # this transaction held the row would wait for each other). A new match has no
            # job yet, so nobody else can hold its lock.
            for match_pk in stored_match_pks(conn, matches):
                ledger.lock_key(conn, aggregate_lock_key(match_pk))
        # Every match row next (each locked, so that no worker writes a match's stats
        # between the read of its head and its save), rollup rows after: a worker locks a
        # match row before rollup rows too, so neither waits for a lock the other holds.
        saved: list[tuple[Match, MatchHead | None, int]] = []
        for match in matches:
            before = find_match_head(conn, match.match_id, match.game.value)
            match_pk = save_match(conn, match, payload_id=payload.payload_id).match_pk
            saved.append((match, before, match_pk))
        for _, before, _ in saved:
            if before is not None:
                rebucket_match(conn, before, zone)
        job_ids: list[int] = []
        for match, _, match_pk in saved:
            if compute_now is None:
                job_ids.append(schedule_aggregate(ledger, conn, match_pk).job_id)
            else:
                ledger.lock_key(conn, aggregate_lock_key(match_pk))
                stats = compute_match_stats(match, compute_now)
                save_match_stats(conn, match_pk, stats, zone=zone)
    match_pks = tuple(match_pk for _, _, match_pk in saved)
    return IngestOutcome(source, IngestStatus.INGESTED, match_pks, tuple(job_ids))
