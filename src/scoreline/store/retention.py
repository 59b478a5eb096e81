"""Retention: old raw payloads and round events counted, or deleted in short bounded batches."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)

from scoreline.store.schema import (
    match_documents,
    matches,
    raw_payloads,
    round_damage,
    round_kills,
    round_player_state,
)

# The tables round events are deleted from; the match document holds the same events.
ROUND_EVENT_TABLES: tuple[Table, ...] = (round_kills, round_damage, round_player_state)
# Every table retention deletes rows from, in the order reports list them.
RETENTION_TABLES: tuple[str, ...] = (
    raw_payloads.name,
    match_documents.name,
    *(table.name for table in ROUND_EVENT_TABLES),
)

# A raw payload is tens to hundreds of KB even compressed (376 KB to 1.5 MB of JSON, ~15 %
# after zlib): a batch takes at most this many, whatever batch_rows allows, to stay short.
PAYLOAD_BATCH_MAX_ROWS = 200
# How many candidate matches a round event batch first looks at (their rows are counted to
# know how many fit); it grows while whole looks fit, so few matches are counted twice.
FIRST_MATCH_WINDOW = 8
MAX_MATCH_WINDOW = 256


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """What retention deletes: ages in days (None keeps forever) and rows per transaction.

    - A raw payload received more than ``raw_payload_days`` ago goes once its canonical rows
      exist, that is once a match refers to it (``matches.raw_payload_id``, set to NULL in
      the same transaction). A payload no match refers to stays: its matches are still to be
      stored, or were deleted on purpose and the bytes are the only copy left. Rejected
      sources are not raw payloads (only their rejection record is kept).
    - A match started more than ``round_event_days`` ago whose stats were computed
      (stat_version set: one still waiting for its job keeps everything) loses its round
      events: its round_kills, round_damage, round_player_state rows and its match document
      (which holds them too). The match, its teams, players, rounds, published totals,
      aggregates and rollups stay; ``matches.events_pruned_at`` records the deletion, and
      load_match then refuses to rebuild the match (MatchEventsPrunedError) rather than hand
      out one without events.
    """

    raw_payload_days: int | None
    round_event_days: int | None
    batch_rows: int

    def __post_init__(self) -> None:
        for name in ("raw_payload_days", "round_event_days"):
            days = getattr(self, name)
            if days is not None and days < 1:
                raise ValueError(f"{name} must be >= 1 or None, got {days}")
        if self.batch_rows < 1:
            raise ValueError(f"batch_rows must be >= 1, got {self.batch_rows}")

    @property
    def enabled(self) -> bool:
        """False when both ages are unset: retention then deletes nothing."""
        return self.raw_payload_days is not None or self.round_event_days is not None


@dataclass(frozen=True, slots=True)
class TableSweep:
    """Rows that would go (a plan) or went (a run) from one table, and the time they span:
    received_at of raw payloads, started_at of the matches whose round events go."""

    table: str
    rows: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None

    def add(self, other: TableSweep) -> TableSweep:
        """This sweep and ``other`` (of the same table) together."""
        if other.table != self.table:
            raise ValueError(f"cannot add a sweep of {other.table} to one of {self.table}")
        return replace(
            self,
            rows=self.rows + other.rows,
            oldest=_earliest(self.oldest, other.oldest),
            newest=_latest(self.newest, other.newest),
        )


@dataclass(frozen=True, slots=True)
class RetentionBatch:
    """What one transaction deleted; ``last_key`` is where the next batch starts after."""

    sweeps: tuple[TableSweep, ...]
    pruned_matches: int
    last_key: int

    @property
    def rows(self) -> int:
        return sum(sweep.rows for sweep in self.sweeps)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What would go (plan_retention) or went (run_retention), per table of RETENTION_TABLES.

    ``pruned_matches`` counts the matches whose round events go (the matches themselves
    stay); ``batches`` is 0 for a plan.
    """

    payload_cutoff: datetime | None
    event_cutoff: datetime | None
    sweeps: tuple[TableSweep, ...]
    pruned_matches: int
    batches: int = 0

    @property
    def rows(self) -> int:
        return sum(sweep.rows for sweep in self.sweeps)

    def sweep(self, table: str) -> TableSweep:
        """The sweep of ``table`` (one of RETENTION_TABLES)."""
        for sweep in self.sweeps:
            if sweep.table == table:
                return sweep
        raise KeyError(table)


# --- pure rules ---------------------------------------------------------------------------


def compute_cutoff(now: datetime, days: int | None) -> datetime | None:
    """The instant before which data is old enough to go: ``days`` days before ``now``.

    None (keep everything) when ``days`` is None.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now.isoformat()}: retention needs an aware one")
    if days is None:
        return None
    return now - timedelta(days=days)


def count_fitting_matches(event_rows: Sequence[int], batch_rows: int) -> int:
    """How many of the leading matches, with these row counts, one batch takes: the longest
    run whose rows add up to at most ``batch_rows``, and one at least (a match's events are
    never split over two transactions). 0 only when there is no match."""
    taken = 0
    total = 0
    for rows in event_rows:
        if taken and total + rows > batch_rows:
            break
        taken += 1
        total += rows
    return taken


def compute_next_window(window: int, taken: int) -> int:
    """How many candidate matches the next batch looks at, after one that looked at
    ``window`` and took ``taken``: double when all fitted, else one more than fitted."""
    wanted = window * 2 if taken >= window else taken + 1
    return max(1, min(MAX_MATCH_WINDOW, wanted))


# --- what is old enough -------------------------------------------------------------------


def _deletable_payloads(cutoff: datetime) -> ColumnElement[bool]:
    referenced = (
        select(matches.c.match_pk)
        .where(matches.c.raw_payload_id == raw_payloads.c.id)
        .correlate(raw_payloads)
    )
    return and_(raw_payloads.c.received_at < cutoff, referenced.exists())


def _has_document() -> ColumnElement[bool]:
    # An alias: the plan joins match_documents itself, and this must not correlate to it.
    document = match_documents.alias("kept_document")
    return (
        select(document.c.match_pk)
        .where(document.c.match_pk == matches.c.match_pk)
        .correlate(matches)
        .exists()
    )


def _prunable_matches(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        matches.c.started_at < cutoff,
        # Never computed (its job still waiting, or dead): the events are all it has.
        matches.c.stat_version.is_not(None),
        # A match pruned then stored again (re-ingested) has its document and events back.
        or_(matches.c.events_pruned_at.is_(None), _has_document()),
    )


def find_pruned_match_pks(conn: Connection, match_pks: Sequence[int]) -> set[int]:
    """Those of ``match_pks`` whose round events retention deleted: load_match refuses them."""
    if not match_pks:
        return set()
    statement = select(matches.c.match_pk).where(
        matches.c.match_pk.in_(match_pks),
        matches.c.events_pruned_at.is_not(None),
        ~_has_document(),
    )
    return set(conn.execute(statement).scalars())


# --- counting -----------------------------------------------------------------------------


def plan_retention(conn: Connection, policy: RetentionPolicy, now: datetime) -> RetentionReport:
    """What a run of ``policy`` at ``now`` would delete; deletes nothing."""
    payload_cutoff = compute_cutoff(now, policy.raw_payload_days)
    event_cutoff = compute_cutoff(now, policy.round_event_days)
    sweeps = {name: TableSweep(name) for name in RETENTION_TABLES}
    pruned = 0
    if payload_cutoff is not None:
        rows, oldest, newest = conn.execute(
            select(
                func.count(),
                func.min(raw_payloads.c.received_at),
                func.max(raw_payloads.c.received_at),
            ).where(_deletable_payloads(payload_cutoff))
        ).one()
        sweeps[raw_payloads.name] = TableSweep(raw_payloads.name, rows, oldest, newest)
    if event_cutoff is not None:
        prunable = _prunable_matches(event_cutoff)
        pruned = conn.execute(select(func.count()).where(prunable)).scalar_one()
        for table in (match_documents, *ROUND_EVENT_TABLES):
            rows, oldest, newest = conn.execute(
                select(func.count(), func.min(matches.c.started_at), func.max(matches.c.started_at))
                .select_from(table.join(matches, table.c.match_pk == matches.c.match_pk))
                .where(prunable)
            ).one()
            sweeps[table.name] = TableSweep(table.name, rows, oldest, newest)
    return RetentionReport(
        payload_cutoff, event_cutoff, tuple(sweeps[name] for name in RETENTION_TABLES), pruned
    )


# --- deleting, one batch per call ---------------------------------------------------------


def delete_payload_batch(
    conn: Connection, cutoff: datetime, *, after_id: int, limit: int
) -> RetentionBatch | None:
    """Delete up to ``limit`` deletable raw payloads with ids above ``after_id``, lowest
    first, unlinking their matches; None when there are none left."""
    found = conn.execute(
        select(raw_payloads.c.id, raw_payloads.c.received_at)
        .where(_deletable_payloads(cutoff), raw_payloads.c.id > after_id)
        .order_by(raw_payloads.c.id)
        .limit(limit)
    ).all()
    if not found:
        return None
    ids = [row.id for row in found]
    conn.execute(
        update(matches).where(matches.c.raw_payload_id.in_(ids)).values(raw_payload_id=None)
    )
    deleted = conn.execute(delete(raw_payloads).where(raw_payloads.c.id.in_(ids))).rowcount
    received = [row.received_at for row in found]
    sweep = TableSweep(raw_payloads.name, deleted, min(received), max(received))
    return RetentionBatch((sweep,), pruned_matches=0, last_key=ids[-1])


def prune_event_batch(
    conn: Connection,
    cutoff: datetime,
    *,
    after_pk: int,
    batch_rows: int,
    window: int,
    pruned_at: datetime,
) -> RetentionBatch | None:
    """Delete the round events and documents of the next prunable matches above
    ``after_pk`` (whole matches, as many as fit in ``batch_rows`` rows among the next
    ``window``) and mark them pruned at ``pruned_at``; None when there are none left."""
    candidates = conn.execute(
        select(matches.c.match_pk, matches.c.started_at)
        .where(_prunable_matches(cutoff), matches.c.match_pk > after_pk)
        .order_by(matches.c.match_pk)
        .limit(window)
    ).all()
    if not candidates:
        return None
    pks = [row.match_pk for row in candidates]
    per_table = {
        table.name: _count_rows_by_match(conn, table, pks)
        for table in (match_documents, *ROUND_EVENT_TABLES)
    }
    rows_by_match = [sum(counts.get(pk, 0) for counts in per_table.values()) for pk in pks]
    taken = candidates[: count_fitting_matches(rows_by_match, batch_rows)]
    taken_pks = [row.match_pk for row in taken]
    sweeps = []
    for table in (match_documents, *ROUND_EVENT_TABLES):
        deleted = conn.execute(delete(table).where(table.c.match_pk.in_(taken_pks))).rowcount
        counts = per_table[table.name]
        started = [row.started_at for row in taken if counts.get(row.match_pk, 0)]
        sweeps.append(
            TableSweep(
                table.name,
                deleted,
                min(started, default=None),
                max(started, default=None),
            )
        )
    conn.execute(
        update(matches).where(matches.c.match_pk.in_(taken_pks)).values(events_pruned_at=pruned_at)
    )
    return RetentionBatch(tuple(sweeps), pruned_matches=len(taken_pks), last_key=taken_pks[-1])


def _count_rows_by_match(conn: Connection, table: Table, match_pks: list[int]) -> dict[int, int]:
    rows = conn.execute(
        select(table.c.match_pk, func.count())
        .where(table.c.match_pk.in_(match_pks))
        .group_by(table.c.match_pk)
    ).all()
    return {int(match_pk): int(count) for match_pk, count in rows}


# --- a whole run --------------------------------------------------------------------------


def run_retention(
    engine: Engine,
    policy: RetentionPolicy,
    *,
    now: datetime,
    on_batch: Callable[[RetentionBatch], None] | None = None,
    pause_seconds: float = 0.0,
) -> RetentionReport:
    """Delete what ``policy`` says is old at ``now``, batch after batch, each committed alone.

    Nothing is held between two batches, so workers wait at most one batch for a lock
    (SQLite's one writer, or a row they share on PostgreSQL). Batches walk keys in ascending
    order and name the rows they delete by key (``WHERE key IN (...)``, keys read in the same
    transaction), which both dialects run alike. A batch of round events takes whole
    matches, as many as fit in ``batch_rows`` rows (one at least): no match is ever left half
    pruned. Raw payload batches take at most PAYLOAD_BATCH_MAX_ROWS payloads.

    ``on_batch`` hears of each committed batch (a progress bar); ``pause_seconds`` between two
    batches lets waiting writers take SQLite's one write lock first. Safe to stop and run
    again: a batch is all or nothing, and what went is not looked for again.
    """
    payload_cutoff = compute_cutoff(now, policy.raw_payload_days)
    event_cutoff = compute_cutoff(now, policy.round_event_days)
    totals = {name: TableSweep(name) for name in RETENTION_TABLES}
    pruned = 0
    batches = 0

    def record(batch: RetentionBatch) -> None:
        nonlocal pruned, batches
        for sweep in batch.sweeps:
            totals[sweep.table] = totals[sweep.table].add(sweep)
        pruned += batch.pruned_matches
        batches += 1
        if on_batch is not None:
            on_batch(batch)

    def pause() -> None:
        if batches and pause_seconds > 0:
            time.sleep(pause_seconds)

    if payload_cutoff is not None:
        after_id = 0
        limit = min(policy.batch_rows, PAYLOAD_BATCH_MAX_ROWS)
        while True:
            pause()
            with engine.begin() as conn:
                batch = delete_payload_batch(conn, payload_cutoff, after_id=after_id, limit=limit)
            if batch is None:
                break
            record(batch)
            after_id = batch.last_key
    if event_cutoff is not None:
        after_pk = 0
        window = FIRST_MATCH_WINDOW
        while True:
            pause()
            with engine.begin() as conn:
                batch = prune_event_batch(
                    conn,
                    event_cutoff,
                    after_pk=after_pk,
                    batch_rows=policy.batch_rows,
                    window=window,
                    pruned_at=now,
                )
            if batch is None:
                break
            record(batch)
            after_pk = batch.last_key
            window = compute_next_window(window, batch.pruned_matches)
    return RetentionReport(
        payload_cutoff,
        event_cutoff,
        tuple(totals[name] for name in RETENTION_TABLES),
        pruned,
        batches,
    )


def _earliest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return second if first is None else first
    return min(first, second)


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return second if first is None else first
    return max(first, second)
