"""The leaderboards page: GET /api/v1/leaderboards/{metric} with its filters as a form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from scoreline.api.deps import get_now
from scoreline.api.read_requests import ReadConnection
from scoreline.dashboard.forms import (
    GAME_CHOICES,
    PERIOD_CHOICES,
    FormReader,
    build_filters,
    query_of,
    read_report_form,
)
from scoreline.dashboard.rendering import deployment_zone, render_page
from scoreline.dashboard.tables import Cell, Table, agent_name, build_table, player_path
from scoreline.domain.valorant import VALORANT_AGENTS
from scoreline.reports.leaderboards import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    METRICS,
    LeaderboardFilters,
    load_leaderboard,
)

router = APIRouter()

DEFAULT_METRIC = "acs"
LEADERBOARD_KEYS = ("rank", "player", "value", "matches", "rounds_played")
MAX_MIN_MATCHES = 1_000_000


@router.get("/leaderboards", response_class=HTMLResponse)
def leaderboards_page(request: Request, conn: ReadConnection) -> HTMLResponse:
    return _leaderboard(request, conn, request.query_params.get("metric") or DEFAULT_METRIC)


@router.get("/leaderboards/{metric}", response_class=HTMLResponse)
def leaderboard_page(metric: str, request: Request, conn: ReadConnection) -> HTMLResponse:
    """The address of the API's leaderboard, as a page."""
    return _leaderboard(request, conn, metric)


def _leaderboard(request: Request, conn: Connection, metric: str) -> HTMLResponse:
    form = FormReader(request.query_params)
    if metric not in METRICS:
        form.problems.append(f"metric: unknown metric {metric!r}, showing {DEFAULT_METRIC}")
        metric = DEFAULT_METRIC
    period, shown = read_report_form(form, zone=deployment_zone(request), now=get_now(request))
    shown |= {
        "agent": form.text("agent") or "",
        "min_matches": str(_read_min_matches(form) or ""),
        "limit": str(form.integer("limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT)),
    }
    offset = form.integer("offset", 0, minimum=0, maximum=MAX_MIN_MATCHES)
    filters = build_filters(
        form, LeaderboardFilters, game=shown["game"], map_name=shown["map"], agent=shown["agent"]
    )
    board = load_leaderboard(
        conn,
        metric,
        period=period,
        zone=deployment_zone(request),
        filters=filters,
        min_matches=int(shown["min_matches"]) if shown["min_matches"] else None,
        limit=int(shown["limit"]),
        offset=offset,
    )
    limit = int(shown["limit"])
    return render_page(
        request,
        "leaderboards.html",
        {
            "board": board,
            "table": build_leaderboard_table(board["items"]),
            "metric": metric,
            "metrics": {name: m.description for name, m in METRICS.items()},
            "form": shown,
            "period_choices": PERIOD_CHOICES,
            "games": GAME_CHOICES,
            "agents": sorted(VALORANT_AGENTS.items(), key=lambda item: item[1]),
            "agent_label": agent_name(shown["agent"]) if shown["agent"] else "",
            "problems": form.problems,
            "previous_query": (
                query_of(shown, metric=metric, offset=max(0, offset - limit)) if offset else None
            ),
            "next_query": (
                query_of(shown, metric=metric, offset=offset + limit)
                if offset + limit < board["total"]
                else None
            ),
            "api_url": f"/api/v1/leaderboards/{metric}?{query_of(shown, offset=offset or '')}",
        },
    )


def _read_min_matches(form: FormReader) -> int | None:
    if form.text("min_matches") is None:
        return None  # the service's default: 5 matches for rates, 1 for counts
    return form.integer("min_matches", 1, minimum=1, maximum=MAX_MIN_MATCHES)


def build_leaderboard_table(items: list[dict[str, Any]]) -> Table:
    """Rank (with the top three's badges), player, value and the counts behind it."""
    return build_table(
        [{**item, "player": item, "rank": item} for item in items],
        LEADERBOARD_KEYS,
        renderers={"player": _player_cell, "rank": _rank_cell},
        labels={"rounds_played": "Rounds"},
    )


def _player_cell(item: Any) -> Cell:
    name = item["name"] or item["player_id"]
    return Cell(name, name.lower(), href=player_path(item["player_id"]))


def _rank_cell(item: Any) -> Cell:
    return Cell(str(item["rank"]), str(item["rank"]), numeric=True, badge=item["badge"])
