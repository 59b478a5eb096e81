"""The stored matches as the API and the dashboard read them: a filtered list and one match."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from scoreline.reports.facts import TEAM_MATCH_STATS
from scoreline.reports.filters import ReportFilterError, check_filter_text
from scoreline.reports.match_cursor import (
    MAX_MATCH_PK,
    InvalidCursorError,
    MatchCursor,
    MatchSort,
    decode_cursor,
    encode_cursor,
)
from scoreline.reports.match_rounds import load_round_headers
from scoreline.reports.match_rows import load_result_rows
from scoreline.store.canonical import find_match_pk
from scoreline.store.schema import match_players, match_teams, matches

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class MatchStatus(StrEnum):
    COMPUTED = "computed"  # the aggregates are written (matches.stat_version is set)
    PENDING = "pending"  # stored, waiting for (or failing) its aggregate job


@dataclass(frozen=True, slots=True)
class MatchFilters:
    """What the match list keeps; None keeps everything. Text filters other than ids ignore
    case; ``started_from`` is inclusive and ``started_before`` exclusive. ReportFilterError
    for a filter that cannot select anything meaningful (e.g. a range ending first)."""

    game: str | None = None
    map_name: str | None = None
    mode: str | None = None
    player_id: str | None = None
    team_id: str | None = None
    started_from: datetime | None = None
    started_before: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("game", "map_name", "mode", "player_id", "team_id"):
            check_filter_text(name, getattr(self, name))
        for name in ("started_from", "started_before"):
            moment: datetime | None = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise ReportFilterError(name, "a time needs a UTC offset (e.g. +00:00 or Z)")
        start, end = self.started_from, self.started_before
        if start is not None and end is not None and start > end:
            raise ReportFilterError("started_from", "the range starts after it ends")


@dataclass(frozen=True, slots=True)
class MatchHead:
    """A stored match's own row: what it is, and whether (and how) its stats are computed."""

    match_pk: int
    match_id: str  # the source's id
    game: str
    source_format: str
    map_name: str
    mode: str
    queue: str
    ranked: bool
    started_at: datetime
    duration_ms: int | None
    rounds_played: int
    stat_version: int | None
    stat_preset: str | None
    computed_at: datetime | None
    side_conflicts: int | None

    @classmethod
    def from_row(cls, row: Row[*tuple[Any, ...]]) -> MatchHead:
        return cls(
            match_pk=row.match_pk,
            match_id=row.source_match_id,
            game=row.game,
            source_format=row.source_format,
            map_name=row.map_name,
            mode=row.mode,
            queue=row.queue,
            ranked=row.ranked,
            started_at=row.started_at,
            duration_ms=row.duration_ms,
            rounds_played=row.round_count,
            stat_version=row.stat_version,
            stat_preset=row.stat_preset,
            computed_at=row.computed_at,
            side_conflicts=row.side_conflicts,
        )

    @property
    def status(self) -> MatchStatus:
        return MatchStatus.PENDING if self.stat_version is None else MatchStatus.COMPUTED

    @property
    def results_version(self) -> str | None:
        """Changes whenever the match's results do; None while they are pending."""
        if self.stat_version is None or self.computed_at is None:
            return None
        return f"{self.match_pk}:{self.computed_at.isoformat()}:{self.stat_version}"

    def summary(self) -> dict[str, Any]:
        """The fields every view of a match starts with (a list item, less its teams)."""
        return {
            "match_pk": self.match_pk,
            "match_id": self.match_id,
            "game": self.game,
            "source_format": self.source_format,
            "map": self.map_name,
            "mode": self.mode,
            "queue": self.queue,
            "ranked": self.ranked,
            "started_at": self.started_at,
            "duration_ms": self.duration_ms,
            "rounds_played": self.rounds_played,
            "status": self.status.value,
            "stat_version": self.stat_version,
            "stat_preset": self.stat_preset,
            "computed_at": self.computed_at,
        }


# The CSV columns of the match list: a list item's fields, its teams as one JSON cell.
MATCH_LIST_COLUMNS = (
    "match_pk",
    "match_id",
    "game",
    "source_format",
    "map",
    "mode",
    "queue",
    "ranked",
    "started_at",
    "duration_ms",
    "rounds_played",
    "status",
    "stat_version",
    "stat_preset",
    "computed_at",
    "teams",
)


@dataclass(frozen=True, slots=True)
class MatchPage:
    """One page of the list; ``next_cursor`` is None on the last page."""

    items: list[dict[str, Any]]
    next_cursor: str | None


_HEAD_COLUMNS = (
    matches.c.match_pk,
    matches.c.source_match_id,
    matches.c.game,
    matches.c.source_format,
    matches.c.map_name,
    matches.c.mode,
    matches.c.queue,
    matches.c.ranked,
    matches.c.started_at,
    matches.c.duration_ms,
    matches.c.round_count,
    matches.c.stat_version,
    matches.c.stat_preset,
    matches.c.computed_at,
    matches.c.side_conflicts,
)
_SELECT_HEAD = select(*_HEAD_COLUMNS).where(matches.c.match_pk == bindparam("match_pk"))

# A team's score is the engine's count once computed, else the source's own (may be None).
_SELECT_TEAMS = (
    select(
        match_teams.c.match_pk,
        match_teams.c.team_id,
        match_teams.c.name,
        match_teams.c.rounds_won,
        match_teams.c.won,
        TEAM_MATCH_STATS.c.rounds_won.label("computed_rounds_won"),
        TEAM_MATCH_STATS.c.won.label("computed_won"),
    )
    .select_from(
        match_teams.outerjoin(
            TEAM_MATCH_STATS,
            and_(
                TEAM_MATCH_STATS.c.match_pk == match_teams.c.match_pk,
                TEAM_MATCH_STATS.c.team_id == match_teams.c.team_id,
            ),
        )
    )
    .where(match_teams.c.match_pk.in_(bindparam("match_pks", expanding=True)))
    .order_by(match_teams.c.match_pk, match_teams.c.ordinal)
)

_SELECT_ROSTER = (
    select(
        match_players.c.player_id,
        match_players.c.name,
        match_players.c.team_id,
        match_players.c.agent,
        match_players.c.party_id,
    )
    .where(match_players.c.match_pk == bindparam("match_pk"))
    .order_by(match_players.c.ordinal)
)


def find_match_head(conn: Connection, ref: str) -> MatchHead | None:
    """The match ``ref`` names (its match_pk in decimal, else its source id), or None.

    AmbiguousMatchRefError (scoreline.store.record_errors) when ``ref`` is the source id of
    matches of several games.
    """
    if "\x00" in ref:
        return None  # no stored id holds NUL, and PostgreSQL rejects it in a parameter
    if ref.isascii() and ref.isdigit() and int(ref) <= MAX_MATCH_PK:
        head = load_match_head(conn, int(ref))
        if head is not None:
            return head
    match_pk = find_match_pk(conn, ref)
    return None if match_pk is None else load_match_head(conn, match_pk)


def load_match_head(conn: Connection, match_pk: int) -> MatchHead | None:
    row = conn.execute(_SELECT_HEAD, {"match_pk": match_pk}).first()
    return None if row is None else MatchHead.from_row(row)


def list_matches(
    conn: Connection,
    filters: MatchFilters,
    *,
    sort: MatchSort = MatchSort.NEWEST_FIRST,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> MatchPage:
    """One page of the matches ``filters`` keep, in ``sort`` order (ties by match_pk).

    ``cursor`` is a previous page's ``next_cursor``: walking the pages yields every match
    the filters keep exactly once, even when matches share a start time. InvalidCursorError
    for a cursor this list did not issue, or issued for another sort.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be in 1..{MAX_PAGE_SIZE}, got {limit}")
    conditions = _filter_conditions(filters)
    if cursor is not None:
        position = decode_cursor(cursor)
        if position.sort is not sort:
            raise InvalidCursorError(
                f"the cursor belongs to sort={position.sort.value}, not sort={sort.value}"
            )
        conditions.append(_after(position))
    order = (
        (matches.c.started_at.desc(), matches.c.match_pk.desc())
        if sort is MatchSort.NEWEST_FIRST
        else (matches.c.started_at.asc(), matches.c.match_pk.asc())
    )
    statement = select(*_HEAD_COLUMNS).where(*conditions).order_by(*order).limit(limit + 1)
    heads = [MatchHead.from_row(row) for row in conn.execute(statement)]
    page, more = heads[:limit], len(heads) > limit
    teams = load_team_scores(conn, [head.match_pk for head in page])
    last = page[-1] if page else None
    return MatchPage(
        items=[{**head.summary(), "teams": teams.get(head.match_pk, [])} for head in page],
        next_cursor=(
            encode_cursor(MatchCursor(sort, last.started_at, last.match_pk))
            if more and last is not None
            else None
        ),
    )


def load_team_scores(conn: Connection, match_pks: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each match's teams in source order: id, name, score (rounds won) and whether it won."""
    if not match_pks:
        return {}
    teams: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(_SELECT_TEAMS, {"match_pks": list(match_pks)}):
        computed = row.computed_rounds_won is not None
        teams[row.match_pk].append(
            {
                "team_id": row.team_id,
                "name": row.name,
                "score": row.computed_rounds_won if computed else row.rounds_won,
                "won": row.computed_won if computed else row.won,
            }
        )
    return teams


def load_roster(conn: Connection, match_pk: int) -> list[dict[str, Any]]:
    """The match's players in source order: stable id, display name, team, agent, party."""
    return [dict(row._mapping) for row in conn.execute(_SELECT_ROSTER, {"match_pk": match_pk})]


def load_match_detail(conn: Connection, head: MatchHead) -> dict[str, Any]:
    """Everything about one match: teams and score, roster, rounds, and (once computed) the
    scoreboard with every column of match_player_stats, team, side and period stats.

    The scoreboard is ordered by team, then score (highest first), then player id. ``job``
    is None here: the job ledger is the caller's to read.
    """
    match_pk = head.match_pk
    scoreboard = load_result_rows(conn, "match_player_stats", match_pk)
    scoreboard.sort(key=lambda line: (line["team_id"], -line["score"], line["player_id"]))
    return {
        **head.summary(),
        "side_conflicts": head.side_conflicts,
        "job": None,
        "teams": load_team_scores(conn, [match_pk]).get(match_pk, []),
        "players": load_roster(conn, match_pk),
        "rounds": load_round_headers(conn, match_pk),
        "scoreboard": scoreboard,
        "team_stats": load_result_rows(conn, "team_match_stats", match_pk),
        "sides": load_result_rows(conn, "team_match_side_stats", match_pk),
        "periods": load_result_rows(conn, "team_match_period_stats", match_pk),
    }


def _filter_conditions(filters: MatchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.game is not None:
        conditions.append(matches.c.game == filters.game)
    if filters.map_name is not None:
        conditions.append(func.lower(matches.c.map_name) == filters.map_name.lower())
    if filters.mode is not None:
        conditions.append(func.lower(matches.c.mode) == filters.mode.lower())
    if filters.player_id is not None:
        conditions.append(
            exists().where(
                match_players.c.match_pk == matches.c.match_pk,
                match_players.c.player_id == filters.player_id,
            )
        )
    if filters.team_id is not None:
        conditions.append(
            exists().where(
                match_teams.c.match_pk == matches.c.match_pk,
                match_teams.c.team_id == filters.team_id,
            )
        )
    if filters.started_from is not None:
        conditions.append(matches.c.started_at >= filters.started_from)
    if filters.started_before is not None:
        conditions.append(matches.c.started_at < filters.started_before)
    return conditions


def _after(position: MatchCursor) -> ColumnElement[bool]:
    """The rows after ``position`` in its sort: a later key, or the same time and a later pk."""
    if position.sort is MatchSort.NEWEST_FIRST:
        return or_(
            matches.c.started_at < position.started_at,
            and_(
                matches.c.started_at == position.started_at,
                matches.c.match_pk < position.match_pk,
            ),
        )
    return or_(
        matches.c.started_at > position.started_at,
        and_(matches.c.started_at == position.started_at, matches.c.match_pk > position.match_pk),
    )
