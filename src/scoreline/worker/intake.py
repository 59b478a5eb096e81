"""Ingest one source: raw payload, canonical matches and their jobs in ONE transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine

from scoreline.domain.errors import InputError
from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.jobs.ledger import JobLedger
from scoreline.stats.rounds import compute_match_stats
from scoreline.stats.rounds.rules import StatRules
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import save_match
from scoreline.store.payloads import save_payload, save_rejection, sha256_hex
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
) -> IngestOutcome:
    """Parse `data`, then store it with its matches and one aggregate job per match.

    Bad input stores a rejection record and nothing else. With `compute_now` the stats are
    computed and written in the same transaction instead of enqueueing a job, so nothing is
    left for a worker (`scoreline ingest --sync`).
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
    return _store(engine, ledger, data, source, matches, compute_now, received_at)


def _store(
    engine: Engine,
    ledger: JobLedger,
    data: bytes,
    source: str,
    matches: Sequence[Match],
    compute_now: StatRules | None,
    received_at: datetime,
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
        match_pks: list[int] = []
        job_ids: list[int] = []
        for match in matches:
            saved = save_match(conn, match, payload_id=payload.payload_id)
            match_pks.append(saved.match_pk)
            if compute_now is None:
                job_ids.append(schedule_aggregate(ledger, conn, saved.match_pk).job_id)
            else:
                ledger.lock_key(conn, aggregate_lock_key(saved.match_pk))
                save_match_stats(conn, saved.match_pk, compute_match_stats(match, compute_now))
    return IngestOutcome(source, IngestStatus.INGESTED, tuple(match_pks), tuple(job_ids))
