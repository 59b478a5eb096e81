"""A match round by round: who won and how, the bomb, the kill feed, each team's economy."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select

from scoreline.reports.match_rows import load_result_rows
from scoreline.store.schema import metadata, round_kills, rounds

_ROUND_SUMMARIES = metadata.tables["round_summaries"]

# The columns of a round's header, in order (also the CSV columns of the rounds list).
ROUND_HEADER_COLUMNS = (
    "number",
    "winning_team_id",
    "result_code",
    "attacking_team_id",
    "side_inferred",
    "pistol",
    "overtime",
    "duration_ms",
    "ceremony",
    "plant_t_ms",
    "planter_id",
    "plant_site",
    "defuse_t_ms",
    "defuser_id",
)

# The canonical round joined with its computed summary, which exists once the match is
# computed and then knows the attacking side even where the source did not state it.
_SELECT_ROUND_HEADERS = (
    select(
        rounds.c.round_number,
        rounds.c.winning_team_id,
        rounds.c.result_code,
        rounds.c.attacking_team_id,
        rounds.c.ceremony,
        rounds.c.duration_ms,
        rounds.c.plant_t_ms,
        rounds.c.planter_id,
        rounds.c.plant_site,
        rounds.c.defuse_t_ms,
        rounds.c.defuser_id,
        _ROUND_SUMMARIES.c.round_number.label("summary_round_number"),
        _ROUND_SUMMARIES.c.attacking_team_id.label("derived_attacking_team_id"),
        _ROUND_SUMMARIES.c.side_inferred,
        _ROUND_SUMMARIES.c.pistol,
        _ROUND_SUMMARIES.c.overtime,
    )
    .select_from(
        rounds.outerjoin(
            _ROUND_SUMMARIES,
            and_(
                _ROUND_SUMMARIES.c.match_pk == rounds.c.match_pk,
                _ROUND_SUMMARIES.c.round_number == rounds.c.round_number,
            ),
        )
    )
    .where(rounds.c.match_pk == bindparam("match_pk"))
    .order_by(rounds.c.round_number)
)

_SELECT_KILLS = (
    select(
        round_kills.c.round_number,
        round_kills.c.t_ms,
        round_kills.c.killer_id,
        round_kills.c.victim_id,
        round_kills.c.assistant_ids,
        round_kills.c.weapon,
        round_kills.c.damage_type,
        round_kills.c.headshot,
        round_kills.c.after_round_end,
    )
    .where(round_kills.c.match_pk == bindparam("match_pk"))
    .order_by(round_kills.c.round_number, round_kills.c.ordinal)
)


def load_round_headers(conn: Connection, match_pk: int) -> list[dict[str, Any]]:
    """Every round of the match in order, as ROUND_HEADER_COLUMNS.

    ``number`` is 1-based. ``attacking_team_id`` is the engine's (stated or inferred, see
    ``side_inferred``) once the match is computed, else what the source states; ``pistol``,
    ``overtime`` and ``side_inferred`` are None until then.
    """
    headers = []
    for row in conn.execute(_SELECT_ROUND_HEADERS, {"match_pk": match_pk}):
        computed = row.summary_round_number is not None
        headers.append(
            {
                "number": row.round_number + 1,
                "winning_team_id": row.winning_team_id,
                "result_code": row.result_code,
                "attacking_team_id": (
                    row.derived_attacking_team_id if computed else row.attacking_team_id
                ),
                "side_inferred": row.side_inferred,
                "pistol": row.pistol,
                "overtime": row.overtime,
                "duration_ms": row.duration_ms,
                "ceremony": row.ceremony,
                "plant_t_ms": row.plant_t_ms,
                "planter_id": row.planter_id,
                "plant_site": row.plant_site,
                "defuse_t_ms": row.defuse_t_ms,
                "defuser_id": row.defuser_id,
            }
        )
    return headers


def load_match_rounds(
    conn: Connection, match_pk: int, *, with_players: bool = False
) -> list[dict[str, Any]]:
    """Every round with its header, kill feed (``kills``), each team's round line (``teams``:
    economy, buy type, alive at the end ...) and, ``with_players``, each player's round line
    (``players``, else None). Team and player lines are empty until the match is computed."""
    kills = _kills_by_round(conn, match_pk)
    teams = _group_by_round(load_result_rows(conn, "round_team_stats", match_pk))
    players = (
        _group_by_round(load_result_rows(conn, "round_player_stats", match_pk))
        if with_players
        else None
    )
    return [
        {
            **header,
            "kills": kills.get(header["number"], []),
            "teams": teams.get(header["number"], []),
            "players": None if players is None else players.get(header["number"], []),
        }
        for header in load_round_headers(conn, match_pk)
    ]


def _kills_by_round(conn: Connection, match_pk: int) -> dict[int, list[dict[str, Any]]]:
    feed: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(_SELECT_KILLS, {"match_pk": match_pk}):
        feed[row.round_number + 1].append(
            {
                "t_ms": row.t_ms,
                "killer_id": row.killer_id,
                "victim_id": row.victim_id,
                "assistant_ids": list(row.assistant_ids),
                "weapon": row.weapon,
                "damage_type": row.damage_type,
                "headshot": row.headshot,
                "after_round_end": row.after_round_end,
            }
        )
    return feed


def _group_by_round(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["round_number"]].append(row)
    return grouped
