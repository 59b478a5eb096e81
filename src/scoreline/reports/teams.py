"""A team's page: period, period before, splits, compositions, trend and recent matches.

The map filter holds for every number: without it the totals, trend and splits read
rollup_team_day / _map_day / _outcome_day / _agent_day; with it the totals and trend read
rollup_team_map_day and the outcome and agent splits read team_match_stats and
match_player_stats joined to matches. Compositions (the team's agents in a match, sorted)
always come from match_player_stats, as the composition rollups are not keyed by team;
matches where an agent is unknown (CS2) have none, as in the rollups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, exists, select
from sqlalchemy.sql.elements import ColumnElement

from scoreline.domain.errors import ScorelineError
from scoreline.reports.facts import (
    MATCH_PLAYER_STATS,
    ROLLUP_TEAM,
    ROLLUP_TEAM_AGENT,
    ROLLUP_TEAM_MAP,
    ROLLUP_TEAM_OUTCOME,
    TEAM_AGENTS,
    TEAM_MATCH_STATS,
    TEAM_MATCHES,
)
from scoreline.reports.filters import KeyFilters, check_filter_text
from scoreline.reports.lines import build_line
from scoreline.reports.period_view import describe_period
from scoreline.reports.players import DEFAULT_RECENT_MATCHES
from scoreline.reports.sections import Section, load_period_totals, load_split, load_trend
from scoreline.rollups.contributions import COMPOSITION_SEPARATOR
from scoreline.rollups.derived import (
    TEAM_FIGURES,
    Figures,
    Sums,
    compute_composition_figures,
    compute_team_agent_figures,
    compute_team_figures,
    derive_figures,
)
from scoreline.rollups.periods import DaySpan, Granularity, Period
from scoreline.rollups.specs import ROLLUPS_BY_NAME, TEAM_MEASURES
from scoreline.store.schema import matches

TEAM_AGENT_MEASURES = ROLLUPS_BY_NAME["rollup_team_agent_day"].measures
COMPOSITION_MEASURES = ROLLUPS_BY_NAME["rollup_composition_map_day"].measures
TEAM_TREND_MEASURES: tuple[str, ...] = (
    "matches",
    "wins",
    "rounds_played",
    "rounds_won",
    "kills",
    "deaths",
    "damage",
)
TEAM_TREND_FIGURES = ("win_pct", "round_win_pct", "kd", "damage_per_round")

TEAM_TOTALS = Section(
    ((ROLLUP_TEAM, TEAM_MEASURES), (ROLLUP_TEAM_MAP, TEAM_MEASURES), (TEAM_MATCHES, TEAM_MEASURES)),
    TEAM_MEASURES,
    compute_team_figures,
)
TEAM_SPLITS: tuple[tuple[str, str, Section], ...] = (
    (
        "maps",
        "map_name",
        Section(
            ((ROLLUP_TEAM_MAP, TEAM_MEASURES), (TEAM_MATCHES, TEAM_MEASURES)),
            TEAM_MEASURES,
            compute_team_figures,
        ),
    ),
    (
        "outcomes",
        "outcome",
        Section(
            ((ROLLUP_TEAM_OUTCOME, TEAM_MEASURES), (TEAM_MATCHES, TEAM_MEASURES)),
            TEAM_MEASURES,
            compute_team_figures,
        ),
    ),
    (
        "agents",
        "agent",
        Section(
            ((ROLLUP_TEAM_AGENT, TEAM_AGENT_MEASURES), (TEAM_AGENTS, TEAM_AGENT_MEASURES)),
            TEAM_AGENT_MEASURES,
            compute_team_agent_figures,
        ),
    ),
)


class TeamNotFoundError(ScorelineError):
    """No computed match has a team with this id."""

    def __init__(self, team_id: str) -> None:
        self.team_id = team_id
        super().__init__(f"no team with id {team_id!r}")


@dataclass(frozen=True, slots=True)
class TeamFilters(KeyFilters):
    """What a team page keeps; None keeps everything (the map matched exactly)."""

    game: str | None = None
    map_name: str | None = None


def load_team_profile(
    conn: Connection,
    team_id: str,
    *,
    period: Period,
    zone: ZoneInfo,
    filters: TeamFilters = TeamFilters(),
    granularity: Granularity = Granularity.DAY,
    recent: int = DEFAULT_RECENT_MATCHES,
) -> dict[str, Any]:
    """The team's page under ``filters``: totals with the period before and the % change,
    splits by map / outcome / agent / composition, the trend and the newest matches.

    TeamNotFoundError when no computed match has the team.
    """
    check_filter_text("team_id", team_id)
    tms = TEAM_MATCH_STATS
    if not conn.execute(select(exists().where(tms.c.team_id == team_id))).scalar():
        raise TeamNotFoundError(team_id)
    equal = {"team_id": team_id, **filters.dims()}
    # The per-match team sources have every key: no split is None.
    splits: dict[str, Any] = {
        name: load_split(conn, section, equal, key, period.span)
        for name, key, section in TEAM_SPLITS
    }
    splits["compositions"] = _compositions(conn, equal, period.span)
    return {
        "team": {"team_id": team_id},
        "filters": filters.view(),
        "period": describe_period(period, zone),
        **load_period_totals(conn, TEAM_TOTALS, equal, period),
        "splits": splits,
        "trend": load_trend(
            conn,
            TEAM_TOTALS,
            equal,
            period,
            zone,
            granularity,
            measures=TEAM_TREND_MEASURES,
            derive=_team_trend_figures,
        ),
        "recent_matches": _recent_matches(conn, equal, period.span, recent),
    }


def _team_match_conditions(
    team_id: ColumnElement[str], equal: dict[str, Any], span: DaySpan | None
) -> list[ColumnElement[bool]]:
    """The team's matches under the filters ``equal`` within ``span``: ``team_id`` is the
    team column of the table read beside ``matches``."""
    conditions = [team_id == equal["team_id"]]
    if "game" in equal:
        conditions.append(matches.c.game == equal["game"])
    if "map_name" in equal:
        conditions.append(matches.c.map_name == equal["map_name"])
    if span is not None:
        conditions.extend([matches.c.started_at >= span.start, matches.c.started_at < span.end])
    return conditions


def _compositions(
    conn: Connection, equal: dict[str, Any], span: DaySpan | None
) -> list[dict[str, Any]]:
    mps, tms = MATCH_PLAYER_STATS, TEAM_MATCH_STATS
    conditions = _team_match_conditions(mps.c.team_id, equal, span)
    statement = (
        select(
            mps.c.match_pk,
            mps.c.agent,
            tms.c.won,
            tms.c.rounds_played,
            tms.c.rounds_won,
        )
        .select_from(
            mps.join(matches, matches.c.match_pk == mps.c.match_pk).join(
                tms, and_(tms.c.match_pk == mps.c.match_pk, tms.c.team_id == mps.c.team_id)
            )
        )
        .where(*conditions)
    )
    agents: dict[int, list[str | None]] = {}
    results: dict[int, tuple[bool, int, int]] = {}
    for row in conn.execute(statement):
        agents.setdefault(row.match_pk, []).append(row.agent)
        results[row.match_pk] = (bool(row.won), row.rounds_played, row.rounds_won)
    sums: dict[str, dict[str, int]] = {}
    for match_pk, picked in agents.items():
        if any(agent is None for agent in picked):
            continue
        composition = COMPOSITION_SEPARATOR.join(sorted(a for a in picked if a is not None))
        won, rounds_played, rounds_won = results[match_pk]
        total = sums.setdefault(composition, dict.fromkeys(COMPOSITION_MEASURES, 0))
        total["matches"] += 1
        total["wins"] += won
        total["rounds_played"] += rounds_played
        total["rounds_won"] += rounds_won
    lines = [
        build_line(
            {"composition": composition, "agents": composition.split(COMPOSITION_SEPARATOR)},
            total,
            COMPOSITION_MEASURES,
            compute_composition_figures,
        )
        for composition, total in sums.items()
    ]
    return sorted(lines, key=lambda line: (-line["matches"], line["composition"]))


def _team_trend_figures(sums: Sums) -> Figures:
    return derive_figures(TEAM_FIGURES, sums, TEAM_TREND_FIGURES)


def _recent_matches(
    conn: Connection, equal: dict[str, Any], span: DaySpan | None, limit: int
) -> list[dict[str, Any]]:
    tms = TEAM_MATCH_STATS
    conditions = _team_match_conditions(tms.c.team_id, equal, span)
    statement = (
        select(
            matches.c.match_pk,
            matches.c.source_match_id,
            matches.c.game,
            matches.c.map_name,
            matches.c.started_at,
            tms.c.won,
            tms.c.rounds_played,
            tms.c.rounds_won,
            tms.c.rounds_lost,
            tms.c.kills,
            tms.c.deaths,
            tms.c.damage,
        )
        .select_from(tms.join(matches, matches.c.match_pk == tms.c.match_pk))
        .where(*conditions)
        .order_by(matches.c.started_at.desc(), matches.c.match_pk.desc())
        .limit(limit)
    )
    lines = []
    for row in conn.execute(statement):
        sums = {
            "matches": 1,
            "wins": int(row.won),
            "rounds_played": row.rounds_played,
            "rounds_won": row.rounds_won,
            "kills": row.kills,
            "deaths": row.deaths,
            "damage": row.damage,
        }
        keys = {
            "match_pk": row.match_pk,
            "match_id": row.source_match_id,
            "game": row.game,
            "map_name": row.map_name,
            "started_at": row.started_at,
            "won": bool(row.won),
            "rounds_lost": row.rounds_lost,
        }
        lines.append(build_line(keys, sums, TEAM_TREND_MEASURES, _team_trend_figures))
    return lines
