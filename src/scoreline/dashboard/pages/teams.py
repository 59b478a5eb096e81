"""The team page: GET /api/v1/teams/{id} as a page, with its filters as a form."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scoreline.api.deps import get_now
from scoreline.api.read_requests import ReadConnection
from scoreline.dashboard.charts import build_trend_lines
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
    CellRenderer,
    agent_name,
    build_comparison_table,
    build_table,
    format_cell,
    match_map_cell,
    result_cell,
    time_cell,
)
from scoreline.reports.teams import TeamFilters, TeamNotFoundError, load_team_profile
from scoreline.rollups.contributions import COMPOSITION_SEPARATOR

router = APIRouter()

HEADLINE_FIGURES = ("matches", "wins", "win_pct", "rounds_played", "rounds_won",
                    "round_win_pct", "kd", "damage_per_round", "fk_conversion_pct",
                    "pistol_win_pct", "post_plant_win_pct", "retake_win_pct", "eco_win_pct",
                    "clutch_win_pct")  # fmt: skip
TREND_SERIES = {"win_pct": "Win %", "round_win_pct": "Round win %"}
TREND_TABLE_KEYS = ("start", "matches", "wins", "rounds_played", "rounds_won", "win_pct",
                    "round_win_pct", "kd", "damage_per_round")  # fmt: skip
RECENT_KEYS = ("started_at", "match", "result", "rounds_played", "kills", "deaths", "damage",
               "round_win_pct", "kd", "damage_per_round")  # fmt: skip
TEAM_LINE_KEYS = ("matches", "wins", "win_pct", "rounds_played", "rounds_won", "round_win_pct",
                  "kd", "damage_per_round", "fk_conversion_pct", "pistol_win_pct")  # fmt: skip
SPLITS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "maps": ("By map", "Each map, the most played first", ("map_name", *TEAM_LINE_KEYS)),
    "outcomes": ("By outcome", "Won, lost and drawn matches", ("outcome", *TEAM_LINE_KEYS)),
    "agents": ("By agent", "The team's players on each agent",
               ("agent", "picks", "wins", "win_pct", "rounds_played", "kills", "deaths", "acs",
                "adr", "kd")),
    "compositions": ("By composition", "The five agents the team played together",
                     ("composition", "matches", "wins", "win_pct", "rounds_played",
                      "rounds_won", "round_win_pct")),
}  # fmt: skip


@router.get("/teams/{team_id}", response_class=HTMLResponse)
def team_page(team_id: str, request: Request, conn: ReadConnection) -> HTMLResponse:
    zone = deployment_zone(request)
    form = FormReader(request.query_params)
    period, shown = read_report_form(form, zone=zone, now=get_now(request))
    shown |= read_trend_form(form)
    filters = build_filters(form, TeamFilters, game=shown["game"], map_name=shown["map"])
    load = partial(load_team_profile, conn, team_id, period=period, zone=zone, filters=filters)
    try:
        profile = load_with_trend(form, shown, load)
    except TeamNotFoundError:
        return render_not_found(request, f"No computed match has a team with id {team_id!r}.")
    return render_page(
        request,
        "team.html",
        {
            **build_team_context(profile, zone_cell=time_cell(zone)),
            "team_id": team_id,
            "form": shown,
            "period_choices": PERIOD_CHOICES,
            "games": GAME_CHOICES,
            "granularities": GRANULARITY_CHOICES,
            "map_options": [line["map_name"] for line in profile["splits"]["maps"]],
            "problems": form.problems,
            "api_url": f"/api/v1/teams/{quote(team_id, safe='')}?{query_of(shown)}",
        },
    )


def build_team_context(profile: Mapping[str, Any], *, zone_cell: CellRenderer) -> dict[str, Any]:
    """Everything team.html shows, from load_team_profile."""
    points = profile["trend"]["points"]
    played = [point for point in points if point["matches"]]
    splits = profile["splits"]
    return {
        "profile": profile,
        "totals": build_comparison_table(profile, HEADLINE_FIGURES),
        "trend": build_trend_lines(points, series=TREND_SERIES) if played else None,
        "trend_table": build_table(
            played, TREND_TABLE_KEYS, renderers={"start": zone_cell}, labels={"start": "From"}
        ),
        "recent": build_table(
            [{**line, "match": line, "result": line} for line in profile["recent_matches"]],
            RECENT_KEYS,
            renderers={"started_at": zone_cell, "match": match_map_cell, "result": _result_cell},
            labels={"started_at": "Started", "match": "Map"},
        ),
        "splits": [
            {
                "name": name,
                "title": title,
                "caption": caption,
                "table": build_table(
                    splits[name], keys, renderers={"composition": _composition_cell}
                ),
            }
            for name, (title, caption, keys) in SPLITS.items()
        ],
    }


def _result_cell(line: Any) -> Cell:
    return result_cell(line["won"], line.get("rounds_won"), line.get("rounds_lost"))


def _composition_cell(value: Any) -> Cell:
    if not value:
        return format_cell(value)
    text = ", ".join(agent_name(agent) for agent in str(value).split(COMPOSITION_SEPARATOR))
    return Cell(text, text.lower())
