"""One match's per-player breakdowns: duels, clutches, weapons, and one player's whole match."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from scoreline.reports.match_rows import LAYOUTS, load_result_rows, row_columns

DUEL_COLUMNS = row_columns(LAYOUTS["match_player_duels"])
CLUTCH_COLUMNS = row_columns(LAYOUTS["clutches"])
WEAPON_COLUMNS = row_columns(LAYOUTS["match_player_weapon_stats"])


def load_duels(
    conn: Connection, match_pk: int, *, player_id: str | None = None
) -> list[dict[str, Any]]:
    """Every (player, opponent) pair with kills, deaths, damage and first kills between them,
    by player then opponent; only ``player_id``'s pairs when given."""
    return _of_player(load_result_rows(conn, "match_player_duels", match_pk), player_id)


def load_clutches(
    conn: Connection, match_pk: int, *, player_id: str | None = None
) -> list[dict[str, Any]]:
    """Every 1vX situation (void ones included, flagged), by round then player."""
    return _of_player(load_result_rows(conn, "clutches", match_pk), player_id)


def load_weapons(
    conn: Connection, match_pk: int, *, player_id: str | None = None
) -> list[dict[str, Any]]:
    """Kills, damage and hits per (player, weapon), by player then weapon."""
    return _of_player(load_result_rows(conn, "match_player_weapon_stats", match_pk), player_id)


def load_player_match(conn: Connection, match_pk: int, player_id: str) -> dict[str, Any]:
    """``player_id``'s whole match: the scoreboard line (None until computed), their round
    lines, weapons, duels and clutches."""
    lines = _of_player(load_result_rows(conn, "match_player_stats", match_pk), player_id)
    return {
        "line": lines[0] if lines else None,
        "rounds": _of_player(load_result_rows(conn, "round_player_stats", match_pk), player_id),
        "weapons": load_weapons(conn, match_pk, player_id=player_id),
        "duels": load_duels(conn, match_pk, player_id=player_id),
        "clutches": load_clutches(conn, match_pk, player_id=player_id),
    }


def _of_player(rows: list[dict[str, Any]], player_id: str | None) -> list[dict[str, Any]]:
    if player_id is None:
        return rows
    return [row for row in rows if row["player_id"] == player_id]
