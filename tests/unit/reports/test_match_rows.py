"""Result rows as readers see them: named columns, ratios to two decimals, rounds from 1."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from scoreline.ingest import parse_source
from scoreline.reports.match_rows import LAYOUTS, result_row, row_columns
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.stats.rounds.results import Clutch, RoundTeamStats, TeamPeriodStats
from scoreline.store.schema import AGGREGATE_TABLES
from scoreline.synthetic.valorant import generate_match


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        (
            "round_team_stats",
            RoundTeamStats(0, "Red", "attack", True, 5, 2, 4, 3, 512, True, True, False,
                           19_400, "semi_buy", ("Jett", "Sova")),
            {"round_number": 1, "team_id": "Red", "side": "attack", "won": True, "players": 5,
             "alive_at_end": 2, "kills": 4, "deaths": 3, "damage": 512, "first_kill": True,
             "planted": True, "defused": False, "loadout_value": 19_400,
             "buy_type": "semi_buy", "composition": ["Jett", "Sova"]},
        ),
        (
            "clutches",
            Clutch(11, "p1", "Blue", None, 3, 61_000, 80_250, True, False, 3, "Elimination",
                   False),
            {"round_number": 12, "player_id": "p1", "team_id": "Blue", "side": None,
             "opponents": 3, "start_ms": 61_000, "end_ms": 80_250, "won": True,
             "survived": False, "kills": 3, "ended_by": "Elimination", "void": False},
        ),
        (
            "team_match_period_stats",
            TeamPeriodStats("Blue", "overtime", 2, 1, 1),
            {"team_id": "Blue", "period": "overtime", "rounds_played": 2, "rounds_won": 1,
             "rounds_lost": 1},
        ),
    ],
)  # fmt: skip
def test_a_result_row_becomes_its_named_values(
    table: str, row: tuple[Any, ...], expected: dict[str, Any]
) -> None:
    assert result_row(LAYOUTS[table], row) == expected


@pytest.fixture(scope="module")
def computed() -> Any:
    [match] = parse_source(orjson.dumps(generate_match(5, 3)), "synthetic")
    return compute_match_stats(match, preset("official"))


@pytest.mark.parametrize("aggregate", AGGREGATE_TABLES, ids=lambda a: a.table.name)
def test_every_row_of_a_computed_match_has_exactly_the_table_columns(
    aggregate: Any, computed: Any
) -> None:
    layout = aggregate.layout
    for row in getattr(computed, aggregate.stats_field):
        values = result_row(layout, row)
        assert tuple(values) == row_columns(layout)
        for name, value in values.items():
            if isinstance(value, float):
                assert value == round(value, 2), name


def test_count_buckets_are_one_column_each_and_ratios_two_decimals(computed: Any) -> None:
    player = max(computed.players, key=lambda p: p.kills)
    values = result_row(LAYOUTS["match_player_stats"], player)

    assert [values[f"multikills_{k}"] for k in ("2k", "3k", "4k", "5k", "6k")] == list(
        player.multikills
    )
    assert values["clutch_wins_1v1"] == player.clutch_wins[0]
    assert values["acs"] == round(player.acs, 2)
    assert values["kills"] == player.kills
