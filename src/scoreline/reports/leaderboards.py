"""Player leaderboards by metric over a period, and a player's percentile in them.

Ranking: players with at least ``min_matches`` matches in the period (and filters) whose
value is defined, by value (highest first), then by matches (more first), then by player
id: the order is total and the same on every backend and every call. Ranks are positions
in that order (1, 2, 3, ... with no shared ranks), so exactly three players get a badge.
Values are exact ratios of integer sums (scoreline.rollups.derived), so equal values are
real ties; the value shown is rounded to two decimals.

Sources: rollup_player_day; rollup_player_map_day with a map; rollup_player_agent_day with
an agent; match_player_stats joined to matches with both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from scoreline.domain.errors import ScorelineError
from scoreline.reports.facts import (
    PLAYER_MATCHES,
    ROLLUP_PLAYER,
    ROLLUP_PLAYER_AGENT,
    ROLLUP_PLAYER_MAP,
    FactSource,
    sum_facts,
)
from scoreline.reports.filters import KeyFilters, ReportFilterError
from scoreline.reports.lines import round_figure
from scoreline.reports.period_view import describe_period
from scoreline.rollups.derived import (
    compute_acs,
    compute_adr,
    compute_clutch_win_pct,
    compute_hs_pct_hits,
    compute_hs_pct_kills,
    compute_kast,
    compute_kd,
    compute_kda,
    compute_opening_win_pct,
    compute_per_round,
    compute_rating_average,
    compute_survival_pct,
    compute_win_pct,
)
from scoreline.rollups.periods import DaySpan, Period
from scoreline.store.schema import players

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
BADGES = ("gold", "silver", "bronze")


class MetricKind(StrEnum):
    RATE = "rate"  # a ratio: meaningless over few matches, so 5 matches by default
    COUNT = "count"  # a total: every match counts


DEFAULT_MIN_MATCHES = {MetricKind.RATE: 5, MetricKind.COUNT: 1}


class UnknownMetricError(ScorelineError):
    """A leaderboard metric scoreline does not rank by; lists the known ones."""

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self.reason = f"unknown metric {metric!r}: expected one of {', '.join(METRICS)}"
        super().__init__(self.reason)


def _total(*counts: int) -> int:
    return sum(counts)


@dataclass(frozen=True, slots=True)
class Metric:
    """A leaderboard: its value is ``compute`` of the player's summed ``inputs``."""

    name: str
    description: str
    kind: MetricKind
    inputs: tuple[str, ...]
    compute: Callable[..., float | int | None]

    def value(self, sums: dict[str, int]) -> float | int | None:
        return self.compute(*(sums[name] for name in self.inputs))


_METRIC_LIST = (
    Metric("acs", "Average combat score", MetricKind.RATE, ("score", "rounds_played"), compute_acs),
    Metric("kast", "KAST %", MetricKind.RATE, ("kast_rounds", "rounds_played"), compute_kast),
    Metric("adr", "Average damage per round", MetricKind.RATE, ("damage", "rounds_played"),
           compute_adr),
    Metric("kd", "Kills per death", MetricKind.RATE, ("kills", "deaths", "rounds_played"),
           compute_kd),
    Metric("kda", "(Kills + assists) per death", MetricKind.RATE,
           ("kills", "assists", "deaths", "rounds_played"), compute_kda),
    Metric("kpr", "Kills per round", MetricKind.RATE, ("kills", "rounds_played"),
           compute_per_round),
    Metric("hs", "Headshot % of hits", MetricKind.RATE, ("headshots", "bodyshots", "legshots"),
           compute_hs_pct_hits),
    Metric("hs_kills", "Headshot % of kills (sources that flag headshots)", MetricKind.RATE,
           ("headshot_kills", "hs_known_kills"), compute_hs_pct_kills),
    Metric("fk", "First kills", MetricKind.COUNT, ("first_kills",), _total),
    Metric("fk_rate", "First kills per round", MetricKind.RATE, ("first_kills", "rounds_played"),
           compute_per_round),
    Metric("opening", "Opening duel win %", MetricKind.RATE, ("first_kills", "first_deaths"),
           compute_opening_win_pct),
    Metric("clutches", "Clutches won", MetricKind.COUNT, ("clutch_wins",), _total),
    Metric("clutch_rate", "Clutch win %", MetricKind.RATE, ("clutch_wins", "clutch_attempts"),
           compute_clutch_win_pct),
    Metric("rating", "Rating 1.0 (mean per match)", MetricKind.RATE,
           ("rating_v1_milli", "rating_v1_matches"), compute_rating_average),
    Metric("rating2", "Rating 2.0 approximation (mean per match)", MetricKind.RATE,
           ("rating2_milli", "rating2_matches"), compute_rating_average),
    Metric("survival", "Survival %", MetricKind.RATE, ("survived_rounds", "rounds_played"),
           compute_survival_pct),
    Metric("win_rate", "Match win %", MetricKind.RATE, ("wins", "matches"), compute_win_pct),
    Metric("kills", "Kills", MetricKind.COUNT, ("kills",), _total),
    Metric("assists", "Assists", MetricKind.COUNT, ("assists",), _total),
    Metric("damage", "Damage dealt", MetricKind.COUNT, ("damage",), _total),
    Metric("score", "Combat score", MetricKind.COUNT, ("score",), _total),
    Metric("wins", "Matches won", MetricKind.COUNT, ("wins",), _total),
    Metric("matches", "Matches played", MetricKind.COUNT, ("matches",), _total),
    Metric("multikills", "Rounds with 2 or more kills", MetricKind.COUNT,
           ("multikill_2", "multikill_3", "multikill_4", "multikill_5", "multikill_6"), _total),
    Metric("aces", "Rounds with 5 or more kills", MetricKind.COUNT,
           ("multikill_5", "multikill_6"), _total),
    Metric("trade_kills", "Trade kills", MetricKind.COUNT, ("trade_kills",), _total),
    Metric("plants", "Spike plants", MetricKind.COUNT, ("plants",), _total),
    Metric("defuses", "Spike defuses", MetricKind.COUNT, ("defuses",), _total),
)  # fmt: skip
METRICS: dict[str, Metric] = {metric.name: metric for metric in _METRIC_LIST}

_SOURCES = (ROLLUP_PLAYER, ROLLUP_PLAYER_MAP, ROLLUP_PLAYER_AGENT, PLAYER_MATCHES)


def find_metric(name: str) -> Metric:
    """The metric called ``name``; UnknownMetricError listing the known ones otherwise."""
    metric = METRICS.get(name)
    if metric is None:
        raise UnknownMetricError(name)
    return metric


@dataclass(frozen=True, slots=True)
class LeaderboardFilters(KeyFilters):
    """What a leaderboard keeps; None keeps everything (map and agent matched exactly)."""

    game: str | None = None
    map_name: str | None = None
    agent: str | None = None


@dataclass(frozen=True, slots=True)
class Ranked:
    """One player's place: rank (from 1), value (exact) and the sums behind it."""

    rank: int
    player_id: str
    value: float | int
    matches: int
    rounds_played: int


def _choose(filters: LeaderboardFilters) -> FactSource:
    needed = ("player_id", *filters.dims())
    return next(source for source in _SOURCES if source.supports(needed))


def rank_players(
    conn: Connection,
    metric: Metric,
    *,
    span: DaySpan | None,
    filters: LeaderboardFilters,
    min_matches: int,
) -> tuple[FactSource, list[Ranked]]:
    """Every ranked player in order (see the module docstring), and the source read."""
    source, rows = _sum_by_player(conn, metric.inputs, span, filters, min_matches)
    return source, _rank(metric, rows, min_matches)


def _sum_by_player(
    conn: Connection,
    inputs: Iterable[str],
    span: DaySpan | None,
    filters: LeaderboardFilters,
    min_matches: int,
) -> tuple[FactSource, list[dict[str, Any]]]:
    if min_matches < 1:
        raise ReportFilterError("min_matches", "must be at least 1")
    source = _choose(filters)
    measures = tuple(dict.fromkeys(("matches", "rounds_played", *inputs)))
    rows = sum_facts(
        conn,
        source,
        equal=filters.dims(),
        span=span,
        group_by=("player_id",),
        measures=measures,
        at_least=("matches", min_matches),
    )
    return source, rows


def _rank(metric: Metric, rows: Iterable[dict[str, Any]], min_matches: int) -> list[Ranked]:
    valued = []
    for row in rows:
        if row["matches"] < min_matches:
            continue
        value = metric.value(row)
        if value is not None:
            valued.append((value, row["matches"], row["player_id"], row["rounds_played"]))
    valued.sort(key=lambda entry: (-entry[0], -entry[1], entry[2]))
    return [
        Ranked(position, player_id, value, matches, rounds)
        for position, (value, matches, player_id, rounds) in enumerate(valued, start=1)
    ]


def load_leaderboard(
    conn: Connection,
    metric_name: str,
    *,
    period: Period,
    zone: ZoneInfo,
    filters: LeaderboardFilters = LeaderboardFilters(),
    min_matches: int | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of the ``metric_name`` leaderboard: ``limit`` players from ``offset``, with
    the metric's description, the minimum applied and how many players are ranked."""
    metric = find_metric(metric_name)
    minimum = DEFAULT_MIN_MATCHES[metric.kind] if min_matches is None else min_matches
    source, ranked = rank_players(
        conn, metric, span=period.span, filters=filters, min_matches=minimum
    )
    page = ranked[offset : offset + limit]
    names = _names(conn, (entry.player_id for entry in page))
    return {
        "metric": metric.name,
        "description": metric.description,
        "kind": metric.kind.value,
        "min_matches": minimum,
        "source": source.name,
        "total": len(ranked),
        "period": describe_period(period, zone),
        "filters": filters.view(),
        "items": [
            {
                "rank": entry.rank,
                "player_id": entry.player_id,
                "name": names.get(entry.player_id, ""),
                "value": round_figure(entry.value),
                "matches": entry.matches,
                "rounds_played": entry.rounds_played,
                "badge": BADGES[entry.rank - 1] if entry.rank <= len(BADGES) else None,
            }
            for entry in page
        ],
    }


def compute_percentiles(
    conn: Connection,
    player_id: str,
    metric_names: Sequence[str],
    *,
    span: DaySpan | None,
    filters: LeaderboardFilters = LeaderboardFilters(),
    min_matches: int | None = None,
) -> dict[str, float | None]:
    """Where the player stands in each metric's ranked population (the leaderboard with the
    same period, filters and minimum), as compute_mid_rank_percentile of their value. None
    when the player is not ranked (too few matches, or no value). One query, whatever the
    number of metrics. UnknownMetricError for a name not in METRICS."""
    metrics = [find_metric(name) for name in metric_names]
    minimums = {
        metric.name: DEFAULT_MIN_MATCHES[metric.kind] if min_matches is None else min_matches
        for metric in metrics
    }
    inputs = [name for metric in metrics for name in metric.inputs]
    _, rows = _sum_by_player(conn, inputs, span, filters, min(minimums.values(), default=1))
    percentiles: dict[str, float | None] = {}
    for metric in metrics:
        ranked = _rank(metric, rows, minimums[metric.name])
        mine = next((entry for entry in ranked if entry.player_id == player_id), None)
        if mine is None:
            percentiles[metric.name] = None
            continue
        population = [entry.value for entry in ranked]
        percentiles[metric.name] = round(compute_mid_rank_percentile(mine.value, population), 2)
    return percentiles


def compute_mid_rank_percentile(value: float, population: Sequence[float]) -> float:
    """The mid-rank percentile of ``value`` in ``population`` (which holds it): 100 x (the
    share of values below it + half the share equal to it, itself included).

    Ties count half, so a value many share sits mid-way through them: a 0 % clutch rate
    that most players share is a low percentile, not the high one that counting every
    value at most it would give. No value reaches 0 or 100 (a population of one is at 50).
    """
    below = sum(1 for other in population if other < value)
    equal = sum(1 for other in population if other == value)
    return 100 * (below + equal / 2) / len(population)


def _names(conn: Connection, player_ids: Iterable[str]) -> dict[str, str]:
    wanted = list(player_ids)
    if not wanted:
        return {}
    rows = conn.execute(
        select(players.c.player_id, players.c.name).where(players.c.player_id.in_(wanted))
    )
    return {row.player_id: row.name for row in rows}
