"""The player page (figures, radar, trend, splits, recent matches) and the player search."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scoreline.api.deps import get_now
from scoreline.api.read_requests import ReadConnection
from scoreline.dashboard.charts import build_radar, build_trend_lines
from scoreline.dashboard.forms import (
    GAME_CHOICES,
    GRANULARITY_CHOICES,
    PERIOD_CHOICES,
    FormReader,
    build_filters,
    load_with_trend,
    query_of,
    read_report_form,
    read_trend_form,
)
from scoreline.dashboard.rendering import deployment_zone, render_not_found, render_page
from scoreline.dashboard.tables import (
    Cell,
    agent_name,
    build_comparison_table,
    build_table,
    match_map_cell,
    player_path,
    result_cell,
    time_cell,
)
from scoreline.reports.filters import ReportFilterError
from scoreline.reports.leaderboards import LeaderboardFilters, compute_percentiles
from scoreline.reports.players import (
    SIDES,
    PlayerFilters,
    PlayerNotFoundError,
    load_player_profile,
    search_players,
)

router = APIRouter()

# The radar's axes: leaderboard metric -> label. The population is every player with a
# match in the same period, game, map and agent (the leaderboards' filters).
RADAR_METRICS = {
    "acs": "ACS",
    "kast": "KAST",
    "adr": "ADR",
    "hs": "HS %",
    "fk_rate": "FK rate",
    "clutch_rate": "Clutch rate",
}
RADAR_MIN_MATCHES = 1
# The figures that open the totals table; every other sum and figure follows.
HEADLINE_FIGURES = (
    "matches", "wins", "win_pct", "rounds_played", "acs", "kast", "adr", "kd", "kda",
    "plus_minus", "hs_pct_hits", "hs_pct_kills", "fk_per_round", "opening_win_pct",
    "clutch_win_pct", "rating_v1",
)  # fmt: skip
TREND_SERIES = {"acs": "ACS", "adr": "ADR", "kast": "KAST %"}
TREND_TABLE_KEYS = ("start", "matches", "wins", "rounds_played", "acs", "kast", "adr", "kd",
                    "hs_pct_hits", "win_pct")  # fmt: skip
RECENT_KEYS = ("started_at", "match", "agent", "result", "kills", "deaths", "assists", "acs",
               "adr", "kast", "kd", "hs_pct_hits")  # fmt: skip
LINE_FIGURES = ("acs", "adr", "kast", "kd", "hs_pct_hits", "fk_per_round", "clutch_win_pct")
SPLIT_KEYS: dict[str, tuple[str, ...]] = {
    "maps": ("map_name", "matches", "wins", "win_pct", "rounds_played", "kills", "deaths",
             *LINE_FIGURES),
    "agents": ("agent", "matches", "wins", "win_pct", "rounds_played", "kills", "deaths",
               *LINE_FIGURES),
    "sides": ("side", "rounds_played", "rounds_won", "round_win_pct", "kills", "deaths",
              "first_kills", "first_deaths", *LINE_FIGURES),
    "weapons": ("weapon", "matches", "kills", "headshot_kills", "deaths_by", "damage",
                "hs_pct_hits", "kills_per_match", "damage_per_kill"),
    "economy": ("buy_type", "rounds_played", "rounds_won", "round_win_pct", "acs", "adr", "kd",
                "avg_loadout", "avg_spent"),
    "clutches": ("opponents", "attempts", "wins", "win_pct", "kills", "survived"),
}  # fmt: skip
SPLIT_TITLES = {
    "maps": ("By map", "Each map, the most played first"),
    "agents": ("By agent", "Each agent, the most played first"),
    "sides": ("By side", "Rounds on attack and on defense"),
    "weapons": ("By weapon", "Kills, damage and hits with each weapon"),
    "economy": ("By buy type", "Rounds by the player's buy"),
    "clutches": ("Clutches by 1vX", "Counted 1vX attempts by the number of opponents"),
}


@router.get("/players", response_class=HTMLResponse)
def player_search_page(request: Request, conn: ReadConnection) -> HTMLResponse:
    """Players whose id, or a name they went by, matches ``search`` (GET /api/v1/players)."""
    form = FormReader(request.query_params)
    query = form.text("search")
    found: list[dict[str, Any]] = []
    if query is not None:
        try:
            found = search_players(conn, query)
        except ReportFilterError as error:
            form.problems.append(f"{error.field}: {error.reason}")
    table = build_table(
        [{**player, "player": player} for player in found],
        ("player", "matched_name", "matches", "last_seen"),
        renderers={"player": _player_cell, "last_seen": time_cell(deployment_zone(request))},
        labels={"matched_name": "Matched name", "last_seen": "Last seen"},
    )
    return render_page(
        request,
        "player_search.html",
        {"query": query, "players": table, "problems": form.problems},
    )


def _player_cell(player: Any) -> Cell:
    return Cell(player["name"], player["name"].lower(), href=player_path(player["player_id"]))


@router.get("/players/{player_id}", response_class=HTMLResponse)
def player_page(player_id: str, request: Request, conn: ReadConnection) -> HTMLResponse:
    """GET /api/v1/players/{id} as a page, with the same parameters, and the radar."""
    zone = deployment_zone(request)
    form = FormReader(request.query_params)
    period, chosen = read_report_form(form, zone=zone, now=get_now(request))
    chosen |= {
        "agent": form.text("agent") or "",
        "side": form.choice("side", (*SIDES, ""), ""),
        **read_trend_form(form),
    }
    filters = build_filters(
        form,
        PlayerFilters,
        game=chosen["game"],
        map_name=chosen["map"],
        agent=chosen["agent"],
        side=chosen["side"],
    )
    load = partial(load_player_profile, conn, player_id, period=period, zone=zone, filters=filters)
    try:
        profile = load_with_trend(form, chosen, load)
    except PlayerNotFoundError:
        return render_not_found(request, f"No player with id {player_id!r} is stored.")
    percentiles = (
        None
        if filters.side is not None
        else compute_percentiles(
            conn,
            player_id,
            list(RADAR_METRICS),
            span=period.span,
            filters=LeaderboardFilters(filters.game, filters.map_name, filters.agent),
            min_matches=RADAR_MIN_MATCHES,
        )
    )
    context = build_player_context(profile, percentiles, zone_cell=time_cell(zone))
    return render_page(
        request,
        "player.html",
        {
            **context,
            "form": chosen,
            "period_choices": PERIOD_CHOICES,
            "games": GAME_CHOICES,
            "sides": SIDES,
            "granularities": GRANULARITY_CHOICES,
            "agent_options": agent_options(profile),
            "map_options": [line["map_name"] for line in profile["splits"]["maps"] or ()],
            "problems": form.problems,
            "api_url": f"/api/v1/players/{quote(player_id, safe='')}?{query_of(chosen)}",
        },
    )


def build_player_context(
    profile: Mapping[str, Any],
    percentiles: Mapping[str, float | None] | None,
    *,
    zone_cell: Any,
) -> dict[str, Any]:
    """Everything player.html shows, from load_player_profile and compute_percentiles."""
    splits = profile["splits"]
    trend_points = profile["trend"]["points"]
    played = [point for point in trend_points if point["matches"] or point["rounds_played"]]
    return {
        "profile": profile,
        "player": profile["player"],
        "totals": build_comparison_table(profile, HEADLINE_FIGURES),
        "radar": (
            None
            if percentiles is None
            else build_radar(
                {RADAR_METRICS[name]: value for name, value in percentiles.items()},
                name=profile["player"]["name"],
            )
        ),
        "radar_table": (
            None
            if percentiles is None
            else build_table(
                [
                    {"metric": RADAR_METRICS[name], "percentile": value}
                    for name, value in percentiles.items()
                ],
                ("metric", "percentile"),
            )
        ),
        "trend": (build_trend_lines(trend_points, series=TREND_SERIES) if played else None),
        "trend_table": build_table(
            played, TREND_TABLE_KEYS, renderers={"start": zone_cell}, labels={"start": "From"}
        ),
        "splits": [
            {
                "name": name,
                "title": SPLIT_TITLES[name][0],
                "caption": SPLIT_TITLES[name][1],
                "table": None
                if splits.get(name) is None
                else build_table(splits[name], SPLIT_KEYS[name], labels={"opponents": "1vX"}),
            }
            for name in SPLIT_KEYS
        ],
        "recent": build_table(
            [{**line, "match": line, "result": line} for line in profile["recent_matches"]],
            RECENT_KEYS,
            renderers={
                "started_at": zone_cell,
                "match": match_map_cell,
                "result": _result_cell,
            },
            labels={"started_at": "Started", "match": "Map"},
        ),
    }


def _result_cell(line: Any) -> Cell:
    # The player's team's result: the line's own rounds are the player's.
    return result_cell(line["won"], line["team_rounds_won"], line["team_rounds_lost"])


def agent_options(profile: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(stored agent key, name) of the agents in the player's split, for the filter form."""
    agents: Sequence[Mapping[str, Any]] = profile["splits"].get("agents") or []
    return [(line["agent"], agent_name(line["agent"])) for line in agents if line["agent"]]
