"""Which table serves each part of a player's or a team's page under each set of filters."""

from __future__ import annotations

import pytest

from scoreline.reports.players import (
    AGENT_SPLIT,
    CLUTCH_SPLIT,
    ECONOMY_SPLIT,
    MAP_SPLIT,
    SIDE_SPLIT,
    TOTALS,
    WEAPON_SPLIT,
)
from scoreline.reports.sections import Section
from scoreline.reports.teams import TEAM_SPLITS, TEAM_TOTALS

PLAYER_SECTIONS: dict[str, tuple[Section, str | None]] = {
    "totals": (TOTALS, None),
    "maps": (MAP_SPLIT, "map_name"),
    "agents": (AGENT_SPLIT, "agent"),
    "sides": (SIDE_SPLIT, "side"),
    "economy": (ECONOMY_SPLIT, "buy_type"),
    "clutches": (CLUTCH_SPLIT, "opponents"),
    "weapons": (WEAPON_SPLIT, "weapon"),
}
R, M, RP = "rollup_player", "match_player_stats", "round_player_stats"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), {"totals": f"{R}_day", "maps": f"{R}_map_day", "agents": f"{R}_agent_day",
              "sides": f"{R}_side_day", "economy": f"{R}_economy_day",
              "clutches": f"{R}_clutch_day", "weapons": f"{R}_weapon_day"}),
        (("game",), {"totals": f"{R}_day", "maps": f"{R}_map_day", "sides": f"{R}_side_day",
                     "clutches": f"{R}_clutch_day", "weapons": f"{R}_weapon_day"}),
        (("map_name",), {"totals": f"{R}_map_day", "maps": f"{R}_map_day", "agents": M,
                         "sides": RP, "economy": RP, "clutches": "clutches",
                         "weapons": "match_player_weapon_stats"}),
        (("agent",), {"totals": f"{R}_agent_day", "maps": M, "agents": f"{R}_agent_day",
                      "sides": RP, "economy": RP}),
        (("side",), {"totals": f"{R}_side_day", "maps": RP, "agents": RP,
                     "sides": f"{R}_side_day", "economy": RP, "clutches": "clutches",
                     "weapons": None}),
        (("map_name", "agent"), {"totals": M, "maps": M, "agents": M, "sides": RP,
                                 "economy": RP, "weapons": "match_player_weapon_stats"}),
        (("side", "map_name"), {"totals": RP, "maps": RP, "agents": RP, "sides": RP,
                                "weapons": None}),
        (("side", "map_name", "agent", "game"), {"totals": RP, "maps": RP, "sides": RP,
                                                 "economy": RP, "clutches": "clutches"}),
    ],
)  # fmt: skip
def test_the_player_page_reads_the_fastest_table_keyed_by_every_filter(
    filters: tuple[str, ...], expected: dict[str, str | None]
) -> None:
    for part, source in expected.items():
        section, key = PLAYER_SECTIONS[part]
        needed = ("player_id", *filters, *((key,) if key else ()))
        chosen = section.choose(needed)
        assert (None if chosen is None else chosen[0].name) == source, part


def test_the_hourly_trend_never_reads_a_daily_rollup() -> None:
    for filters in [(), ("map_name",), ("agent",), ("side",)]:
        chosen = TOTALS.choose(("player_id", *filters), by_day=False)
        assert chosen is not None
        assert chosen[0].name in (M, RP)


def test_side_lines_sum_the_side_measures_only() -> None:
    chosen = TOTALS.choose(("player_id", "side"))
    assert chosen is not None
    source, measures = chosen
    assert source.name == "rollup_player_side_day"
    assert "matches" not in measures
    assert "rounds_won" in measures


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), {"totals": "rollup_team_day", "maps": "rollup_team_map_day",
              "outcomes": "rollup_team_outcome_day", "agents": "rollup_team_agent_day"}),
        (("map_name",), {"totals": "rollup_team_map_day", "maps": "rollup_team_map_day",
                         "outcomes": "team_match_stats", "agents": "match_player_stats"}),
    ],
)  # fmt: skip
def test_the_team_page_sources(filters: tuple[str, ...], expected: dict[str, str]) -> None:
    sections = {name: (section, key) for name, key, section in TEAM_SPLITS}
    sections["totals"] = (TEAM_TOTALS, "")
    for part, source in expected.items():
        section, key = sections[part]
        chosen = section.choose(("team_id", *filters, *((key,) if key else ())))
        assert chosen is not None
        assert chosen[0].name == source, part
