"""Rows of the read services as HTML tables: labelled columns and formatted, sortable cells."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from scoreline.dashboard.rendering import MISSING_VALUE, format_decimal, format_local_time
from scoreline.domain.valorant import VALORANT_AGENTS, VALORANT_WEAPONS

# Column headers where the key does not read well as it is; the rest are the key in words.
COLUMN_LABELS: dict[str, str] = {
    "player_id": "Player",
    "opponent_id": "Opponent",
    "team_id": "Team",
    "acs": "ACS",
    "kd": "K/D",
    "kda": "KDA",
    "plus_minus": "+/-",
    "kpr": "KPR",
    "dpr": "DPR",
    "apr": "APR",
    "kast": "KAST %",
    "kast_rounds": "KAST rounds",
    "adr": "ADR",
    "hs_pct_hits": "HS % (hits)",
    "hs_pct_kills": "HS % (kills)",
    "hs_pct": "HS %",
    "first_kills": "FK",
    "first_deaths": "FD",
    "fk_rate": "FK rate",
    "opening_win_pct": "Opening win %",
    "rating_v1": "Rating 1.0",
    "rating2": "Rating 2.0 (approx.)",
    "rating2_approx": "Rating 2.0 (approx.)",
    "avg_acs": "Avg ACS",
    "fk_conversion": "FK conversion %",
    "map": "Map",
    "map_name": "Map",
    "round_number": "Round",
    "t_ms": "Time",
    "win_pct": "Win %",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: the text shown, the value a column sort uses, an optional link."""

    text: str
    sort_value: str
    href: str | None = None
    numeric: bool = False
    badge: str | None = None  # gold, silver or bronze beside a leaderboard's rank


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    numeric: bool


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.rows)


CellRenderer = Callable[[Any], Cell]


def label_column(key: str) -> str:
    """The header of column ``key``: a known abbreviation, else the key in words."""
    known = COLUMN_LABELS.get(key)
    if known is not None:
        return known
    words = key.removesuffix("_pct").replace("_", " ") + (" %" if key.endswith("_pct") else "")
    words = words.replace("fk ", "FK ").replace("fd ", "FD ")
    return words[:1].upper() + words[1:]


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_cell(value: Any) -> Cell:
    """A value as the tables show it: ratios with two decimals, flags as yes/no, lists joined."""
    if value is None:
        return Cell(MISSING_VALUE, "")
    if isinstance(value, bool):
        return Cell("yes" if value else "no", "1" if value else "0")
    if isinstance(value, float):
        return Cell(format_decimal(value), repr(value), numeric=True)
    if isinstance(value, int):
        return Cell(str(value), str(value), numeric=True)
    if isinstance(value, list | tuple):
        text = ", ".join(str(item) for item in value)
        return Cell(text, text)
    text = str(value)
    return Cell(text, text)


def link_cell(path: Callable[[str], str], names: Mapping[str, str] | None = None) -> CellRenderer:
    """A renderer for id columns: the name (when known) linking to ``path(id)``."""

    def render(value: Any) -> Cell:
        if value is None or value == "":
            return Cell(MISSING_VALUE, "")
        ident = str(value)
        text = (names or {}).get(ident, ident)
        return Cell(text, text.lower(), href=path(ident))

    return render


def agent_name(agent: str) -> str:
    """A Valorant agent's name for its uuid; other games' agents (or none) as they are."""
    return VALORANT_AGENTS.get(agent.lower(), agent)


def weapon_name(weapon: str) -> str:
    """A Valorant weapon's name for its uuid; CS2 weapons and ability slots as they are."""
    return VALORANT_WEAPONS.get(weapon.upper(), weapon)


def _named_cell(name: Callable[[str], str]) -> CellRenderer:
    def render(value: Any) -> Cell:
        if not isinstance(value, str) or not value:
            return format_cell(value)
        text = name(value)
        return Cell(text, text.lower())

    return render


# Columns every table shows by name rather than by id, unless a page says otherwise.
DEFAULT_RENDERERS: dict[str, CellRenderer] = {
    "agent": _named_cell(agent_name),
    "weapon": _named_cell(weapon_name),
}


def time_cell(zone: ZoneInfo) -> CellRenderer:
    """A renderer for aware datetimes, shown in ``zone`` and sorted by the instant."""

    def render(value: Any) -> Cell:
        if not isinstance(value, datetime):
            return format_cell(value)
        return Cell(format_local_time(value, zone), value.isoformat())

    return render


def build_table(
    rows: Iterable[Mapping[str, Any]],
    keys: Sequence[str],
    *,
    renderers: Mapping[str, CellRenderer] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Table:
    """``rows`` as a table of the columns ``keys``; a column is numeric (right-aligned) when
    every value it has is a number."""
    chosen = {**DEFAULT_RENDERERS, **(renderers or {})}
    cells = [tuple(chosen.get(key, format_cell)(row.get(key)) for key in keys) for row in rows]
    columns = tuple(
        Column(
            key,
            (labels or {}).get(key) or label_column(key),
            numeric=any(row[i].numeric for row in cells)
            and all(row[i].numeric or row[i].text == MISSING_VALUE for row in cells),
        )
        for i, key in enumerate(keys)
    )
    return Table(columns, tuple(cells))


def player_path(player_id: str) -> str:
    return f"/players/{quote(player_id, safe='')}"


def team_path(team_id: str) -> str:
    return f"/teams/{quote(team_id, safe='')}"


def match_path(match_ref: str | int) -> str:
    return f"/matches/{quote(str(match_ref), safe='')}"


def match_map_cell(line: Any) -> Cell:
    """A match named by its map, linking to the match's page."""
    return Cell(line["map_name"], line["map_name"].lower(), href=match_path(line["match_pk"]))


def result_cell(won: bool | None, rounds_won: int | None, rounds_lost: int | None) -> Cell:
    """A match's result as W, L or D (no winner, rounds level) with the score, sorted by
    the round difference."""
    if rounds_won is None or rounds_lost is None:
        return format_cell(None)
    outcome = "W" if won else "L" if rounds_won != rounds_lost else "D"
    return Cell(f"{outcome} {rounds_won}-{rounds_lost}", str(rounds_won - rounds_lost))


def build_comparison_table(profile: Mapping[str, Any], headline: Sequence[str]) -> Table:
    """A report's totals, one row per sum and figure (``headline`` first): this period, the
    period before and the % change."""
    totals = profile["totals"]
    previous = profile["previous"] or {}
    change = profile["change"] or {}
    names = [*headline, *(name for name in totals if name not in headline)]
    rows = [
        {
            "stat": label_column(name),
            "current": totals.get(name),
            "previous": previous.get(name),
            "change": change.get(name),
        }
        for name in names
        if name in totals
    ]
    return build_table(
        rows,
        ("stat", "current", "previous", "change"),
        labels={"current": "This period", "previous": "Period before", "change": "Change %"},
    )
