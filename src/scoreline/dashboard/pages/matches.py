"""The match list and the match page: scoreboard, rounds, kill feed, duels, clutches, weapons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from scoreline.api.deps import get_runtime
from scoreline.api.read_requests import ReadConnection
from scoreline.dashboard.charts import build_duel_heatmap
from scoreline.dashboard.forms import GAME_CHOICES, FormReader, query_of
from scoreline.dashboard.rendering import (
    deployment_zone,
    format_duration,
    render_not_found,
    render_page,
)
from scoreline.dashboard.tables import (
    Cell,
    CellRenderer,
    Table,
    build_table,
    format_cell,
    link_cell,
    player_path,
    team_path,
    time_cell,
)
from scoreline.reports.filters import ReportFilterError
from scoreline.reports.match_cursor import InvalidCursorError
from scoreline.reports.match_players import (
    CLUTCH_COLUMNS,
    WEAPON_COLUMNS,
    load_clutches,
    load_duels,
    load_weapons,
)
from scoreline.reports.match_rounds import load_match_rounds
from scoreline.reports.match_rows import LAYOUTS, row_columns
from scoreline.reports.matches import (
    MatchFilters,
    MatchHead,
    find_match_head,
    list_matches,
    load_match_detail,
)
from scoreline.store.record_errors import AmbiguousMatchRefError
from scoreline.worker.aggregate import AGGREGATE_JOB_KIND, aggregate_job_key

router = APIRouter()

MATCH_LIST_PAGE_SIZE = 25
# The scoreboard opens with the columns people read first; every other stat follows in the
# order the API lists them.
SCOREBOARD_LEAD = (
    "player_id", "team_id", "agent", "acs", "kills", "deaths", "assists", "plus_minus", "kd",
    "adr", "kast", "hs_pct_hits", "first_kills", "first_deaths", "rating_v1",
)  # fmt: skip
SCOREBOARD_KEYS = SCOREBOARD_LEAD + tuple(
    key
    for key in row_columns(LAYOUTS["match_player_stats"])
    if key not in SCOREBOARD_LEAD and key != "name"  # the player column shows the name
)
TEAM_STAT_KEYS = tuple(
    key for key in row_columns(LAYOUTS["team_match_stats"]) if key not in ("name", "buy_rounds")
)
SIDE_STAT_KEYS = row_columns(LAYOUTS["team_match_side_stats"])
DUEL_TABLE_KEYS = ("player_id", "opponent_id", "kills", "deaths", "damage_dealt",
                   "damage_taken", "first_kills", "first_deaths")  # fmt: skip
KILL_FEED_KEYS = ("t_ms", "killer_id", "victim_id", "weapon", "damage_type", "headshot",
                  "assistant_ids", "after_round_end")  # fmt: skip
MATCH_LIST_KEYS = ("started_at", "match", "map", "mode", "game", "rounds_played", "status")


def duration_cell(value: Any) -> Cell:
    if value is None:
        return format_cell(None)
    return Cell(format_duration(int(value)), str(value), numeric=True)


@router.get("/matches", response_class=HTMLResponse)
def match_list_page(request: Request, conn: ReadConnection) -> HTMLResponse:
    """Stored matches, newest first, with the list filters of GET /api/v1/matches."""
    form = FormReader(request.query_params)
    game = form.choice("game", (*GAME_CHOICES, ""), "") or None
    filters_given = {
        "game": game or "",
        "map": form.text("map") or "",
        "mode": form.text("mode") or "",
        "player": form.text("player") or "",
        "team": form.text("team") or "",
    }
    cursor = form.text("cursor")
    items: list[dict[str, Any]] = []
    next_cursor = None
    try:
        filters = MatchFilters(
            game=game,
            map_name=filters_given["map"] or None,
            mode=filters_given["mode"] or None,
            player_id=filters_given["player"] or None,
            team_id=filters_given["team"] or None,
        )
        page = list_matches(conn, filters, limit=MATCH_LIST_PAGE_SIZE, cursor=cursor)
        items, next_cursor = page.items, page.next_cursor
    except ReportFilterError as error:
        form.problems.append(str(error))
    except InvalidCursorError as error:
        form.problems.append(f"cursor: {error.reason}")
    return render_page(
        request,
        "matches.html",
        {
            "filters": filters_given,
            "games": GAME_CHOICES,
            "problems": form.problems,
            "matches": build_match_list(request, items),
            "next_query": None
            if next_cursor is None
            else query_of(filters_given, cursor=next_cursor),
        },
    )


def build_match_list(request: Request, items: Sequence[Mapping[str, Any]]) -> Table:
    """The match list's rows as a table: when, teams and score (linking to the match)."""
    rows = [{**item, "match": item} for item in items]
    return build_table(
        rows,
        MATCH_LIST_KEYS,
        renderers={"match": _match_link_cell, "started_at": time_cell(deployment_zone(request))},
        labels={"started_at": "Started", "match": "Match", "rounds_played": "Rounds"},
    )


def _match_link_cell(item: Any) -> Cell:
    teams = item.get("teams") or []
    score = " vs ".join(
        f"{team['name']} {'-' if team['score'] is None else team['score']}" for team in teams
    )
    text = score or item["match_id"]
    return Cell(text, text.lower(), href=f"/matches/{item['match_pk']}")


@router.get("/matches/{match_ref}", response_class=HTMLResponse)
def match_page(match_ref: str, request: Request, conn: ReadConnection) -> HTMLResponse:
    """One match, from the services behind GET /api/v1/matches/{id} and its sub-resources."""
    try:
        head = find_match_head(conn, match_ref)
    except AmbiguousMatchRefError as error:
        return render_not_found(request, str(error))
    if head is None:
        return render_not_found(
            request, f"No match {match_ref!r} is stored (by match_pk or source match id)."
        )
    detail = load_match_detail(conn, head)
    match_pk = head.match_pk
    context = build_match_context(
        detail,
        rounds=load_match_rounds(conn, match_pk),
        duels=load_duels(conn, match_pk),
        clutches=load_clutches(conn, match_pk),
        weapons=load_weapons(conn, match_pk),
    )
    context["job"] = None if head.stat_version is not None else _find_job(request, head)
    return render_page(request, "match.html", context)


def _find_job(request: Request, head: MatchHead) -> Any:
    return get_runtime(request).ledger.find(AGGREGATE_JOB_KIND, aggregate_job_key(head.match_pk))


def build_match_context(
    detail: Mapping[str, Any],
    *,
    rounds: Sequence[Mapping[str, Any]],
    duels: Sequence[Mapping[str, Any]],
    clutches: Sequence[Mapping[str, Any]],
    weapons: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Everything match.html shows, from the read services' rows."""
    names = {player["player_id"]: player["name"] for player in detail["players"]}
    colours = team_colours(detail["teams"])
    teams = [
        {**team, "href": team_path(team["team_id"]), "colour": colours[team["team_id"]]}
        for team in detail["teams"]
    ]
    team_names = {team["team_id"]: team["name"] for team in teams}
    players = link_cell(player_path, names)
    team_link = link_cell(team_path, team_names)
    id_renderers: dict[str, CellRenderer] = {
        "player_id": players,
        "opponent_id": players,
        "killer_id": players,
        "victim_id": players,
        "team_id": team_link,
    }
    return {
        "match": detail,
        "teams": teams,
        "scoreboard": build_table(detail["scoreboard"], SCOREBOARD_KEYS, renderers=id_renderers),
        "team_stats": build_table(detail["team_stats"], TEAM_STAT_KEYS, renderers=id_renderers),
        "side_stats": build_table(detail["sides"], SIDE_STAT_KEYS, renderers=id_renderers),
        "round_strip": build_round_strip(rounds, teams),
        "rounds_table": build_rounds_table(rounds, teams),
        "kill_feed": [
            {
                "number": round_["number"],
                "kills": build_table(
                    round_["kills"],
                    KILL_FEED_KEYS,
                    renderers={
                        **id_renderers,
                        "t_ms": duration_cell,
                        "assistant_ids": _names_cell(names),
                    },
                    labels={
                        "killer_id": "Killer",
                        "victim_id": "Victim",
                        "assistant_ids": "Assists",
                        "after_round_end": "After round end",
                    },
                ),
            }
            for round_ in rounds
        ],
        "duel_heatmap": build_duel_figure(duels, detail, names) if duels else None,
        "duels": build_table(duels, DUEL_TABLE_KEYS, renderers=id_renderers),
        "clutches": build_table(
            clutches,
            CLUTCH_COLUMNS,
            renderers={**id_renderers, "start_ms": duration_cell, "end_ms": duration_cell},
            labels={"opponents": "1vX", "start_ms": "Start", "end_ms": "End"},
        ),
        "weapons": build_table(weapons, WEAPON_COLUMNS, renderers=id_renderers),
    }


def _names_cell(names: Mapping[str, str]) -> CellRenderer:
    def render(value: Any) -> Cell:
        text = ", ".join(names.get(ident, ident) for ident in value or ())
        return Cell(text, text.lower())

    return render


def team_colours(teams: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each team's CSS class: Valorant's Red and Blue keep their colours, other teams are
    told apart by their order."""
    colours = {}
    for index, team in enumerate(teams):
        named = str(team["name"]).lower()
        if named in ("red", "blue"):
            colours[team["team_id"]] = f"team-{named}"
        else:
            colours[team["team_id"]] = ("team-a", "team-b")[index] if index < 2 else "team-none"
    return colours


def build_round_strip(
    rounds: Sequence[Mapping[str, Any]], teams: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One chip per round: its number, the winner's colour and how the round ended."""
    colours = team_colours(teams)
    names = {team["team_id"]: team["name"] for team in teams}
    strip = []
    for round_ in rounds:
        winner = round_["winning_team_id"]
        economy = "; ".join(
            f"{names.get(line['team_id'], line['team_id'])}: {line['buy_type'] or '?'}"
            f" ({format_cell(line['loadout_value']).text})"
            for line in round_["teams"]
        )
        strip.append(
            {
                "number": round_["number"],
                "team_class": colours.get(winner, "team-none"),
                "result": round_["result_code"],
                "title": (
                    f"Round {round_['number']}: {names.get(winner, winner or 'no winner')}"
                    f" by {round_['result_code']}" + (f". Economy: {economy}" if economy else "")
                ),
            }
        )
    return strip


def build_rounds_table(
    rounds: Sequence[Mapping[str, Any]], teams: Sequence[Mapping[str, Any]]
) -> Table:
    """Rounds as a table: winner, how, plant, and each team's buy, loadout value and alive."""
    names = {team["team_id"]: team["name"] for team in teams}
    keys = ["number", "winner", "result_code", "attacking", "plant_site", "duration_ms"]
    labels = {"number": "Round", "result_code": "How", "attacking": "Attacking",
              "duration_ms": "Length"}  # fmt: skip
    for index, team in enumerate(teams):
        for measure, words in (("buy_type", "buy"), ("loadout_value", "loadout"),
                               ("alive_at_end", "alive")):  # fmt: skip
            key = f"team{index}_{measure}"
            keys.append(key)
            labels[key] = f"{team['name']} {words}"
    rows = []
    for round_ in rounds:
        row: dict[str, Any] = {
            "number": round_["number"],
            "winner": names.get(round_["winning_team_id"], round_["winning_team_id"]),
            "result_code": round_["result_code"],
            "attacking": names.get(round_["attacking_team_id"], round_["attacking_team_id"]),
            "plant_site": round_["plant_site"],
            "duration_ms": round_["duration_ms"],
        }
        lines = {line["team_id"]: line for line in round_["teams"]}
        for index, team in enumerate(teams):
            line = lines.get(team["team_id"], {})
            for measure in ("buy_type", "loadout_value", "alive_at_end"):
                row[f"team{index}_{measure}"] = line.get(measure)
        rows.append(row)
    return build_table(rows, keys, renderers={"duration_ms": duration_cell}, labels=labels)


def build_duel_figure(
    duels: Sequence[Mapping[str, Any]], detail: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any]:
    """Rows are the first team's players, columns the second's; with another number of
    teams, everyone against everyone."""
    by_team: dict[str, list[str]] = {}
    for player in detail["players"]:
        by_team.setdefault(player["team_id"], []).append(player["player_id"])
    team_ids = [team["team_id"] for team in detail["teams"]]
    if len(team_ids) == 2 and all(by_team.get(team) for team in team_ids):
        rows, columns = by_team[team_ids[0]], by_team[team_ids[1]]
    else:
        rows = columns = [player["player_id"] for player in detail["players"]]
    return build_duel_heatmap(duels, rows, columns, names)
