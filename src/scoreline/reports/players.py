"""A player's page (period, period before, splits, trend, recent matches) and player search.

Every number of a page honours every filter. Each section (scoreline.reports.sections) reads
the first of its candidate sources keyed by every filter and by its own split key
("rollup_" and "_day" left out below; rps is round_player_stats, mps match_player_stats,
both joined to matches; a game filter changes nothing, every source is keyed by game):

    filters          totals, trend    map split    agent split    side split   economy split
    none             player           player_map   player_agent   player_side  player_economy
    map              player_map       player_map   mps            rps          rps
    agent            player_agent     mps          player_agent   rps          rps
    side             player_side      rps          rps            player_side  rps
    map and agent    mps              mps          mps            rps          rps
    side and more    rps              rps          rps            rps          rps

The clutch and weapon splits read their rollups without a filter and the clutches and
match_player_weapon_stats tables with one. Weapon rows are per match, not per side: with a
side filter the weapon split is None rather than numbers the filter does not hold. Lines
from side-keyed sources hold the side measures only (no match count, wins or ratings: those
fields are None). The hourly trend reads mps (rps with a side filter): rollups are daily.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, case, func, or_, select

from scoreline.domain.errors import ScorelineError
from scoreline.reports.facts import (
    MATCH_PLAYER_STATS,
    PLAYER_CLUTCHES,
    PLAYER_MATCHES,
    PLAYER_ROUNDS,
    PLAYER_WEAPONS,
    ROLLUP_PLAYER,
    ROLLUP_PLAYER_AGENT,
    ROLLUP_PLAYER_CLUTCH,
    ROLLUP_PLAYER_ECONOMY,
    ROLLUP_PLAYER_MAP,
    ROLLUP_PLAYER_SIDE,
    ROLLUP_PLAYER_WEAPON,
    STARTED_AT,
    TEAM_MATCH_STATS,
    sum_facts,
)
from scoreline.reports.filters import KeyFilters, ReportFilterError, check_filter_text
from scoreline.reports.lines import build_line
from scoreline.reports.period_view import describe_period
from scoreline.reports.sections import Section, load_period_totals, load_split, load_trend
from scoreline.rollups.derived import (
    PLAYER_FIGURES,
    Figures,
    Sums,
    compute_clutch_figures,
    compute_economy_figures,
    compute_player_figures,
    compute_weapon_figures,
    derive_figures,
)
from scoreline.rollups.periods import DaySpan, Granularity, Period
from scoreline.rollups.specs import (
    PLAYER_ECONOMY_MEASURES,
    PLAYER_MEASURES,
    PLAYER_SIDE_MEASURES,
    ROLLUPS_BY_NAME,
)
from scoreline.store.schema import matches, player_names, players

SIDES = ("attack", "defense")
DEFAULT_RECENT_MATCHES = 10
MAX_RECENT_MATCHES = 100
DEFAULT_SEARCH_LIMIT = 20
MAX_SEARCH_LIMIT = 100

# Every field a player line can carry: the match measures, and rounds won from side lines.
PLAYER_LINE_MEASURES: tuple[str, ...] = (*PLAYER_MEASURES, "rounds_won")
WEAPON_MEASURES = ROLLUPS_BY_NAME["rollup_player_weapon_day"].measures
CLUTCH_MEASURES = ROLLUPS_BY_NAME["rollup_player_clutch_day"].measures
# A trend point and a recent match carry these sums (and the figures they give).
TREND_MEASURES: tuple[str, ...] = (
    "matches",
    "wins",
    "rounds_played",
    "rounds_won",
    "kills",
    "deaths",
    "assists",
    "score",
    "damage",
    "kast_rounds",
    "headshots",
    "bodyshots",
    "legshots",
    "first_kills",
    "first_deaths",
)
TREND_FIGURES = ("acs", "kast", "adr", "kd", "hs_pct_hits", "win_pct", "round_win_pct")


class PlayerNotFoundError(ScorelineError):
    """No stored player has this id."""

    def __init__(self, player_id: str) -> None:
        self.player_id = player_id
        super().__init__(f"no player with id {player_id!r}")


@dataclass(frozen=True, slots=True)
class PlayerFilters(KeyFilters):
    """What a player page keeps; None keeps everything. Values match the stored keys
    exactly (map and agent names as the matches give them; side attack or defense)."""

    game: str | None = None
    map_name: str | None = None
    agent: str | None = None
    side: str | None = None

    def __post_init__(self) -> None:
        # Named, not super(): a slotted dataclass is a new class that super() does not know.
        KeyFilters.__post_init__(self)
        if self.side is not None and self.side not in SIDES:
            raise ReportFilterError(
                "side", f"unknown side {self.side!r}: expected attack or defense"
            )


_PM, _PSM = PLAYER_MEASURES, PLAYER_SIDE_MEASURES
TOTALS = Section(
    (
        (ROLLUP_PLAYER, _PM),
        (ROLLUP_PLAYER_MAP, _PM),
        (ROLLUP_PLAYER_AGENT, _PM),
        (ROLLUP_PLAYER_SIDE, _PSM),
        (PLAYER_MATCHES, _PM),
        (PLAYER_ROUNDS, _PSM),
    ),
    PLAYER_LINE_MEASURES,
    compute_player_figures,
)
MAP_SPLIT = Section(
    ((ROLLUP_PLAYER_MAP, _PM), (PLAYER_MATCHES, _PM), (PLAYER_ROUNDS, _PSM)),
    PLAYER_LINE_MEASURES,
    compute_player_figures,
)
AGENT_SPLIT = Section(
    ((ROLLUP_PLAYER_AGENT, _PM), (PLAYER_MATCHES, _PM), (PLAYER_ROUNDS, _PSM)),
    PLAYER_LINE_MEASURES,
    compute_player_figures,
)
SIDE_SPLIT = Section(
    ((ROLLUP_PLAYER_SIDE, _PSM), (PLAYER_ROUNDS, _PSM)), _PSM, compute_player_figures
)
ECONOMY_SPLIT = Section(
    ((ROLLUP_PLAYER_ECONOMY, PLAYER_ECONOMY_MEASURES), (PLAYER_ROUNDS, PLAYER_ECONOMY_MEASURES)),
    PLAYER_ECONOMY_MEASURES,
    compute_economy_figures,
)
CLUTCH_SPLIT = Section(
    ((ROLLUP_PLAYER_CLUTCH, CLUTCH_MEASURES), (PLAYER_CLUTCHES, CLUTCH_MEASURES)),
    CLUTCH_MEASURES,
    compute_clutch_figures,
)
WEAPON_SPLIT = Section(
    ((ROLLUP_PLAYER_WEAPON, WEAPON_MEASURES), (PLAYER_WEAPONS, WEAPON_MEASURES)),
    WEAPON_MEASURES,
    compute_weapon_figures,
)
# The split name, its grouping key and its Section.
SPLITS: tuple[tuple[str, str, Section], ...] = (
    ("maps", "map_name", MAP_SPLIT),
    ("agents", "agent", AGENT_SPLIT),
    ("sides", "side", SIDE_SPLIT),
    ("economy", "buy_type", ECONOMY_SPLIT),
    ("clutches", "opponents", CLUTCH_SPLIT),
    ("weapons", "weapon", WEAPON_SPLIT),
)


def load_player_profile(
    conn: Connection,
    player_id: str,
    *,
    period: Period,
    zone: ZoneInfo,
    filters: PlayerFilters = PlayerFilters(),
    granularity: Granularity = Granularity.DAY,
    recent: int = DEFAULT_RECENT_MATCHES,
) -> dict[str, Any]:
    """The player's page: who they are, the period's totals with the period before and the
    % change, splits by map / agent / side / buy type / 1vX / weapon, the trend at
    ``granularity`` and the ``recent`` newest matches, all under ``filters``.

    PlayerNotFoundError for an unknown id; PeriodError when the trend would be too long.
    """
    check_filter_text("player_id", player_id)
    head = _load_player_head(conn, player_id)
    equal = {"player_id": player_id, **filters.dims()}
    return {
        "player": head,
        "filters": filters.view(),
        "period": describe_period(period, zone),
        **load_period_totals(conn, TOTALS, equal, period),
        "splits": {
            # 1vX lines stay in the order of X.
            name: load_split(conn, section, equal, key, period.span, most_first=key != "opponents")
            for name, key, section in SPLITS
        },
        "trend": load_trend(
            conn,
            TOTALS,
            equal,
            period,
            zone,
            granularity,
            measures=TREND_MEASURES,
            derive=_trend_figures,
        ),
        "recent_matches": _recent_matches(conn, equal, period.span, recent),
    }


def _load_player_head(conn: Connection, player_id: str) -> dict[str, Any]:
    row = conn.execute(select(players).where(players.c.player_id == player_id)).one_or_none()
    if row is None:
        raise PlayerNotFoundError(player_id)
    names = conn.execute(
        select(player_names.c.name, player_names.c.first_seen, player_names.c.last_seen)
        .where(player_names.c.player_id == player_id)
        .order_by(player_names.c.last_seen.desc(), player_names.c.name)
    ).all()
    return {
        "player_id": row.player_id,
        "name": row.name,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "names": [dict(name._mapping) for name in names],
    }


def _trend_figures(sums: Sums) -> Figures:
    return derive_figures(PLAYER_FIGURES, sums, TREND_FIGURES)


def _recent_matches(
    conn: Connection, equal: dict[str, Any], span: DaySpan | None, limit: int
) -> list[dict[str, Any]]:
    source = PLAYER_MATCHES if PLAYER_MATCHES.supports(equal) else PLAYER_ROUNDS
    measures = tuple(name for name in TREND_MEASURES if name in source.measures)
    rows = sum_facts(
        conn,
        source,
        equal=equal,
        span=span,
        group_by=(STARTED_AT, "match_pk"),
        measures=measures,
        newest_first=limit,
    )
    if not rows:
        return []
    info = _match_info(conn, equal["player_id"], [row["match_pk"] for row in rows])
    lines = []
    for row in rows:
        keys = {**info[row["match_pk"]], "started_at": row[STARTED_AT]}
        lines.append(build_line(keys, row, TREND_MEASURES, _trend_figures))
    return lines


def _match_info(
    conn: Connection, player_id: str, match_pks: Sequence[int]
) -> dict[int, dict[str, Any]]:
    mps, tms = MATCH_PLAYER_STATS, TEAM_MATCH_STATS
    statement = (
        select(
            matches.c.match_pk,
            matches.c.source_match_id,
            matches.c.game,
            matches.c.map_name,
            mps.c.agent,
            mps.c.team_id,
            tms.c.won,
            tms.c.rounds_won.label("team_rounds_won"),
            tms.c.rounds_lost.label("team_rounds_lost"),
        )
        .select_from(
            matches.join(mps, mps.c.match_pk == matches.c.match_pk).join(
                tms,
                and_(tms.c.match_pk == mps.c.match_pk, tms.c.team_id == mps.c.team_id),
                isouter=True,
            )
        )
        .where(mps.c.player_id == player_id, matches.c.match_pk.in_(match_pks))
    )
    return {
        row.match_pk: {
            "match_pk": row.match_pk,
            "match_id": row.source_match_id,
            "game": row.game,
            "map_name": row.map_name,
            "agent": row.agent,
            "team_id": row.team_id,
            "won": row.won,
            "team_rounds_won": row.team_rounds_won,
            "team_rounds_lost": row.team_rounds_lost,
        }
        for row in conn.execute(statement)
    }


def search_players(
    conn: Connection, query: str, *, limit: int = DEFAULT_SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """Players whose id is ``query`` or who went by a name containing it (current or past,
    case-insensitive; ASCII letters only on SQLite, whose lower() knows no others).

    Best first: an exact id or name, then names starting with the query, then the rest;
    within each, the most recently seen first, then by id. Each with their current name,
    the name that matched and their number of computed matches.
    """
    check_filter_text("search", query)
    text = query.strip()
    if not text:
        raise ReportFilterError("search", "is empty")
    lowered = text.lower()
    name = func.lower(player_names.c.name)
    closeness = case(
        (or_(name == lowered, player_names.c.player_id == text), 0),
        (name.startswith(lowered, autoescape=True), 1),
        else_=2,
    )
    found = (
        select(
            player_names.c.player_id,
            func.min(closeness).label("closeness"),
            func.min(player_names.c.name).label("matched_name"),
        )
        .where(or_(name.contains(lowered, autoescape=True), player_names.c.player_id == text))
        .group_by(player_names.c.player_id)
        .subquery()
    )
    # Counted per listed player (the rollup's player index), not over the whole table.
    counted = (
        select(ROLLUP_PLAYER.measures["matches"])
        .select_from(ROLLUP_PLAYER.from_clause)
        .where(ROLLUP_PLAYER.dims["player_id"] == players.c.player_id)
        .scalar_subquery()
    )
    statement = (
        select(
            players.c.player_id,
            players.c.name,
            found.c.matched_name,
            players.c.first_seen,
            players.c.last_seen,
            counted.label("matches"),
            found.c.closeness,
        )
        .select_from(players.join(found, found.c.player_id == players.c.player_id))
        .order_by(found.c.closeness, players.c.last_seen.desc(), players.c.player_id)
        .limit(limit)
    )
    return [
        {
            "player_id": row.player_id,
            "name": row.name,
            "matched_name": row.matched_name,
            "first_seen": row.first_seen,
            "last_seen": row.last_seen,
            "matches": int(row.matches),
        }
        for row in conn.execute(statement)
    ]
