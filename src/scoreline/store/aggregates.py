"""The round engine's results in SQL: purge then insert a match's aggregate rows, and read them.

Every function takes an open Connection and runs in its transaction: the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update

from scoreline.stats.rounds.results import MatchPlayerStats, MatchStats
from scoreline.store.bulk import delete_match_rows, insert_tables
from scoreline.store.record_errors import MatchNotFoundError
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
) -> None:
    """Replace the aggregate rows of match ``match_pk`` with ``stats``, in ``conn``'s transaction.

    Stamps ``matches.stat_version``, ``stat_preset``, ``computed_at`` (now, unless given) and
    ``side_conflicts`` first: that UPDATE locks the match row, so concurrent saves of one
    match take turns and the last one's rows are the only ones left. Then the match's rows
    are purged from every aggregate table and the new ones inserted (binary COPY on
    PostgreSQL, executemany on SQLite). Saving the same stats twice leaves the same rows.
    MatchNotFoundError when ``match_pk`` is not stored, or holds another match than
    ``stats.match``.
    """
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
    return [layout.unflatten(row) for row in conn.execute(statement)]


def load_match_player_stats(conn: Connection, match_pk: int) -> list[dict[str, Any]]:
    """The match's MatchPlayerStats as dicts of their fields (tuple fields restored), by player id.

    ``MatchPlayerStats(**row)`` rebuilds the engine's row exactly.
    """
    fields = MatchPlayerStats._fields
    return [
        dict(zip(fields, row, strict=True))
        for row in load_results(conn, "match_player_stats", match_pk)
    ]
