"""Cells and columns of the dashboard's tables: formats, names for ids, alignment."""

from __future__ import annotations

from typing import Any

import pytest

from scoreline.dashboard.tables import (
    Cell,
    build_comparison_table,
    build_table,
    format_cell,
    label_column,
    link_cell,
    player_path,
    result_cell,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, Cell("\u2013", "")),
        (True, Cell("yes", "1")),
        (False, Cell("no", "0")),
        (12, Cell("12", "12", numeric=True)),
        (-3, Cell("-3", "-3", numeric=True)),
        (245.666, Cell("245.67", "245.666", numeric=True)),
        (0.5, Cell("0.50", "0.5", numeric=True)),
        (["a", "b"], Cell("a, b", "a, b")),
        ("Haven", Cell("Haven", "Haven")),
    ],
)
def test_values_are_shown_as_the_api_rounds_them(value: Any, expected: Cell) -> None:
    assert format_cell(value) == expected


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("acs", "ACS"),
        ("hs_pct_hits", "HS % (hits)"),
        ("clutch_win_pct", "Clutch win %"),
        ("fk_per_round", "FK per round"),
        ("rounds_played", "Rounds played"),
        ("damage_per_round", "Damage per round"),
    ],
)
def test_column_labels(key: str, label: str) -> None:
    assert label_column(key) == label


def test_a_column_is_numeric_when_every_value_it_has_is_a_number() -> None:
    table = build_table(
        [{"name": "a", "acs": 200.0, "mixed": 1}, {"name": "b", "acs": None, "mixed": "x"}],
        ("name", "acs", "mixed"),
    )
    assert [column.numeric for column in table.columns] == [False, True, False]
    assert [row[1].text for row in table.rows] == ["200.00", "\u2013"]


def test_agent_and_weapon_ids_are_shown_by_name() -> None:
    sage, vandal = "569fdd95-4d10-43ab-ca70-79becc718b46", "9c82e19d-4575-0200-1a81-3eacf00cf872"
    table = build_table(
        [{"agent": sage, "weapon": vandal}, {"agent": "T", "weapon": "ak47"}], ("agent", "weapon")
    )
    names = [[cell.text for cell in row] for row in table.rows]
    assert names == [["Sage", "Vandal"], ["T", "ak47"]]


def test_id_cells_link_by_id_and_show_the_name() -> None:
    render = link_cell(player_path, {"a/b": "Name#1"})
    assert render("a/b") == Cell("Name#1", "name#1", href="/players/a%2Fb")
    assert render("unknown") == Cell("unknown", "unknown", href="/players/unknown")


def test_comparison_table_puts_the_headline_first_and_keeps_every_number() -> None:
    profile = {
        "totals": {"kills": 10, "acs": 200.5, "matches": 2},
        "previous": {"kills": 5, "acs": None, "matches": 1},
        "change": {"kills": 100.0, "acs": None, "matches": 100.0},
    }
    table = build_comparison_table(profile, ("acs", "matches"))
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["ACS", "200.50", "\u2013", "\u2013"],
        ["Matches", "2", "1", "100.00"],
        ["Kills", "10", "5", "100.00"],
    ]
    empty = build_comparison_table({"totals": {"kills": 0}, "previous": None, "change": None}, ())
    assert [cell.text for cell in empty.rows[0]] == ["Kills", "0", "\u2013", "\u2013"]


@pytest.mark.parametrize(
    ("won", "rounds_won", "rounds_lost", "expected"),
    [
        (True, 13, 7, Cell("W 13-7", "6")),
        (False, 9, 13, Cell("L 9-13", "-4")),
        (None, 12, 12, Cell("D 12-12", "0")),
        (None, None, 3, Cell("\u2013", "")),
    ],
)
def test_a_result_reads_as_the_outcome_and_score_and_sorts_by_the_difference(
    won: bool | None, rounds_won: int | None, rounds_lost: int | None, expected: Cell
) -> None:
    assert result_cell(won, rounds_won, rounds_lost) == expected
