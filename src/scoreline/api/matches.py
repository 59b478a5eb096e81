"""The match read endpoints: the list, one match, its rounds, players, duels, clutches, weapons."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from scoreline.api.deps import get_runtime
from scoreline.api.errors import error_responses
from scoreline.api.expiring_memo import ExpiringMemo
from scoreline.api.match_schemas import (
    MatchClutches,
    MatchDetail,
    MatchDuels,
    MatchList,
    MatchPlayer,
    MatchRounds,
    MatchWeapons,
)
from scoreline.api.read_requests import (
    answer_cached_read,
    invalid_parameter,
    read_snapshot,
    report_errors_as_422,
)
from scoreline.api.responses import (
    CSV_RESPONSE_DOC,
    FormatQuery,
    cached_json,
    json_response,
    rows_response,
    wants_csv,
)
from scoreline.domain.rounds import Game
from scoreline.reports.match_cursor import InvalidCursorError, MatchSort
from scoreline.reports.match_players import (
    CLUTCH_COLUMNS,
    DUEL_COLUMNS,
    WEAPON_COLUMNS,
    load_clutches,
    load_duels,
    load_player_match,
    load_weapons,
)
from scoreline.reports.match_rounds import ROUND_HEADER_COLUMNS, load_match_rounds
from scoreline.reports.matches import (
    DEFAULT_PAGE_SIZE,
    MATCH_LIST_COLUMNS,
    MAX_PAGE_SIZE,
    MatchFilters,
    MatchHead,
    find_match_head,
    list_matches,
    load_match_detail,
    load_roster,
)
from scoreline.store.record_errors import AmbiguousMatchRefError
from scoreline.worker.aggregate import AGGREGATE_JOB_KIND, aggregate_job_key

router = APIRouter(prefix="/api/v1", tags=["matches"])

# A match is named in URLs by its match_pk, or by the source's match id where unambiguous.
# Reads of a computed match are cached with an ETag that changes with its results
# (computed_at, stat_version); a pending match answers from the canonical data with its job.
#
# The fast path (scoreline.api.read_requests.answer_cached_read): a match's head (the row
# holding its results' version) is remembered for MATCH_HEAD_TTL_SECONDS, and a remembered
# computed match whose body is cached is answered on the event loop, with no thread and no
# query; the rest (a head to read, a body to build, CSV) runs in the threadpool. Measured
# with wrk, one uvicorn worker, 32 connections, on this 2-core machine under other load (one
# run, noisy): the cached detail (27 KB) went from ~650 to ~900 requests/s, the cached
# duels list answered ~1,700/s beside /health's ~2,000/s.
# The cost: a recompute shows (with its new ETag) up to MATCH_HEAD_TTL_SECONDS late.
MATCH_HEAD_TTL_SECONDS = 1.0
MATCH_HEADS_REMEMBERED = 4096

MatchRef = Annotated[
    str, Path(description="The match's match_pk, or the source's match id when unambiguous.")
]
PlayerFilter = Annotated[
    str | None, Query(description="Only the rows of this player (stable id).", max_length=200)
]

# 404: no such match (or player in it); 409: the source id names matches of several games.
_MATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(404, 409),
    304: {"description": "Not modified: the ETag sent in If-None-Match is still current."},
}
_MATCH_LIST_RESPONSES = {**_MATCH_RESPONSES, **CSV_RESPONSE_DOC}
# MatchFilters fields as the list's query parameters name them.
_FILTER_PARAMETERS = {
    "game": "game",
    "map_name": "map",
    "mode": "mode",
    "player_id": "player",
    "team_id": "team",
    "started_from": "from",
    "started_before": "to",
}

# What a match route answers with, given the match: the JSON body (HTTPException to refuse).
BuildBody = Callable[[Request, Connection, MatchHead], dict[str, Any]]
# A match list route's rows, for its CSV answer.
LoadRows = Callable[[Connection, MatchHead], Sequence[dict[str, Any]]]


class LoadPlayerRows(Protocol):
    """A loader of a match's rows, of one player when ``player_id`` is given."""

    def __call__(
        self, conn: Connection, match_pk: int, *, player_id: str | None = None
    ) -> list[dict[str, Any]]: ...


class MatchHeadMemo(ExpiringMemo[str, MatchHead]):
    """Match heads by the reference a URL named them with, each trusted for ``ttl_seconds``."""

    def __init__(
        self,
        ttl_seconds: float = MATCH_HEAD_TTL_SECONDS,
        max_entries: int = MATCH_HEADS_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl_seconds, max_entries, clock)


def _memo_of(request: Request) -> MatchHeadMemo:
    memo: MatchHeadMemo | None = getattr(request.app.state, "match_heads", None)
    if memo is None:
        memo = request.app.state.match_heads = MatchHeadMemo()
    return memo


# --- routes ---------------------------------------------------------------------------------------


@router.get("/matches", response_model=MatchList, responses=CSV_RESPONSE_DOC)
def get_matches(
    request: Request,
    game: Annotated[Game | None, Query(description="Only matches of this game.")] = None,
    map_name: Annotated[
        str | None, Query(alias="map", description="Map name, any case.", max_length=200)
    ] = None,
    mode: Annotated[str | None, Query(description="Mode, any case.", max_length=200)] = None,
    player: Annotated[
        str | None,
        Query(description="Only matches this player (stable id) played.", max_length=200),
    ] = None,
    team: Annotated[
        str | None, Query(description="Only matches of this team id.", max_length=200)
    ] = None,
    started_from: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="Started at or after (ISO 8601 with offset)."),
    ] = None,
    started_before: Annotated[
        AwareDatetime | None,
        Query(alias="to", description="Started before (ISO 8601 with offset)."),
    ] = None,
    sort: Annotated[
        MatchSort, Query(description="-started_at: newest first; started_at: oldest first.")
    ] = MatchSort.NEWEST_FIRST,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None, Query(description="The next_cursor of the previous page.", max_length=500)
    ] = None,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by rows_response)
) -> Response:
    """Stored matches, newest first by default; keyset pages that never skip or repeat one."""
    try:
        with report_errors_as_422(_FILTER_PARAMETERS):
            filters = MatchFilters(
                game=None if game is None else game.value,
                map_name=map_name,
                mode=mode,
                player_id=player,
                team_id=team,
                started_from=started_from,
                started_before=started_before,
            )
        with read_snapshot(request) as conn:
            page = list_matches(conn, filters, sort=sort, limit=limit, cursor=cursor)
    except InvalidCursorError as error:
        raise invalid_parameter("cursor", error.reason) from None
    return rows_response(
        request, page.items, columns=MATCH_LIST_COLUMNS, envelope={"next_cursor": page.next_cursor}
    )


@router.get("/matches/{match_ref}", response_model=MatchDetail, responses=_MATCH_RESPONSES)
async def get_match(match_ref: MatchRef, request: Request) -> Response:
    """Teams and score, roster, rounds, the scoreboard with every match stat, team, side and
    period stats. A match not computed yet answers with status pending and its job."""
    return await _answer(request, match_ref, _detail_body)


@router.get(
    "/matches/{match_ref}/rounds", response_model=MatchRounds, responses=_MATCH_LIST_RESPONSES
)
async def get_match_rounds(
    match_ref: MatchRef,
    request: Request,
    players: Annotated[bool, Query(description="Add each player's round line.")] = False,
    output_format: FormatQuery = None,  # noqa: ARG001 (read by _answer)
) -> Response:
    """Per round: winner, result, sides, plant and defuse, kill feed, each team's economy and
    players alive at the end (CSV: one line per round, without the nested lists)."""

    def load(conn: Connection, head: MatchHead) -> list[dict[str, Any]]:
        return load_match_rounds(conn, head.match_pk, with_players=players)

    return await _answer_list(request, match_ref, load, ROUND_HEADER_COLUMNS)


@router.get(
    "/matches/{match_ref}/players/{player_id}",
    response_model=MatchPlayer,
    responses=_MATCH_RESPONSES,
)
async def get_match_player(
    match_ref: MatchRef,
    player_id: Annotated[str, Path(description="The player's stable id.")],
    request: Request,
) -> Response:
    """One player's match: their scoreboard line, round lines, weapons, duels and clutches."""

    def build(_request: Request, conn: Connection, head: MatchHead) -> dict[str, Any]:
        roster = load_roster(conn, head.match_pk)
        entry = next((p for p in roster if p["player_id"] == player_id), None)
        if entry is None:
            raise HTTPException(404, f"player {player_id!r} did not play match {head.match_pk}")
        breakdown = load_player_match(conn, head.match_pk, player_id)
        return {
            "match_pk": head.match_pk,
            "status": head.status.value,
            "player": entry,
            **breakdown,
        }

    return await _answer(request, match_ref, build)


# Per-player lists of a match: (path part, body model, loader, CSV columns, description).
_PLAYER_ROW_LISTS: tuple[tuple[str, type[BaseModel], LoadPlayerRows, Sequence[str], str], ...] = (
    ("duels", MatchDuels, load_duels, DUEL_COLUMNS,
     "Every (player, opponent) pair: kills, deaths, damage and first kills between them."),
    ("clutches", MatchClutches, load_clutches, CLUTCH_COLUMNS,
     "Every 1vX situation of the match (void ones flagged), by round."),
    ("weapons", MatchWeapons, load_weapons, WEAPON_COLUMNS,
     "Kills, damage and hits per player and weapon."),
)  # fmt: skip


def _add_player_rows_route(
    part: str,
    model: type[BaseModel],
    load_rows: LoadPlayerRows,
    columns: Sequence[str],
    description: str,
) -> None:
    """GET /matches/{match_ref}/``part``: the rows ``load_rows`` gives, of one player with
    ?player=, as JSON or CSV."""

    async def route(
        match_ref: MatchRef,
        request: Request,
        player: PlayerFilter = None,
        output_format: FormatQuery = None,  # noqa: ARG001 (read by _answer_list)
    ) -> Response:
        def load(conn: Connection, head: MatchHead) -> list[dict[str, Any]]:
            return load_rows(conn, head.match_pk, player_id=player)

        return await _answer_list(request, match_ref, load, columns)

    router.add_api_route(
        f"/matches/{{match_ref}}/{part}",
        route,
        methods=["GET"],
        response_model=model,
        responses=_MATCH_LIST_RESPONSES,
        name=f"get_match_{part}",  # as a def of that name would be: the operationId
        description=description,
    )


for _list in _PLAYER_ROW_LISTS:
    _add_player_rows_route(*_list)


# --- answering ------------------------------------------------------------------------------------


async def _answer(request: Request, ref: str, build: BuildBody) -> Response:
    """A match route's JSON answer: from memory when it can be, else from the store.

    A head found due is read again once for all the requests that wait on it, not once per
    request in flight: measured with wrk (2 workers, 64 connections, 10,000 matches on
    PostgreSQL, two runs each), a cached detail's p99 went from 56-66 ms to 17-22 ms.
    """
    head = await _memo_of(request).get_or_load(ref, lambda: _load_head(request, ref))
    return await answer_cached_read(
        request, head.results_version, lambda: _answer_from_store(request, ref, build)
    )


def _load_head(request: Request, ref: str) -> MatchHead:
    with read_snapshot(request) as conn:
        return _find_match(conn, ref)


def _answer_from_store(request: Request, ref: str, build: BuildBody) -> Response:
    with read_snapshot(request) as conn:
        head = _find_match(conn, ref)
        _memo_of(request).put(ref, head)
        version = head.results_version
        if version is None:
            return json_response(build(request, conn, head))
        return cached_json(request, version=version, build=lambda: build(request, conn, head))


async def _answer_list(
    request: Request, ref: str, load: LoadRows, columns: Sequence[str]
) -> Response:
    """A match list route: CSV rows, or ``{match_pk, status, items}`` as _answer gives it."""
    if wants_csv(request):
        return await run_in_threadpool(_csv_from_store, request, ref, load, columns)

    def build(_request: Request, conn: Connection, head: MatchHead) -> dict[str, Any]:
        rows = load(conn, head)
        return {"match_pk": head.match_pk, "status": head.status.value, "items": rows}

    return await _answer(request, ref, build)


def _csv_from_store(request: Request, ref: str, load: LoadRows, columns: Sequence[str]) -> Response:
    with read_snapshot(request) as conn:
        head = _find_match(conn, ref)
        return rows_response(request, load(conn, head), columns=columns)


def _detail_body(request: Request, conn: Connection, head: MatchHead) -> dict[str, Any]:
    detail = load_match_detail(conn, head)
    if head.results_version is None:
        detail["job"] = _job_status(request, head.match_pk)
    return detail


def _find_match(conn: Connection, ref: str) -> MatchHead:
    try:
        head = find_match_head(conn, ref)
    except AmbiguousMatchRefError as error:
        raise HTTPException(409, str(error)) from None
    if head is None:
        raise HTTPException(404, f"no match {ref!r}: not a stored match_pk or source match id")
    return head


def _job_status(request: Request, match_pk: int) -> dict[str, Any] | None:
    job = get_runtime(request).ledger.find(AGGREGATE_JOB_KIND, aggregate_job_key(match_pk))
    if job is None:
        return None
    return {
        "id": job.id,
        "state": job.state.value,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "last_error": job.last_error,
        "run_at": job.run_at,
        "updated_at": job.updated_at,
    }
