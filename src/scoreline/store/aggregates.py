"""The round engine's results in SQL: purge then insert a match's aggregate rows, and read them.

Every function takes an open Connection and runs in its transaction: the caller commits.
A match's daily rollup rows change in the same transaction as its aggregate rows
(scoreline.store.rollups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, bindparam, select, update

from scoreline.rollups.buckets import UTC_ZONE, bucket_day
from scoreline.rollups.contributions import (
    Contribution,
    MatchFacts,
    compute_contributions,
    net_change,
)
from scoreline.stats.rounds.results import (
    Clutch,
    Duel,
    MatchPlayerStats,
    MatchStats,
    RoundPlayerStats,
    RoundTeamStats,
    TeamMatchStats,
    WeaponStats,
)
from scoreline.store.bulk import delete_match_rows, insert_tables
from scoreline.store.record_errors import MatchNotFoundError
from scoreline.store.rollups import MatchHead, apply_rollup_change, lock_match_head
from scoreline.store.schema import AGGREGATE_TABLES, AggregateTable, matches, metadata
from scoreline.store.types import UtcDateTime

_AGGREGATES_BY_NAME: dict[str, AggregateTable] = {
    aggregate.table.name: aggregate for aggregate in AGGREGATE_TABLES
}
_TABLES: tuple[Table, ...] = tuple(aggregate.table for aggregate in AGGREGATE_TABLES)

# Built once, run once per stat job. The source id and game in the WHERE clause make sure
# the stats are of the match stored under this match_pk.
_STAMP_MATCH = (
    update(matches)
    .where(
        matches.c.match_pk == bindparam("key_match_pk"),
        matches.c.source_match_id == bindparam("key_source_match_id"),
        matches.c.game == bindparam("key_game"),
    )
    .values(
        stat_version=bindparam("stat_version"),
        stat_preset=bindparam("stat_preset"),
        computed_at=bindparam("computed_at", type_=UtcDateTime()),
        side_conflicts=bindparam("side_conflicts"),
    )
    .returning(matches.c.match_pk)
)


def save_match_stats(
    conn: Connection,
    match_pk: int,
    stats: MatchStats,
    *,
    computed_at: datetime | None = None,
    zone: ZoneInfo = UTC_ZONE,
    with_rollups: bool = True,
) -> None:
    """Replace the aggregate rows of match ``match_pk`` with ``stats``, and its contribution to
    the daily rollups (days in ``zone``), in ``conn``'s transaction.

    Locks the match row first, so concurrent saves of one match take turns and the last
    one's rows are the only ones left. The match's previous rollup contribution is rebuilt
    from its stored aggregate rows (when it has any) before they are purged; the rollups then
    get the difference to the new one, so a retry, a recompute or a new preset never counts
    the match twice. Stamps ``matches.stat_version``, ``stat_preset``, ``computed_at`` (now,
    unless given) and ``side_conflicts``; inserts with binary COPY on PostgreSQL,
    executemany on SQLite. Saving the same stats twice leaves the same rows.
    ``with_rollups=False`` writes the aggregates alone (the benchmark's reference; the
    rollups are then wrong until ``scoreline rollups verify --fix``). MatchNotFoundError
    when ``match_pk`` is not stored, or holds another match than ``stats.match``.
    """
    head = lock_match_head(conn, match_pk) if with_rollups else None
    previous = load_stored_contribution(conn, head, zone) if head and head.counted else {}
    stamped = conn.execute(
        _STAMP_MATCH,
        {
            "key_match_pk": match_pk,
            "key_source_match_id": stats.match.match_id,
            "key_game": stats.match.game.value,
            "stat_version": stats.stat_version,
            "stat_preset": stats.preset,
            "computed_at": computed_at or datetime.now(UTC),
            "side_conflicts": stats.side_conflicts,
        },
    ).scalar_one_or_none()
    if stamped is None:
        raise MatchNotFoundError(
            match_pk,
            f"not a stored match, or not {stats.match.game.value} match {stats.match.match_id}",
        )
    delete_match_rows(conn, _TABLES, match_pk)
    insert_tables(
        conn,
        [
            (a.table, _table_rows(a, match_pk, getattr(stats, a.stats_field), stats))
            for a in AGGREGATE_TABLES
        ],
    )
    if head is not None:
        # The day and map of the locked row, not of ``stats.match``: the rollups must hold
        # what the next subtraction will take away (a re-ingest may have moved the match).
        facts = MatchFacts.from_stats(
            stats, bucket_day(head.started_at, zone), map_name=head.map_name
        )
        apply_rollup_change(conn, net_change(compute_contributions(facts), previous))


def rebucket_match(conn: Connection, before: MatchHead, zone: ZoneInfo) -> None:
    """Move the match's rollup contribution from the day and map of ``before`` (its head read
    before its canonical rows were saved again) to those its ``matches`` row holds now.

    Nothing to do when it had no aggregates, or when neither its day (in ``zone``) nor its
    map changed. Its aggregates stay as they are until its job recomputes them.
    """
    after = lock_match_head(conn, before.match_pk)
    if after is None or not before.counted:
        return
    day_before, day_after = bucket_day(before.started_at, zone), bucket_day(after.started_at, zone)
    if (day_before, before.map_name) == (day_after, after.map_name):
        return
    facts = load_stored_facts(conn, before, zone)
    moved = replace(facts, day=day_after, map_name=after.map_name)
    apply_rollup_change(
        conn, net_change(compute_contributions(moved), compute_contributions(facts))
    )


def load_stored_contribution(conn: Connection, head: MatchHead, zone: ZoneInfo) -> Contribution:
    """What the match of ``head`` adds to the rollups, from its stored aggregate rows (none
    when it has none), bucketed by its start in ``zone`` and keyed by its stored map."""
    return compute_contributions(load_stored_facts(conn, head, zone))


def load_stored_facts(conn: Connection, head: MatchHead, zone: ZoneInfo) -> MatchFacts:
    """The match's rollup facts from its stored aggregate rows, on its day in ``zone``."""
    return MatchFacts(
        bucket_day(head.started_at, zone),
        head.game,
        head.map_name,
        players=cast(
            "list[MatchPlayerStats]", load_results(conn, "match_player_stats", head.match_pk)
        ),
        teams=cast("list[TeamMatchStats]", load_results(conn, "team_match_stats", head.match_pk)),
        round_players=cast(
            "list[RoundPlayerStats]", load_results(conn, "round_player_stats", head.match_pk)
        ),
        round_teams=cast(
            "list[RoundTeamStats]", load_results(conn, "round_team_stats", head.match_pk)
        ),
        clutches=cast("list[Clutch]", load_results(conn, "clutches", head.match_pk)),
        duels=cast("list[Duel]", load_results(conn, "match_player_duels", head.match_pk)),
        weapons=cast(
            "list[WeaponStats]", load_results(conn, "match_player_weapon_stats", head.match_pk)
        ),
    )


def _table_rows(
    aggregate: AggregateTable,
    match_pk: int,
    results: Sequence[tuple[Any, ...]],
    stats: MatchStats,
) -> list[tuple[Any, ...]]:
    version, preset = stats.stat_version, stats.preset
    if aggregate.layout.is_flat:
        # The row is already its own column tuple: the common case, kept to one tuple build.
        return [(match_pk, *row, version, preset) for row in results]
    flatten = aggregate.layout.flatten
    return [(match_pk, *flatten(row), version, preset) for row in results]


def load_rows(conn: Connection, table_name: str, match_pk: int) -> list[dict[str, Any]]:
    """Every row of ``table_name`` for ``match_pk`` as column -> value, in primary key order.

    For tests and inspection: any table with a match_pk column, stored columns as they are.
    """
    table = metadata.tables.get(table_name)
    if table is None or "match_pk" not in table.c:
        raise ValueError(f"{table_name!r} is not a table keyed by match_pk")
    statement = (
        select(table).where(table.c.match_pk == match_pk).order_by(*table.primary_key.columns)
    )
    return [dict(row._mapping) for row in conn.execute(statement)]


def load_results(conn: Connection, table_name: str, match_pk: int) -> list[tuple[Any, ...]]:
    """The result rows (scoreline.stats.rounds.results NamedTuples) stored in an aggregate
    table for ``match_pk``, with the flattening undone, in primary key order."""
    aggregate = _AGGREGATES_BY_NAME.get(table_name)
    if aggregate is None:
        raise ValueError(f"{table_name!r} is not an aggregate table")
    table, layout = aggregate.table, aggregate.layout
    columns = [table.c[name] for name in layout.columns]
    statement = (
        select(*columns).where(table.c.match_pk == match_pk).order_by(*table.primary_key.columns)
    )
    rows = conn.execute(statement)
    if layout.is_flat:
        # Every field is one column, booleans already typed by SQLAlchemy: the row is the
        # result row (rebuilding the previous rollup contribution reads ~500 rows a match).
        make = layout.row_type._make
        return [make(row) for row in rows]
    return [layout.unflatten(row) for row in rows]


def load_match_player_stats(conn: Connection, match_pk: int) -> list[dict[str, Any]]:
    """The match's MatchPlayerStats as dicts of their fields (tuple fields restored), by player id.

    ``MatchPlayerStats(**row)`` rebuilds the engine's row exactly.
    """
    fields = MatchPlayerStats._fields
    return [
        dict(zip(fields, row, strict=True))
        for row in load_results(conn, "match_player_stats", match_pk)
    ]
