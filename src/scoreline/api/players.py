"""The player, team, leaderboard and activity read endpoints.

Periods are calendar periods in the deployment's timezone (SCORELINE_TIMEZONE): ``period``
is today, week, month or all, or ``from``/``to`` give days (both included). Every number of
an answer honours every filter (scoreline.reports.players says which table serves which
filter). JSON answers are cached per URL until stored results change, with an ETag; the
lists (player search, leaderboards, activity) also answer CSV.

A cached answer is found without a query: each process remembers the results version
(scoreline.reports.facts.find_results_version), and the days each URL's period covers, for
RESULTS_VERSION_TTL_SECONDS, so a new, recomputed or deleted match, or a new day for
``period=today``, shows (with a new ETag) up to that long late.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from scoreline.api.deps import get_now, get_settings
from scoreline.api.errors import error_responses
from scoreline.api.expiring_memo import ExpiringMemo
from scoreline.api.player_schemas import (
    Activity,
    Leaderboard,
    PlayerProfile,
    PlayerSearch,
    TeamProfile,
)
from scoreline.api.read_requests import (
    answer_cached_read,
    answering_from_memory_first,
    invalid_parameter,
    read_snapshot,
    report_errors_as_422,
)
from scoreline.api.responses import (
    CSV_RESPONSE_DOC,
    FormatQuery,
    cached_json,
    request_target,
    rows_response,
    wants_csv,
)
from scoreline.domain.rounds import Game
from scoreline.reports.activity import ACTIVITY_COLUMNS, ActivityFilters, load_activity
from scoreline.reports.facts import find_results_version
from scoreline.reports.leaderboards import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    METRICS,
    LeaderboardFilters,
    UnknownMetricError,
    load_leaderboard,
)
from scoreline.reports.players import (
    DEFAULT_RECENT_MATCHES,
    DEFAULT_SEARCH_LIMIT,
    MAX_RECENT_MATCHES,
    MAX_SEARCH_LIMIT,
    PlayerFilters,
    PlayerNotFoundError,
    load_player_profile,
    search_players,
)
from scoreline.reports.teams import TeamFilters, TeamNotFoundError, load_team_profile
from scoreline.rollups.periods import Granularity, Period, resolve_period

# The fast path, as scoreline.api.matches has it for a match head: the results version is
# remembered per process for this long (one query per expiry, however many requests wait),
# and so is each URL's scope (what else its version holds), so a request whose (URL,
# version) body is cached is answered on the event loop, with no thread and no query, and
# before its parameters are read (scoreline.api.read_requests.answering_from_memory_first).
# Measured with bench/api.py (10,000 matches, 2 workers, 64 connections, other load on the
# machine): before, every request scanned `matches` for the version (~2 ms) behind three
# threadpool hops, and a cached ACS leaderboard answered ~300 requests/s at p99 350-590 ms;
# after, 7.2-8.0k/s at p99 21 ms on SQLite (two runs), 9.2k/s at p99 17 ms on PostgreSQL.
RESULTS_VERSION_TTL_SECONDS = 1.0
# URLs whose scope is remembered: as many as the response cache holds bodies.
URL_SCOPES_REMEMBERED = 4096
_RESULTS = "results"


def _results_versions_of(request: Request) -> ExpiringMemo[str, str]:
    memo: ExpiringMemo[str, str] | None = getattr(request.app.state, "results_versions", None)
    if memo is None:
        memo = request.app.state.results_versions = ExpiringMemo(RESULTS_VERSION_TTL_SECONDS, 1)
    return memo


def _url_scopes_of(request: Request) -> ExpiringMemo[str, str]:
    memo: ExpiringMemo[str, str] | None = getattr(request.app.state, "report_url_scopes", None)
    if memo is None:
        memo = request.app.state.report_url_scopes = ExpiringMemo(
            RESULTS_VERSION_TTL_SECONDS, URL_SCOPES_REMEMBERED
        )
    return memo


def _remembered_version(request: Request) -> str | None:
    """The version a request's report is cached under, if both parts are remembered."""
    results = _results_versions_of(request).get(_RESULTS)
    if results is None:
        return None
    scope = _url_scopes_of(request).get(request_target(request))
    return None if scope is None else f"{results}:{scope}"


router = APIRouter(
    prefix="/api/v1",
    tags=["players"],
    route_class=answering_from_memory_first(_remembered_version),
)

PeriodQuery = Annotated[
    str | None,
    Query(
        description=(
            "today, week (ISO, Monday to Sunday), month (calendar), all (the default), or "
            "FROM..TO as YYYY-MM-DD..YYYY-MM-DD (both days included). The period before, of "
            "the same kind and length, is compared with it."
        ),
        max_length=40,
    ),
]
FromQuery = Annotated[
    date | None, Query(alias="from", description="First day (YYYY-MM-DD), instead of period.")
]
ToQuery = Annotated[
    date | None, Query(alias="to", description="Last day, included (default: today).")
]
GameQuery = Annotated[Game | None, Query(description="Only matches of this game.")]
MapQuery = Annotated[
    str | None,
    Query(alias="map", description="Only matches on this map (as stored).", max_length=200),
]
AgentQuery = Annotated[
    str | None, Query(description="Only matches on this agent (as stored).", max_length=200)
]
GranularityQuery = Annotated[
    Granularity, Query(description="The trend's buckets: hour, day or week.")
]
RecentQuery = Annotated[
    int, Query(ge=0, le=MAX_RECENT_MATCHES, description="How many of the newest matches.")
]

SEARCH_COLUMNS = ("player_id", "name", "matched_name", "first_seen", "last_seen", "matches")
LEADERBOARD_COLUMNS = ("rank", "player_id", "name", "value", "matches", "rounds_played", "badge")
# Report fields as the query parameters name them, where the two differ.
_PARAMETERS = {"map_name": "map"}


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    # Settings validated the name at startup: an unknown zone is a server setting, not a
    # request's error.
    return ZoneInfo(name)


def _period(
    period: str | None, from_day: date | None, to_day: date | None, zone: ZoneInfo, now: datetime
) -> Period:
    with report_errors_as_422(_PARAMETERS):
        return resolve_period(period, from_day=from_day, to_day=to_day, zone=zone, now=now)


# A report's body from a read connection (report errors raised as they are).
BuildReport = Callable[[Connection], dict[str, Any]]
# A list's rows for its CSV answer.
LoadRows = Callable[[Connection], Sequence[Mapping[str, Any]]]


def _period_scope(period: Period, zone: ZoneInfo) -> str:
    """What besides stored results and its URL a dated report depends on: the zone and the
    period's days ("today" names another day after midnight, ``from`` alone runs to today,
    and the period before follows them)."""
    if period.span is None:
        return f"{zone.key}:all"
    return f"{zone.key}:{period.span.first_day}:{period.span.end_day}"


async def _answer(request: Request, scope: str, build: BuildReport) -> Response:
    """The JSON answer, cached under the results version and ``scope`` until stored results
    change: from memory when cached, else built in the threadpool. Report errors become
    422 / 404."""
    results = await _results_versions_of(request).get_or_load(
        _RESULTS, lambda: _read_results_version(request)
    )
    _url_scopes_of(request).put(request_target(request), scope)
    return await answer_cached_read(
        request, f"{results}:{scope}", lambda: _answer_from_store(request, scope, build)
    )


def _read_results_version(request: Request) -> str:
    with read_snapshot(request) as conn:
        return find_results_version(conn)


def _answer_from_store(request: Request, scope: str, build: BuildReport) -> Response:
    # The version is read again in the body's snapshot, so the body is cached under the
    # version of the results it was built from.
    with read_snapshot(request) as conn:
        results = find_results_version(conn)
        _results_versions_of(request).put(_RESULTS, results)
        try:
            with report_errors_as_422(_PARAMETERS):
                return cached_json(request, version=f"{results}:{scope}", build=lambda: build(conn))
        except (PlayerNotFoundError, TeamNotFoundError) as error:
            raise HTTPException(404, str(error)) from None


async def _answer_csv(request: Request, load_rows: LoadRows, columns: Sequence[str]) -> Response:
    """A list's CSV answer, built from the store in the threadpool (never cached)."""

    def answer_from_store() -> Response:
        with read_snapshot(request) as conn, report_errors_as_422(_PARAMETERS):
            return rows_response(request, load_rows(conn), columns=columns)

    return await run_in_threadpool(answer_from_store)


def _zone_of(request: Request) -> ZoneInfo:
    return _zone(get_settings(request).timezone)


@router.get("/players", response_model=PlayerSearch, responses=CSV_RESPONSE_DOC)
async def get_players(
    request: Request,
    search: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Part of a name (any case, current or past) or a player id.",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_LIMIT)] = DEFAULT_SEARCH_LIMIT,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by wants_csv)
) -> Response:
    """Players by name or id: exact matches, then names starting with the search, then the
    rest, the most recently seen first."""

    def load_rows(conn: Connection) -> list[dict[str, Any]]:
        return search_players(conn, search, limit=limit)

    if wants_csv(request):
        return await _answer_csv(request, load_rows, SEARCH_COLUMNS)
    return await _answer(request, "search", lambda conn: {"items": load_rows(conn)})


@router.get("/players/{player_id}", response_model=PlayerProfile, responses=error_responses(404))
async def get_player(
    player_id: Annotated[str, Path(description="The player's stable id.", max_length=200)],
    request: Request,
    period: PeriodQuery = None,
    from_day: FromQuery = None,
    to_day: ToQuery = None,
    game: GameQuery = None,
    map_name: MapQuery = None,
    agent: AgentQuery = None,
    side: Annotated[
        Literal["attack", "defense"] | None, Query(description="Only rounds on this side.")
    ] = None,
    granularity: GranularityQuery = Granularity.DAY,
    recent: RecentQuery = DEFAULT_RECENT_MATCHES,
) -> Response:
    """A player's figures for the period with the period before and the % change, splits by
    map, agent, side, buy type, 1vX and weapon, the trend and the newest matches: every
    number under every filter."""
    zone = _zone_of(request)
    resolved = _period(period, from_day, to_day, zone, get_now(request))
    with report_errors_as_422(_PARAMETERS):
        filters = PlayerFilters(
            game=None if game is None else game.value, map_name=map_name, agent=agent, side=side
        )

    def build(conn: Connection) -> dict[str, Any]:
        return load_player_profile(
            conn,
            player_id,
            period=resolved,
            zone=zone,
            filters=filters,
            granularity=granularity,
            recent=recent,
        )

    return await _answer(request, _period_scope(resolved, zone), build)


@router.get("/teams/{team_id}", response_model=TeamProfile, responses=error_responses(404))
async def get_team(
    team_id: Annotated[
        str, Path(description="The team's id as the matches name it.", max_length=200)
    ],
    request: Request,
    period: PeriodQuery = None,
    from_day: FromQuery = None,
    to_day: ToQuery = None,
    game: GameQuery = None,
    map_name: MapQuery = None,
    granularity: GranularityQuery = Granularity.DAY,
    recent: RecentQuery = DEFAULT_RECENT_MATCHES,
) -> Response:
    """A team's figures for the period with the period before and the % change, splits by
    map, outcome, agent and composition, the trend and the newest matches."""
    zone = _zone_of(request)
    resolved = _period(period, from_day, to_day, zone, get_now(request))
    with report_errors_as_422(_PARAMETERS):
        filters = TeamFilters(game=None if game is None else game.value, map_name=map_name)

    def build(conn: Connection) -> dict[str, Any]:
        return load_team_profile(
            conn,
            team_id,
            period=resolved,
            zone=zone,
            filters=filters,
            granularity=granularity,
            recent=recent,
        )

    return await _answer(request, _period_scope(resolved, zone), build)


@router.get(
    "/leaderboards/{metric}",
    response_model=Leaderboard,
    responses={**CSV_RESPONSE_DOC, **error_responses(422)},
)
async def get_leaderboard(
    metric: Annotated[str, Path(description="One of: " + ", ".join(METRICS) + ".")],
    request: Request,
    period: PeriodQuery = None,
    from_day: FromQuery = None,
    to_day: ToQuery = None,
    game: GameQuery = None,
    map_name: MapQuery = None,
    agent: AgentQuery = None,
    min_matches: Annotated[
        int | None,
        Query(
            ge=1, le=1_000_000, description="Matches a player needs (5 for rates, 1 for counts)."
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by wants_csv)
) -> Response:
    """Players ranked by a metric over the period: by value, then matches (more first), then
    player id; the top three get gold, silver and bronze."""
    if metric not in METRICS:
        raise invalid_parameter("metric", str(UnknownMetricError(metric)), location="path")
    zone = _zone_of(request)
    resolved = _period(period, from_day, to_day, zone, get_now(request))
    with report_errors_as_422(_PARAMETERS):
        filters = LeaderboardFilters(
            game=None if game is None else game.value, map_name=map_name, agent=agent
        )

    def build(conn: Connection) -> dict[str, Any]:
        return load_leaderboard(
            conn,
            metric,
            period=resolved,
            zone=zone,
            filters=filters,
            min_matches=min_matches,
            limit=limit,
            offset=offset,
        )

    if wants_csv(request):
        return await _answer_csv(request, lambda conn: build(conn)["items"], LEADERBOARD_COLUMNS)
    return await _answer(request, _period_scope(resolved, zone), build)


@router.get("/activity", response_model=Activity, responses=CSV_RESPONSE_DOC)
async def get_activity(
    request: Request,
    granularity: Annotated[
        Granularity, Query(description="Buckets of hour, day or week.")
    ] = Granularity.DAY,
    period: PeriodQuery = None,
    from_day: FromQuery = None,
    to_day: ToQuery = None,
    game: GameQuery = None,
    map_name: MapQuery = None,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by wants_csv)
) -> Response:
    """Matches and rounds played per hour, day or week of the period (every stored match,
    by its start in the deployment's timezone; empty buckets at 0)."""
    zone = _zone_of(request)
    resolved = _period(period, from_day, to_day, zone, get_now(request))
    with report_errors_as_422(_PARAMETERS):
        filters = ActivityFilters(game=None if game is None else game.value, map_name=map_name)

    def build(conn: Connection) -> dict[str, Any]:
        return load_activity(
            conn, period=resolved, zone=zone, granularity=granularity, filters=filters
        )

    if wants_csv(request):
        return await _answer_csv(request, lambda conn: build(conn)["items"], ACTIVITY_COLUMNS)
    return await _answer(request, _period_scope(resolved, zone), build)
