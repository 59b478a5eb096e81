"""Summed measures from a daily rollup, or from per-match tables for keys no rollup has.

A FactSource is a FROM clause, the dimensions a query can filter and group on, and the
measures it sums, named as in scoreline.rollups.specs. The rollup tables are sources; so are
the aggregate tables joined to ``matches``, whose measures are written to equal what the
rollup writer (scoreline.rollups.contributions) adds for the same match, so either source
gives the same numbers. A report lists its candidate sources, fastest first, and takes the
first that has every dimension the request filters or groups on (scoreline.reports.sections):
the player
page reads rollup_player_map_day for ``map=Ascent``, but match_player_stats joined to
matches for ``map=Ascent&agent=Jett``, which no rollup is keyed by.

Rollups filter periods on their bucket day, per-match sources on ``matches.started_at``
within the instants of the same days (scoreline.rollups.periods.DaySpan), so both select the
same matches. One difference is documented in place: per-match rating sums round each match
in SQL (ties away from zero on SQLite), the writer in Python (ties to even); a rating exactly
halfway between two thousandths is the only case where they can differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Join

from scoreline.rollups.contributions import RATING_MILLI_PER_POINT, UNKNOWN_AGENT
from scoreline.rollups.periods import DaySpan
from scoreline.rollups.specs import (
    PLAYER_ECONOMY_MEASURES,
    PLAYER_MEASURES,
    PLAYER_SIDE_MEASURES,
    ROLLUPS_BY_NAME,
    ROUND_FLAG_MEASURES,
    TEAM_MEASURES,
)
from scoreline.store.result_columns import COUNT_SUFFIXES
from scoreline.store.schema import ROLLUP_TABLES, matches, metadata

MATCH_PLAYER_STATS = metadata.tables["match_player_stats"]
TEAM_MATCH_STATS = metadata.tables["team_match_stats"]
ROUND_PLAYER_STATS = metadata.tables["round_player_stats"]
ROUND_TEAM_STATS = metadata.tables["round_team_stats"]
CLUTCHES = metadata.tables["clutches"]
WEAPON_STATS = metadata.tables["match_player_weapon_stats"]

DAY = "day"  # the time dimension of a rollup
STARTED_AT = "started_at"  # the time dimension of a per-match source


# Compared and hashed by identity: sources are module constants, keys of built statements.
@dataclass(frozen=True, slots=True, eq=False)
class FactSource:
    """Where measures are summed from.

    ``dims`` are the columns a query filters and groups on, by name; ``measures`` the
    aggregate expressions, by measure name; ``where`` a condition every row must meet.
    ``by_day`` sources carry the bucket ``day``; the others ``started_at`` and ``match_pk``.
    """

    name: str
    from_clause: FromClause
    dims: Mapping[str, ColumnElement[Any]]
    measures: Mapping[str, ColumnElement[Any]]
    by_day: bool
    where: ColumnElement[bool] | None = None

    def supports(self, names: Iterable[str]) -> bool:
        return all(name in self.dims for name in names)


def sum_facts(
    conn: Connection,
    source: FactSource,
    *,
    equal: Mapping[str, Any],
    span: DaySpan | None,
    group_by: Sequence[str] = (),
    measures: Sequence[str] | None = None,
    at_least: tuple[str, int] | None = None,
    newest_first: int | None = None,
) -> list[dict[str, Any]]:
    """The ``measures`` (all of the source's by default) summed over the rows whose
    dimensions equal ``equal`` within ``span`` (None: all time), one dict per group of
    ``group_by`` (rows whose grouping value is NULL are left out), in group order.

    ``at_least`` keeps the groups whose measure reaches a minimum; ``newest_first`` orders
    the groups by ``group_by`` descending (lead with the time dimension: newest first) and
    keeps that many.
    """
    shape = _QueryShape(
        source,
        tuple(equal),
        span is not None,
        tuple(group_by),
        tuple(source.measures) if measures is None else tuple(measures),
        None if at_least is None else at_least[0],
        newest_first,
    )
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = _build_statement(shape)
    values: dict[str, Any] = {f"equal_{name}": value for name, value in equal.items()}
    if span is not None:
        values.update(
            {"first_day": span.first_day, "end_day": span.end_day}
            if source.by_day
            else {"start": span.start, "end": span.end}
        )
    if at_least is not None:
        values["minimum"] = at_least[1]
    return [dict(row._mapping) for row in conn.execute(statement, values)]


@dataclass(frozen=True, slots=True)
class _QueryShape:
    """What a sum_facts statement depends on, apart from the values it binds."""

    source: FactSource
    equal: tuple[str, ...]
    spanned: bool
    group_by: tuple[str, ...]
    measures: tuple[str, ...]
    at_least: str | None
    newest_first: int | None


# Built statements by shape: a page runs a dozen, and building one (and SQLAlchemy's cache
# key of it, memoised on the statement) costs more than running it on an indexed table.
_STATEMENTS: dict[_QueryShape, Select[Any]] = {}


def _build_statement(shape: _QueryShape) -> Select[Any]:
    source, group_by = shape.source, shape.group_by
    statement = select(
        *(source.dims[name].label(name) for name in group_by),
        *(source.measures[name].label(name) for name in shape.measures),
    ).select_from(source.from_clause)
    conditions = [source.dims[name] == bindparam(f"equal_{name}") for name in shape.equal]
    conditions.extend(source.dims[name].is_not(None) for name in group_by)
    if source.where is not None:
        conditions.append(source.where)
    if shape.spanned:
        if source.by_day:
            day = source.dims[DAY]
            conditions.extend([day >= bindparam("first_day"), day < bindparam("end_day")])
        else:
            started_at = source.dims[STARTED_AT]
            conditions.extend([started_at >= bindparam("start"), started_at < bindparam("end")])
    if conditions:
        statement = statement.where(and_(*conditions))
    if group_by:
        statement = statement.group_by(*(source.dims[name] for name in group_by))
    if shape.at_least is not None:
        statement = statement.having(source.measures[shape.at_least] >= bindparam("minimum"))
    if shape.newest_first is not None:
        statement = statement.order_by(*(source.dims[name].desc() for name in group_by))
        statement = statement.limit(shape.newest_first)
    elif group_by:
        statement = statement.order_by(*(source.dims[name] for name in group_by))
    return statement


def find_time_range(
    conn: Connection, source: FactSource, *, equal: Mapping[str, Any]
) -> tuple[Any, Any] | None:
    """The earliest and latest time dimension of the matching rows (days for a rollup,
    start instants otherwise), None when no row matches: the extent of "all time"."""
    time_dim = source.dims[DAY if source.by_day else STARTED_AT]
    conditions = [source.dims[name] == value for name, value in equal.items()]
    if source.where is not None:
        conditions.append(source.where)
    statement = select(func.min(time_dim), func.max(time_dim)).select_from(source.from_clause)
    if conditions:
        statement = statement.where(and_(*conditions))
    first, last = conn.execute(statement).one()
    return None if first is None else (first, last)


def _summed(expression: ColumnElement[Any]) -> ColumnElement[Any]:
    # PostgreSQL sums BIGINT into NUMERIC: cast back so every backend returns an int.
    return cast(func.coalesce(func.sum(expression), 0), BigInteger)


def _counted(condition: ColumnElement[Any]) -> ColumnElement[Any]:
    return _summed(case((condition, 1), else_=0))


def _rollup_source(name: str) -> FactSource:
    rollup_table = next(r for r in ROLLUP_TABLES if r.table.name == name)
    table, rollup = rollup_table.table, rollup_table.rollup
    return FactSource(
        name=name,
        from_clause=table,
        dims={key: table.c[key] for key in rollup.key_columns},
        measures={measure: _summed(table.c[measure]) for measure in rollup.measures},
        by_day=True,
    )


ROLLUP_PLAYER = _rollup_source("rollup_player_day")
ROLLUP_PLAYER_MAP = _rollup_source("rollup_player_map_day")
ROLLUP_PLAYER_AGENT = _rollup_source("rollup_player_agent_day")
ROLLUP_PLAYER_WEAPON = _rollup_source("rollup_player_weapon_day")
ROLLUP_PLAYER_SIDE = _rollup_source("rollup_player_side_day")
ROLLUP_PLAYER_ECONOMY = _rollup_source("rollup_player_economy_day")
ROLLUP_PLAYER_CLUTCH = _rollup_source("rollup_player_clutch_day")
ROLLUP_PLAYER_DUEL = _rollup_source("rollup_player_duel_day")
ROLLUP_TEAM = _rollup_source("rollup_team_day")
ROLLUP_TEAM_MAP = _rollup_source("rollup_team_map_day")
ROLLUP_TEAM_AGENT = _rollup_source("rollup_team_agent_day")
ROLLUP_TEAM_OUTCOME = _rollup_source("rollup_team_outcome_day")


# --- per-match sources ------------------------------------------------------------------------

_mps = MATCH_PLAYER_STATS
_tms = TEAM_MATCH_STATS
_rps = ROUND_PLAYER_STATS
_rts = ROUND_TEAM_STATS
# Constants of grouped expressions are rendered inline: PostgreSQL only matches a GROUP BY
# expression to its SELECT twin when no bound parameter differs between the two.
_agent = func.coalesce(_mps.c.agent, literal_column(f"'{UNKNOWN_AGENT}'"))
_team_won = _tms.c.won == true()


def _per_match_dims(
    table: Table, entity: str, **keys: ColumnElement[Any]
) -> dict[str, ColumnElement[Any]]:
    """The dimensions of a source over ``table`` joined to its match: the ``entity``
    column, the match's game and map, ``keys``, and the match's start and match_pk."""
    return {
        entity: table.c[entity],
        "game": matches.c.game,
        "map_name": matches.c.map_name,
        **keys,
        STARTED_AT: matches.c.started_at,
        "match_pk": table.c.match_pk,
    }


def _with_match_and_line(table: Table) -> Join:
    """``table`` (keyed by match_pk and player_id) joined to its match and to the player's
    match line (for the agent)."""
    return table.join(matches, matches.c.match_pk == table.c.match_pk).join(
        _mps, and_(_mps.c.match_pk == table.c.match_pk, _mps.c.player_id == table.c.player_id)
    )


# A player's match line with their team's row (for wins).
_player_matches_from = _mps.join(matches, matches.c.match_pk == _mps.c.match_pk).join(
    _tms,
    and_(_tms.c.match_pk == _mps.c.match_pk, _tms.c.team_id == _mps.c.team_id),
    isouter=True,
)

# HS % by kills divides by the player's enemy kills in matches whose source flags headshots
# on kills (hs_pct_kills is NULL exactly when it does not): the round rows' enemy kills.
_enemy_kills_in_match = (
    select(func.coalesce(func.sum(_rps.c.enemy_kills), 0))
    .where(_rps.c.match_pk == _mps.c.match_pk, _rps.c.player_id == _mps.c.player_id)
    .scalar_subquery()
)


def _bucket_sum(field: str) -> ColumnElement[Any]:
    total: ColumnElement[Any] = literal(0)
    for suffix in COUNT_SUFFIXES[field]:
        total = total + _mps.c[f"{field}_{suffix}"]
    return _summed(total)


def _rating_sums(column: str) -> dict[str, ColumnElement[Any]]:
    # Each match's rating in thousandths, rounded per match as the writer does.
    rating = _mps.c[column]
    milli = cast(func.round(rating * RATING_MILLI_PER_POINT), BigInteger)
    return {"milli": _summed(milli), "matches": _counted(rating.is_not(None))}


def _player_match_measures() -> dict[str, ColumnElement[Any]]:
    multikills = {
        f"multikill_{n}": _summed(_mps.c[f"multikills_{suffix}"])
        for n, suffix in zip(range(2, 7), COUNT_SUFFIXES["multikills"], strict=True)
    }
    special: dict[str, ColumnElement[Any]] = {
        "matches": func.count(),
        "wins": _counted(_team_won),
        "hs_known_kills": _summed(
            case((_mps.c.hs_pct_kills.is_not(None), _enemy_kills_in_match), else_=0)
        ),
        "clutch_attempts": _bucket_sum("clutch_attempts"),
        "clutch_wins": _bucket_sum("clutch_wins"),
        **multikills,
    }
    v1, v2 = _rating_sums("rating_v1"), _rating_sums("rating2_approx")
    special.update(
        rating_v1_milli=v1["milli"],
        rating_v1_matches=v1["matches"],
        rating2_milli=v2["milli"],
        rating2_matches=v2["matches"],
    )
    # Any other measure is its column's sum: a new measure of the spec without a column of
    # that name fails here, at import, until it is given an expression above.
    return {
        name: special[name] if name in special else _summed(_mps.c[name])
        for name in PLAYER_MEASURES
    }


PLAYER_MATCHES = FactSource(
    name="match_player_stats",
    from_clause=_player_matches_from,
    dims=_per_match_dims(_mps, "player_id", agent=_agent, team_id=_mps.c.team_id),
    measures=_player_match_measures(),
    by_day=False,
)

# The rounds a player played, with the match (map), their match line (agent) and their
# team's round (won).
_player_rounds_from = _with_match_and_line(_rps).join(
    _rts,
    and_(
        _rts.c.match_pk == _rps.c.match_pk,
        _rts.c.round_number == _rps.c.round_number,
        _rts.c.team_id == _rps.c.team_id,
    ),
    isouter=True,
)


def _player_round_measures() -> dict[str, ColumnElement[Any]]:
    special: dict[str, ColumnElement[Any]] = {
        "rounds_played": func.count(),
        "rounds_won": _counted(_rts.c.won == true()),
        # Only a counted attempt sets the number of opponents.
        "clutch_attempts": _counted(_rps.c.clutch_opponents > 0),
        # Rounds without economy data add nothing.
        "spent": _summed(func.coalesce(_rps.c.spent, 0)),
        "loadout_value": _summed(func.coalesce(_rps.c.loadout_value, 0)),
    }
    special.update(
        {name: _counted(_rps.c[flag] == true()) for name, flag in ROUND_FLAG_MEASURES.items()}
    )
    names = dict.fromkeys((*PLAYER_SIDE_MEASURES, *PLAYER_ECONOMY_MEASURES))
    return {name: special[name] if name in special else _summed(_rps.c[name]) for name in names}


PLAYER_ROUNDS = FactSource(
    name="round_player_stats",
    from_clause=_player_rounds_from,
    dims=_per_match_dims(
        _rps,
        "player_id",
        agent=_agent,
        team_id=_rps.c.team_id,
        side=_rps.c.side,
        buy_type=_rps.c.buy_type,
    ),
    measures=_player_round_measures(),
    by_day=False,
    where=_rps.c.played == true(),
)

PLAYER_CLUTCHES = FactSource(
    name="clutches",
    from_clause=_with_match_and_line(CLUTCHES),
    dims=_per_match_dims(
        CLUTCHES, "player_id", agent=_agent, side=CLUTCHES.c.side, opponents=CLUTCHES.c.opponents
    ),
    measures={
        "attempts": func.count(),
        "wins": _counted(CLUTCHES.c.won == true()),
        "kills": _summed(CLUTCHES.c.kills),
        "survived": _counted(CLUTCHES.c.survived == true()),
    },
    by_day=False,
    where=CLUTCHES.c.void == false(),
)

PLAYER_WEAPONS = FactSource(
    name="match_player_weapon_stats",
    from_clause=_with_match_and_line(WEAPON_STATS),
    dims=_per_match_dims(WEAPON_STATS, "player_id", agent=_agent, weapon=WEAPON_STATS.c.weapon),
    # A weapon row is one match: every other measure of the rollup is the column's sum.
    measures={
        name: func.count() if name == "matches" else _summed(WEAPON_STATS.c[name])
        for name in ROLLUPS_BY_NAME["rollup_player_weapon_day"].measures
    },
    by_day=False,
)

# "win", "loss", or "draw" when no team of the match won (as the writer keys outcomes).
_other_team = _tms.alias("other_team")
_outcome = case(
    (_team_won, literal_column("'win'")),
    (
        exists().where(_other_team.c.match_pk == _tms.c.match_pk, _other_team.c.won == true()),
        literal_column("'loss'"),
    ),
    else_=literal_column("'draw'"),
)


def _team_match_measures() -> dict[str, ColumnElement[Any]]:
    special: dict[str, ColumnElement[Any]] = {
        "matches": func.count(),
        "wins": _counted(_team_won),
    }
    return {
        name: special[name] if name in special else _summed(_tms.c[name]) for name in TEAM_MEASURES
    }


TEAM_MATCHES = FactSource(
    name="team_match_stats",
    from_clause=_tms.join(matches, matches.c.match_pk == _tms.c.match_pk),
    dims=_per_match_dims(_tms, "team_id", outcome=_outcome),
    measures=_team_match_measures(),
    by_day=False,
)

TEAM_AGENTS = FactSource(
    name="match_player_stats",
    from_clause=_player_matches_from,
    dims=_per_match_dims(_mps, "team_id", agent=_agent, outcome=_outcome),
    measures={
        "picks": func.count(),
        "wins": _counted(_team_won),
        **{
            name: _summed(_mps.c[name])
            for name in ("rounds_played", "kills", "deaths", "score", "damage")
        },
    },
    by_day=False,
)


def find_results_version(conn: Connection) -> str:
    """A token that changes whenever stored results do (a match stored, computed again or
    deleted): the number of matches, of computed ones, the newest match_pk and the latest
    computation. A cached report is valid as long as the token is the same; a rollup
    repair (``scoreline rollups verify --fix``) changes no match, so it does not change it.
    """
    statement = select(
        func.count(),
        func.count(matches.c.stat_version),
        func.max(matches.c.match_pk),
        func.max(matches.c.computed_at),
    )
    stored, computed, newest, latest = conn.execute(statement).one()
    stamp = "" if latest is None else latest.isoformat()
    return f"{stored}:{computed}:{newest}:{stamp}"
