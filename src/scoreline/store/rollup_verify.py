"""`rollups verify`: every daily rollup recomputed from the per-match tables, compared, repaired.

The choices made once per match (its day in the deployment's timezone, each team's outcome
and composition) come from the same pure functions the writer uses (scoreline.rollups) and
reach SQL in temporary tables; the sums are one GROUP BY per rollup over the aggregate
tables, FULL OUTER JOINed to the stored table so that only differing rows come back to
Python. Reading the ~2.4 million round rows of 10,000 matches into Python instead took
longer than the 30 s budget on its own (measured: 8.6 s to fetch 2.4 million 24-column rows
with psycopg's binary cursor, before any summing), where PostgreSQL sums them in place.

The check reads one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite): a writer commits a match's aggregates and rollups together, so a consistent
snapshot has no difference to report. ``fix`` first locks the rollup tables against writers
(EXCLUSIVE on PostgreSQL, the write lock on SQLite), then repairs every differing row in the
same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    Engine,
    FromClause,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
)

from scoreline.rollups.buckets import bucket_day
from scoreline.rollups.contributions import (
    RATING_MILLI_PER_POINT,
    UNKNOWN_AGENT,
    RollupKey,
    team_composition,
    team_outcomes,
)
from scoreline.rollups.specs import ROLLUPS_BY_NAME, ROUND_FLAG_MEASURES, Rollup
from scoreline.store.engines import SQLITE_BEGIN_OPTION
from scoreline.store.rollups import delete_rollup_rows, replace_rollup_rows
from scoreline.store.schema import ROLLUP_TABLES, RollupTable, matches, metadata

# What the progress of one run counts: the per-match facts, then each rollup.
VERIFY_STEPS = 1 + len(ROLLUP_TABLES)


@dataclass(frozen=True, slots=True)
class RollupDifference:
    """One measure of one rollup row that is not what the per-match tables give.

    ``stored`` is None when the row is missing, ``expected`` None when it should not exist.
    """

    table: str
    key: RollupKey
    measure: str
    stored: int | None
    expected: int | None


@dataclass(frozen=True, slots=True)
class RollupCheck:
    """The outcome of one verify run over ``matches`` matches with aggregates.

    ``differences`` describes the first ``shown_rows`` differing rows of each table;
    ``rows_differing`` counts them all.
    """

    matches: int
    rows_checked: int
    rows_differing: int
    differences: tuple[RollupDifference, ...]
    fixed: bool


# Differing rows of one table described in a report (a changed timezone moves every row).
SHOWN_ROWS = 200
# Up to this many differing rows a fix rewrites them one by one; beyond, it rebuilds the
# table from the expected rows in one INSERT .. SELECT (after a timezone change, every row).
TARGETED_FIX_MAX_ROWS = 20_000
# The recomputation's GROUP BYs hash every bucket in memory, ~500 MB at most over 10,000
# matches. With work_mem alone at 256 MB the planner, misjudging the number of buckets,
# still sorted the 2 million round rows on disk (18.9 s for the whole check); letting hash
# nodes use 8x work_mem and leaving JIT compilation out (~0.45 s a query) took it to 14.0 s.
VERIFY_SESSION_SETTINGS = {"work_mem": "256MB", "hash_mem_multiplier": "8", "jit": "off"}


def verify_rollups(
    engine: Engine,
    zone: ZoneInfo,
    *,
    fix: bool = False,
    on_step: Callable[[str], None] | None = None,
    shown_rows: int = SHOWN_ROWS,
) -> RollupCheck:
    """Recompute every rollup bucket (days in ``zone``) from the per-match tables and compare
    with the stored rows; with ``fix``, make the stored rows equal, in one transaction.

    ``on_step`` is called with a step's name as each of VERIFY_STEPS steps ends.
    """
    report = on_step or _ignore
    differences: list[RollupDifference] = []
    rows_checked = rows_differing = 0
    with _transaction(engine, fix=fix) as conn:
        if fix and conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.rollup.name}"' for t in ROLLUP_TABLES)
            conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        counted = create_fact_tables(conn, zone)
        report("facts")
        for rollup_table in ROLLUP_TABLES:
            rollup = rollup_table.rollup
            stored, differing = _count_rows(conn, rollup_table)
            rows_checked += stored
            if differing:
                rows_differing += differing
                targeted = fix and differing <= TARGETED_FIX_MAX_ROWS
                found = differing_rows_query(rollup_table)
                fetched = conn.execute(found.limit(differing if targeted else shown_rows)).all()
                for row in fetched[:shown_rows]:
                    differences.extend(_describe(rollup, row))
                if targeted:
                    _repair(conn, rollup, fetched)
                elif fix:
                    _rebuild(conn, rollup_table)
            report(rollup.name)
        drop_fact_tables(conn)
    return RollupCheck(counted, rows_checked, rows_differing, tuple(differences), fix)


def _ignore(_step: str) -> None:
    return None


@contextmanager
def _transaction(engine: Engine, *, fix: bool) -> Iterator[Connection]:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        else:
            conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE" if fix else "DEFERRED"})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # SET takes no snapshot: a LOCK after it still comes before the snapshot.
                for name, value in VERIFY_SESSION_SETTINGS.items():
                    conn.exec_driver_sql(f"SET LOCAL {name} = '{value}'")
            yield conn


# --- per-match facts, decided in Python ---------------------------------------------------

_FACTS = MetaData()
_match_facts = Table(
    "rollup_verify_matches",
    _FACTS,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("day", Date, nullable=False),
    Column("game", String(16), nullable=False),
    Column("map_name", Text, nullable=False),
    prefixes=["TEMPORARY"],
)
_team_facts = Table(
    "rollup_verify_teams",
    _FACTS,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("team_id", Text, primary_key=True),
    Column("won", Boolean, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("composition", Text, nullable=True),
    prefixes=["TEMPORARY"],
)
# Each player's enemy kills over all their round rows: the hs_known_kills of a flagged match.
_enemy_kills = Table(
    "rollup_verify_enemy_kills",
    _FACTS,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("player_id", Text, primary_key=True),
    Column("enemy_kills", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)


def _aggregate(name: str) -> Table:
    return metadata.tables[name]


def create_fact_tables(conn: Connection, zone: ZoneInfo) -> int:
    """Create and fill the temporary tables of the per-match facts (days in ``zone``) that
    expected_rows_query reads; returns the number of matches with aggregates."""
    _FACTS.create_all(conn)
    heads = conn.execute(
        select(matches.c.match_pk, matches.c.game, matches.c.started_at, matches.c.map_name)
        .where(matches.c.stat_version.is_not(None))
        .order_by(matches.c.match_pk)
    ).all()
    counted = {row.match_pk for row in heads}
    if heads:
        conn.execute(
            insert(_match_facts),
            [
                {
                    "match_pk": row.match_pk,
                    "day": bucket_day(row.started_at, zone),
                    "game": row.game,
                    "map_name": row.map_name,
                }
                for row in heads
            ],
        )
    team_rows = _team_fact_rows(conn, counted)
    if team_rows:
        conn.execute(insert(_team_facts), team_rows)
    rounds = _aggregate("round_player_stats")
    conn.execute(
        insert(_enemy_kills).from_select(
            ["match_pk", "player_id", "enemy_kills"],
            select(rounds.c.match_pk, rounds.c.player_id, func.sum(rounds.c.enemy_kills))
            .where(rounds.c.enemy_kills > 0)
            .group_by(rounds.c.match_pk, rounds.c.player_id),
        )
    )
    if conn.dialect.name == "postgresql":
        # Temporary tables are never auto-analyzed: without statistics the joins go blind.
        for table in _FACTS.sorted_tables:
            conn.exec_driver_sql(f'ANALYZE "{table.name}"')
    return len(counted)


def _team_fact_rows(conn: Connection, counted: set[int]) -> list[dict[str, Any]]:
    teams = _aggregate("team_match_stats")
    players = _aggregate("match_player_stats")
    won: defaultdict[int, dict[str, bool]] = defaultdict(dict)
    for match_pk, team_id, team_won in conn.execute(
        select(teams.c.match_pk, teams.c.team_id, teams.c.won)
    ):
        if match_pk in counted:
            won[match_pk][team_id] = team_won
    agents: defaultdict[tuple[int, str], list[str | None]] = defaultdict(list)
    for match_pk, team_id, agent in conn.execute(
        select(players.c.match_pk, players.c.team_id, players.c.agent)
    ):
        agents[(match_pk, team_id)].append(agent)
    rows: list[dict[str, Any]] = []
    for match_pk, by_team in won.items():
        outcomes = team_outcomes(by_team)
        rows.extend(
            {
                "match_pk": match_pk,
                "team_id": team_id,
                "won": team_won,
                "outcome": outcomes[team_id],
                "composition": team_composition(agents.get((match_pk, team_id), [])),
            }
            for team_id, team_won in by_team.items()
        )
    return rows


def drop_fact_tables(conn: Connection) -> None:
    _FACTS.drop_all(conn)


# --- the expected rows, summed in SQL -----------------------------------------------------

Measure = ColumnElement[Any]


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a rollup's expected rows come from: the joined tables, a filter, the key
    expressions (after day and game) and one summed expression per measure."""

    joined: FromClause
    keys: tuple[ColumnElement[Any], ...]
    measures: Mapping[str, Measure]
    where: ColumnElement[bool] | None = None


def _count() -> Measure:
    return func.count()


def _count_if(condition: ColumnElement[Any]) -> Measure:
    return func.sum(case((condition, 1), else_=0))


def _total(column: ColumnElement[Any]) -> Measure:
    """The column's sum; a boolean counts its true rows."""
    if isinstance(column.type, Boolean):
        return _count_if(column)
    return func.sum(column)


def _floor(value: ColumnElement[Any]) -> ColumnElement[Any]:
    # floor() without the math functions SQLite may lack: correct whether the cast
    # truncates (SQLite) or rounds (PostgreSQL), since either lands within 1 of the value.
    whole = cast(value, BigInteger)
    return whole - case((value < whole, 1), else_=0)


def _rating_milli(rating: ColumnElement[Any]) -> Measure:
    """Thousandths rounded half up, as scoreline.rollups.contributions rounds them."""
    return func.sum(
        case(
            (rating.is_not(None), _floor(rating * RATING_MILLI_PER_POINT + 0.5)),
            else_=0,
        )
    )


def _totals(table: FromClause, names: Sequence[str]) -> dict[str, Measure]:
    return {name: _total(table.c[name]) for name in names}


_PLAYER_TOTALS = (
    "rounds_played", "attack_rounds", "defense_rounds", "kills", "deaths", "assists", "score",
    "kast_rounds", "damage", "damage_received", "headshots", "bodyshots", "legshots",
    "headshot_kills", "first_kills", "first_deaths", "entry_kills", "clutch_kills",
    "trade_kills", "traded_deaths", "survived_rounds", "team_kills", "suicides", "plants",
    "defuses", "spent", "loadout_value", "economy_rounds",
)  # fmt: skip
_MULTIKILL_COLUMNS = {
    "multikill_2": "multikills_2k",
    "multikill_3": "multikills_3k",
    "multikill_4": "multikills_4k",
    "multikill_5": "multikills_5k",
    "multikill_6": "multikills_6k",
}
_CLUTCH_BUCKETS = ("1v1", "1v2", "1v3", "1v4", "1v5")
_SIDE_TOTALS = (
    "kills", "deaths", "assists", "score", "damage", "damage_received", "headshots",
    "bodyshots", "legshots", "headshot_kills", "trade_kills", "traded_deaths",
)  # fmt: skip
# PLAYER_SIDE_MEASURES named after the RoundPlayerStats flag they count.
_TEAM_TOTALS = (
    "rounds_played", "rounds_won", "kills", "deaths", "assists", "damage", "first_kill_rounds",
    "first_kill_rounds_won", "pistols_played", "pistols_won", "plants", "defuses",
    "post_plant_rounds", "post_plant_won", "retake_rounds", "retakes_won", "eco_rounds",
    "eco_wins", "flawless_rounds", "clutches_attempted", "clutches_won", "trade_kills",
)  # fmt: skip


def _player_source(second_key: str | None) -> _Source:
    players = _aggregate("match_player_stats")
    joined = (
        players.join(_match_facts, _match_facts.c.match_pk == players.c.match_pk)
        .outerjoin(
            _team_facts,
            and_(
                _team_facts.c.match_pk == players.c.match_pk,
                _team_facts.c.team_id == players.c.team_id,
            ),
        )
        .outerjoin(
            _enemy_kills,
            and_(
                _enemy_kills.c.match_pk == players.c.match_pk,
                _enemy_kills.c.player_id == players.c.player_id,
            ),
        )
    )
    keys: tuple[ColumnElement[Any], ...] = (players.c.player_id,)
    if second_key == "map_name":
        keys += (_match_facts.c.map_name,)
    elif second_key == "agent":
        keys += (func.coalesce(players.c.agent, UNKNOWN_AGENT),)
    measures: dict[str, Measure] = {
        "matches": _count(),
        "wins": _count_if(_team_facts.c.won),
        **_totals(players, _PLAYER_TOTALS),
        "hs_known_kills": func.sum(
            case(
                (
                    players.c.hs_pct_kills.is_not(None),
                    func.coalesce(_enemy_kills.c.enemy_kills, 0),
                ),
                else_=0,
            )
        ),
        **{name: _total(players.c[column]) for name, column in _MULTIKILL_COLUMNS.items()},
        "clutch_attempts": func.sum(_added(players, "clutch_attempts")),
        "clutch_wins": func.sum(_added(players, "clutch_wins")),
        "rating_v1_milli": _rating_milli(players.c.rating_v1),
        "rating_v1_matches": _count_if(players.c.rating_v1.is_not(None)),
        "rating2_milli": _rating_milli(players.c.rating2_approx),
        "rating2_matches": _count_if(players.c.rating2_approx.is_not(None)),
    }
    return _Source(joined, keys, measures)


def _added(table: Table, prefix: str) -> ColumnElement[Any]:
    total: ColumnElement[Any] = table.c[f"{prefix}_{_CLUTCH_BUCKETS[0]}"]
    for bucket in _CLUTCH_BUCKETS[1:]:
        total = total + table.c[f"{prefix}_{bucket}"]
    return total


def _round_source(second_key: str) -> _Source:
    rounds = _aggregate("round_player_stats")
    team_rounds = _aggregate("round_team_stats")
    joined = rounds.join(_match_facts, _match_facts.c.match_pk == rounds.c.match_pk).outerjoin(
        team_rounds,
        and_(
            team_rounds.c.match_pk == rounds.c.match_pk,
            team_rounds.c.round_number == rounds.c.round_number,
            team_rounds.c.team_id == rounds.c.team_id,
        ),
    )
    common = {"rounds_played": _count(), "rounds_won": _count_if(team_rounds.c.won)}
    if second_key == "side":
        measures: dict[str, Measure] = {
            **common,
            **_totals(rounds, _SIDE_TOTALS),
            **{name: _total(rounds.c[flag]) for name, flag in ROUND_FLAG_MEASURES.items()},
            "clutch_attempts": _count_if(rounds.c.clutch_opponents > 0),
        }
    else:
        measures = {
            **common,
            **_totals(rounds, ("kills", "deaths", "score", "damage")),
            "spent": func.sum(func.coalesce(rounds.c.spent, 0)),
            "loadout_value": func.sum(func.coalesce(rounds.c.loadout_value, 0)),
        }
    return _Source(
        joined,
        (rounds.c.player_id, rounds.c[second_key]),
        measures,
        and_(rounds.c.played, rounds.c[second_key].is_not(None)),
    )


def _per_match_source(
    rollup_name: str,
    table_name: str,
    keys: Sequence[str],
    *,
    columns: Mapping[str, str] | None = None,
    unless: str | None = None,
) -> _Source:
    """A rollup whose lines are one aggregate table's rows: weapons, clutches, duels. Its
    count measure counts the rows; every other measure sums the column of its name, or of
    the name ``columns`` maps it to. Rows whose ``unless`` flag is set are left out."""
    rollup = ROLLUPS_BY_NAME[rollup_name]
    table = _aggregate(table_name)
    joined = table.join(_match_facts, _match_facts.c.match_pk == table.c.match_pk)
    renamed = columns or {}
    measures = {
        name: _count() if name == rollup.count else _total(table.c[renamed.get(name, name)])
        for name in rollup.measures
    }
    condition = None if unless is None else ~table.c[unless]
    return _Source(joined, tuple(table.c[key] for key in keys), measures, condition)


def _team_source(second_key: str | None) -> _Source:
    teams = _aggregate("team_match_stats")
    joined = teams.join(_match_facts, _match_facts.c.match_pk == teams.c.match_pk).join(
        _team_facts,
        and_(_team_facts.c.match_pk == teams.c.match_pk, _team_facts.c.team_id == teams.c.team_id),
    )
    keys: tuple[ColumnElement[Any], ...] = (teams.c.team_id,)
    if second_key == "map_name":
        keys += (_match_facts.c.map_name,)
    elif second_key == "outcome":
        keys += (_team_facts.c.outcome,)
    measures = {"matches": _count(), "wins": _count_if(teams.c.won), **_totals(teams, _TEAM_TOTALS)}
    return _Source(joined, keys, measures)


def _team_agent_source() -> _Source:
    players = _aggregate("match_player_stats")
    joined = players.join(_match_facts, _match_facts.c.match_pk == players.c.match_pk).outerjoin(
        _team_facts,
        and_(
            _team_facts.c.match_pk == players.c.match_pk,
            _team_facts.c.team_id == players.c.team_id,
        ),
    )
    measures = {
        "picks": _count(),
        "wins": _count_if(_team_facts.c.won),
        **_totals(players, ("rounds_played", "kills", "deaths", "score", "damage")),
    }
    return _Source(
        joined, (players.c.team_id, func.coalesce(players.c.agent, UNKNOWN_AGENT)), measures
    )


def _composition_map_source() -> _Source:
    teams = _aggregate("team_match_stats")
    joined = teams.join(_match_facts, _match_facts.c.match_pk == teams.c.match_pk).join(
        _team_facts,
        and_(_team_facts.c.match_pk == teams.c.match_pk, _team_facts.c.team_id == teams.c.team_id),
    )
    measures = {
        "matches": _count(),
        "wins": _count_if(teams.c.won),
        **_totals(teams, ("rounds_played", "rounds_won")),
    }
    return _Source(
        joined,
        (_team_facts.c.composition, _match_facts.c.map_name),
        measures,
        _team_facts.c.composition.is_not(None),
    )


def _composition_economy_source() -> _Source:
    team_rounds = _aggregate("round_team_stats")
    joined = team_rounds.join(_match_facts, _match_facts.c.match_pk == team_rounds.c.match_pk).join(
        _team_facts,
        and_(
            _team_facts.c.match_pk == team_rounds.c.match_pk,
            _team_facts.c.team_id == team_rounds.c.team_id,
        ),
    )
    return _Source(
        joined,
        (_team_facts.c.composition, team_rounds.c.buy_type),
        {"rounds_played": _count(), "rounds_won": _count_if(team_rounds.c.won)},
        and_(_team_facts.c.composition.is_not(None), team_rounds.c.buy_type.is_not(None)),
    )


def _sources() -> dict[str, _Source]:
    return {
        "rollup_player_day": _player_source(None),
        "rollup_player_map_day": _player_source("map_name"),
        "rollup_player_agent_day": _player_source("agent"),
        "rollup_player_weapon_day": _per_match_source(
            "rollup_player_weapon_day", "match_player_weapon_stats", ("player_id", "weapon")
        ),
        "rollup_player_side_day": _round_source("side"),
        "rollup_player_economy_day": _round_source("buy_type"),
        "rollup_player_clutch_day": _per_match_source(
            "rollup_player_clutch_day",
            "clutches",
            ("player_id", "opponents"),
            columns={"wins": "won"},
            unless="void",
        ),
        "rollup_player_duel_day": _per_match_source(
            "rollup_player_duel_day", "match_player_duels", ("player_id", "opponent_id")
        ),
        "rollup_team_day": _team_source(None),
        "rollup_team_map_day": _team_source("map_name"),
        "rollup_team_agent_day": _team_agent_source(),
        "rollup_team_outcome_day": _team_source("outcome"),
        "rollup_composition_map_day": _composition_map_source(),
        "rollup_composition_economy_day": _composition_economy_source(),
    }


def expected_rows_query(rollup: Rollup, *, day: date | None = None) -> Select[Any]:
    """The SELECT of the rows ``rollup`` should hold (those of ``day`` alone, if given): its
    key columns then its measures, by name, one row per bucket of the matches with
    aggregates. Reads the tables of create_fact_tables."""
    source = _sources()[rollup.name]
    keys = [_match_facts.c.day, _match_facts.c.game, *source.keys]
    statement = select(
        *(key.label(name) for key, name in zip(keys, rollup.key_columns, strict=True)),
        *(source.measures[name].label(name) for name in rollup.measures),
    ).select_from(source.joined)
    if source.where is not None:
        statement = statement.where(source.where)
    if day is not None:
        statement = statement.where(_match_facts.c.day == day)
    return statement.group_by(*keys)


# --- comparing with the stored rows, and repairing ---------------------------------------


@dataclass(frozen=True, slots=True)
class _Comparison:
    """The expected rows of a rollup FULL OUTER JOINed to its stored rows, and when a joined
    row is a difference (a missing row on either side, or any measure apart)."""

    joined: FromClause
    differs: ColumnElement[bool]
    columns: tuple[ColumnElement[Any], ...]  # what a differing row reports
    keys: tuple[ColumnElement[Any], ...]
    stored_key: ColumnElement[Any]


def _compare(rollup_table: RollupTable) -> _Comparison:
    rollup = rollup_table.rollup
    expected = expected_rows_query(rollup).subquery("expected")
    stored = rollup_table.table
    keys = rollup.key_columns
    joined = expected.outerjoin(
        stored, and_(*(expected.c[key] == stored.c[key] for key in keys)), full=True
    )
    first = keys[0]
    differs = or_(
        stored.c[first].is_(None),
        expected.c[first].is_(None),
        *(stored.c[m].is_distinct_from(expected.c[m]) for m in rollup.measures),
    )
    merged_keys = tuple(func.coalesce(expected.c[key], stored.c[key]).label(key) for key in keys)
    columns = (
        *merged_keys,
        stored.c[first].is_not(None).label("has_stored"),
        expected.c[first].is_not(None).label("has_expected"),
        *(stored.c[m].label(f"stored_{m}") for m in rollup.measures),
        *(expected.c[m].label(f"expected_{m}") for m in rollup.measures),
    )
    return _Comparison(joined, differs, columns, merged_keys, stored.c[first])


def differing_rows_query(rollup_table: RollupTable) -> Select[Any]:
    """The rows where the stored table and the expected rows disagree, missing rows included,
    in key order: the key, whether each side has the row (``has_stored``, ``has_expected``),
    then the stored measures (``stored_*``) and the expected ones (``expected_*``)."""
    comparison = _compare(rollup_table)
    return (
        select(*comparison.columns)
        .select_from(comparison.joined)
        .where(comparison.differs)
        .order_by(*comparison.keys)
    )


def _count_rows(conn: Connection, rollup_table: RollupTable) -> tuple[int, int]:
    """(stored rows, differing rows) of one rollup, in one pass over the join."""
    comparison = _compare(rollup_table)
    stored, differing = conn.execute(
        select(
            func.count(comparison.stored_key), func.count().filter(comparison.differs)
        ).select_from(comparison.joined)
    ).one()
    return int(stored), int(differing)


def _key_of(rollup: Rollup, row: Any) -> RollupKey:
    mapping = row._mapping
    return tuple(mapping[key] for key in rollup.key_columns)


def _measures_of(rollup: Rollup, row: Any, side: str) -> tuple[int, ...]:
    mapping = row._mapping
    # PostgreSQL sums bigints as numeric: integral Decimals, made ints again.
    return tuple(int(mapping[f"{side}_{m}"] or 0) for m in rollup.measures)


def _describe(rollup: Rollup, row: Any) -> list[RollupDifference]:
    """The measures that differ in one differing row; a missing row always names its count
    measure, so that every differing row is reported at least once."""
    key = _key_of(rollup, row)
    mapping = row._mapping
    stored = _measures_of(rollup, row, "stored") if mapping["has_stored"] else None
    expected = _measures_of(rollup, row, "expected") if mapping["has_expected"] else None
    found = []
    for index, measure in enumerate(rollup.measures):
        old = None if stored is None else stored[index]
        new = None if expected is None else expected[index]
        missing = stored is None or expected is None
        if (old or 0) != (new or 0) or (missing and measure == rollup.count):
            found.append(RollupDifference(rollup.name, key, measure, old, new))
    return found


def _repair(conn: Connection, rollup: Rollup, rows: Sequence[Any]) -> None:
    replaced = {
        _key_of(rollup, row): _measures_of(rollup, row, "expected")
        for row in rows
        if row._mapping["has_expected"]
    }
    removed = [_key_of(rollup, row) for row in rows if not row._mapping["has_expected"]]
    if replaced:
        replace_rollup_rows(conn, rollup.name, replaced)
    if removed:
        delete_rollup_rows(conn, rollup.name, removed)


def _rebuild(conn: Connection, rollup_table: RollupTable) -> None:
    """Replace every row of the table with the expected rows, in SQL."""
    rollup = rollup_table.rollup
    conn.execute(delete(rollup_table.table))
    conn.execute(
        insert(rollup_table.table).from_select(
            [*rollup.key_columns, *rollup.measures], expected_rows_query(rollup)
        )
    )
