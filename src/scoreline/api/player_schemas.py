"""The OpenAPI contract of the player, team, leaderboard and activity endpoints.

Line models are built from the measure lists of scoreline.rollups.specs and the figure names
of scoreline.rollups.derived, so a new measure or figure is in the contract the moment it is
in a response. Every field of a line is present; None means the line's source
does not hold that measure (a side split has no match count) or its denominator is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, create_model

from scoreline.api.body_schema import StrictBody
from scoreline.reports.players import (
    CLUTCH_MEASURES,
    PLAYER_LINE_MEASURES,
    TREND_FIGURES,
    TREND_MEASURES,
    WEAPON_MEASURES,
)
from scoreline.reports.teams import (
    COMPOSITION_MEASURES,
    TEAM_AGENT_MEASURES,
    TEAM_TREND_FIGURES,
    TEAM_TREND_MEASURES,
)
from scoreline.rollups.derived import (
    Figures,
    compute_clutch_figures,
    compute_composition_figures,
    compute_economy_figures,
    compute_player_figures,
    compute_team_agent_figures,
    compute_team_figures,
    compute_weapon_figures,
)
from scoreline.rollups.specs import PLAYER_ECONOMY_MEASURES, PLAYER_SIDE_MEASURES, TEAM_MEASURES

GranularityName = Literal["hour", "day", "week"]


def _figure_names(derive: Callable[[dict[str, int]], Figures]) -> tuple[str, ...]:
    return tuple(derive({}))


# Figures that are differences or sums of counts rather than ratios.
_INTEGER_FIGURES = frozenset({"plus_minus", "multikills", "net_kills"})


def _line_model(
    name: str,
    doc: str,
    keys: Mapping[str, Any],
    measures: Sequence[str],
    figures: Sequence[str],
) -> type[BaseModel]:
    fields: dict[str, Any] = dict(keys)
    fields.update(dict.fromkeys(measures, (int | None, ...)))
    fields.update(
        {
            figure: (int | None, ...) if figure in _INTEGER_FIGURES else (float | None, ...)
            for figure in figures
        }
    )
    return create_model(name, __base__=StrictBody, __doc__=doc, **fields)


def _change_model(name: str, doc: str, names: Sequence[str]) -> type[BaseModel]:
    fields: dict[str, Any] = dict.fromkeys(names, (float | None, ...))
    return create_model(name, __base__=StrictBody, __doc__=doc, **fields)


_PLAYER_FIGURES = _figure_names(compute_player_figures)
_TEAM_FIGURES = _figure_names(compute_team_figures)


class PlayerName(StrictBody):
    name: str
    first_seen: AwareDatetime
    last_seen: AwareDatetime


class PlayerHead(StrictBody):
    player_id: str = Field(description="The stable id (puuid, steamid): use it in URLs.")
    name: str = Field(description="The name of the player's latest match.")
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    names: list[PlayerName] = Field(description="Every name the player went by, latest first.")


class PeriodSpan(StrictBody):
    first_day: date
    last_day: date = Field(description="Included.")
    start: AwareDatetime = Field(description="The first instant of first_day in the timezone.")
    end: AwareDatetime = Field(description="The first instant after last_day (excluded).")


class PeriodView(StrictBody):
    kind: Literal["today", "week", "month", "all", "range"]
    timezone: str = Field(description="The deployment's timezone (SCORELINE_TIMEZONE).")
    current: PeriodSpan | None = Field(description="None for all time.")
    previous: PeriodSpan | None = Field(
        description="The period before, of the same kind and length; None for all time."
    )


class PlayerFiltersView(StrictBody):
    game: str | None
    map: str | None
    agent: str | None
    side: Literal["attack", "defense"] | None


PlayerLine = _line_model(
    "PlayerLine",
    "A player's sums and figures over the selected matches (or rounds, with a side filter).",
    {},
    PLAYER_LINE_MEASURES,
    _PLAYER_FIGURES,
)
PlayerChange = _change_model(
    "PlayerChange",
    "The % change of each sum and figure from the period before (None: no base).",
    (*PLAYER_LINE_MEASURES, *_PLAYER_FIGURES),
)
MapLine = _line_model(
    "PlayerMapLine", "A player's line on one map.", {"map_name": (str, ...)},
    PLAYER_LINE_MEASURES, _PLAYER_FIGURES,
)  # fmt: skip
AgentLine = _line_model(
    "PlayerAgentLine", "A player's line on one agent ('' when the source names none).",
    {"agent": (str, ...)}, PLAYER_LINE_MEASURES, _PLAYER_FIGURES,
)  # fmt: skip
SideLine = _line_model(
    "PlayerSideLine", "A player's rounds on one side.",
    {"side": (Literal["attack", "defense"], ...)}, PLAYER_SIDE_MEASURES, _PLAYER_FIGURES,
)  # fmt: skip
EconomyLine = _line_model(
    "PlayerEconomyLine", "A player's rounds of one buy type.", {"buy_type": (str, ...)},
    PLAYER_ECONOMY_MEASURES, _figure_names(compute_economy_figures),
)  # fmt: skip
ClutchLine = _line_model(
    "PlayerClutchLine", "A player's counted 1vX attempts for one X.", {"opponents": (int, ...)},
    CLUTCH_MEASURES, _figure_names(compute_clutch_figures),
)  # fmt: skip
WeaponLine = _line_model(
    "PlayerWeaponLine", "A player's kills, damage and hits with one weapon.",
    {"weapon": (str, ...)}, WEAPON_MEASURES, _figure_names(compute_weapon_figures),
)  # fmt: skip
# Any: the line models are built at run time, which mypy cannot follow into a union.
_OPTIONAL_WEAPON_LINES: Any = list[WeaponLine] | None  # type: ignore[valid-type]
PlayerSplits = create_model(
    "PlayerSplits",
    __base__=StrictBody,
    __doc__="The selected matches split by one key each, the most played first.",
    maps=(list[MapLine], ...),  # type: ignore[valid-type]
    agents=(list[AgentLine], ...),  # type: ignore[valid-type]
    sides=(list[SideLine], ...),  # type: ignore[valid-type]
    economy=(list[EconomyLine], ...),  # type: ignore[valid-type]
    clutches=(list[ClutchLine], ...),  # type: ignore[valid-type]
    weapons=(
        _OPTIONAL_WEAPON_LINES,
        Field(description="None with a side filter: weapon lines are per match, not per side."),
    ),
)
TrendPoint = _line_model(
    "PlayerTrendPoint",
    "One bucket of the trend (empty buckets hold zeros).",
    {"start": (AwareDatetime, ...), "end": (AwareDatetime, ...)},
    TREND_MEASURES,
    TREND_FIGURES,
)


class Trend(StrictBody):
    granularity: GranularityName
    source: str = Field(description="The table the points are summed from.")
    points: list[TrendPoint]  # type: ignore[valid-type]


RecentMatch = _line_model(
    "PlayerRecentMatch",
    "One of the player's newest matches under the filters (side: that side's rounds).",
    {
        "match_pk": (int, ...),
        "match_id": (str, ...),
        "game": (str, ...),
        "map_name": (str, ...),
        "agent": (str | None, ...),
        "team_id": (str, ...),
        "won": (bool | None, ...),
        "team_rounds_won": (int | None, ...),
        "team_rounds_lost": (int | None, ...),
        "started_at": (AwareDatetime, ...),
    },
    TREND_MEASURES,
    TREND_FIGURES,
)


class PlayerProfile(StrictBody):
    """A player's page: every number under the same period and filters."""

    player: PlayerHead
    filters: PlayerFiltersView
    period: PeriodView
    source: str = Field(description="The table the totals are summed from.")
    totals: PlayerLine  # type: ignore[valid-type]
    previous: PlayerLine | None  # type: ignore[valid-type]
    change: PlayerChange | None  # type: ignore[valid-type]
    splits: PlayerSplits  # type: ignore[valid-type]
    trend: Trend
    recent_matches: list[RecentMatch]  # type: ignore[valid-type]


class PlayerSearchItem(StrictBody):
    player_id: str
    name: str = Field(description="The current name.")
    matched_name: str = Field(description="A name (current or past) that matched the search.")
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    matches: int = Field(description="Computed matches of the player.")


class PlayerSearch(StrictBody):
    items: list[PlayerSearchItem]


# --- teams ------------------------------------------------------------------------------------

TeamLine = _line_model(
    "TeamLine", "A team's sums and figures over the selected matches.", {},
    TEAM_MEASURES, _TEAM_FIGURES,
)  # fmt: skip
TeamChange = _change_model(
    "TeamChange",
    "The % change of each sum and figure from the period before (None: no base).",
    (*TEAM_MEASURES, *_TEAM_FIGURES),
)
TeamMapLine = _line_model(
    "TeamMapLine", "A team's line on one map.", {"map_name": (str, ...)},
    TEAM_MEASURES, _TEAM_FIGURES,
)  # fmt: skip
TeamOutcomeLine = _line_model(
    "TeamOutcomeLine", "A team's won, lost or drawn matches.",
    {"outcome": (Literal["win", "loss", "draw"], ...)}, TEAM_MEASURES, _TEAM_FIGURES,
)  # fmt: skip
TeamAgentLine = _line_model(
    "TeamAgentLine", "A team's players on one agent: picks are player-matches.",
    {"agent": (str, ...)}, TEAM_AGENT_MEASURES, _figure_names(compute_team_agent_figures),
)  # fmt: skip
CompositionLine = _line_model(
    "TeamCompositionLine", "A team's matches with one set of agents.",
    {"composition": (str, ...), "agents": (list[str], ...)},
    COMPOSITION_MEASURES, _figure_names(compute_composition_figures),
)  # fmt: skip
TeamSplits = create_model(
    "TeamSplits",
    __base__=StrictBody,
    maps=(list[TeamMapLine], ...),  # type: ignore[valid-type]
    outcomes=(list[TeamOutcomeLine], ...),  # type: ignore[valid-type]
    agents=(list[TeamAgentLine], ...),  # type: ignore[valid-type]
    compositions=(list[CompositionLine], ...),  # type: ignore[valid-type]
)
TeamTrendPoint = _line_model(
    "TeamTrendPoint", "One bucket of the team's trend (empty buckets hold zeros).",
    {"start": (AwareDatetime, ...), "end": (AwareDatetime, ...)},
    TEAM_TREND_MEASURES, TEAM_TREND_FIGURES,
)  # fmt: skip
TeamRecentMatch = _line_model(
    "TeamRecentMatch", "One of the team's newest matches under the filters.",
    {
        "match_pk": (int, ...), "match_id": (str, ...), "game": (str, ...),
        "map_name": (str, ...), "started_at": (AwareDatetime, ...), "won": (bool, ...),
        "rounds_lost": (int, ...),
    },
    TEAM_TREND_MEASURES, TEAM_TREND_FIGURES,
)  # fmt: skip


class TeamHead(StrictBody):
    team_id: str


class TeamFiltersView(StrictBody):
    game: str | None
    map: str | None


class TeamTrend(StrictBody):
    granularity: GranularityName
    source: str
    points: list[TeamTrendPoint]  # type: ignore[valid-type]


class TeamProfile(StrictBody):
    """A team's page: every number under the same period and filters."""

    team: TeamHead
    filters: TeamFiltersView
    period: PeriodView
    source: str
    totals: TeamLine  # type: ignore[valid-type]
    previous: TeamLine | None  # type: ignore[valid-type]
    change: TeamChange | None  # type: ignore[valid-type]
    splits: TeamSplits  # type: ignore[valid-type]
    trend: TeamTrend
    recent_matches: list[TeamRecentMatch]  # type: ignore[valid-type]


# --- leaderboards and activity ----------------------------------------------------------------


class LeaderboardItem(StrictBody):
    rank: int = Field(description="Position from 1, ties broken by matches then player id.")
    player_id: str
    name: str
    value: float
    matches: int
    rounds_played: int
    badge: Literal["gold", "silver", "bronze"] | None


class LeaderboardFiltersView(StrictBody):
    game: str | None
    map: str | None
    agent: str | None


class Leaderboard(StrictBody):
    metric: str
    description: str
    kind: Literal["rate", "count"]
    min_matches: int
    source: str
    total: int = Field(description="Players ranked (before limit and offset).")
    period: PeriodView
    filters: LeaderboardFiltersView
    items: list[LeaderboardItem]


class ActivityItem(StrictBody):
    start: AwareDatetime
    end: AwareDatetime
    matches: int
    rounds: int


class ActivityFiltersView(StrictBody):
    game: str | None
    map: str | None


class Activity(StrictBody):
    granularity: GranularityName
    period: PeriodView
    filters: ActivityFiltersView
    matches: int
    rounds: int
    items: list[ActivityItem]
