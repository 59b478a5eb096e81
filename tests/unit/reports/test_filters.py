"""Report filters: exact keys, NUL refused with the field named, shown as the API names them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scoreline.reports.activity import ActivityFilters
from scoreline.reports.filters import KeyFilters, ReportFilterError
from scoreline.reports.leaderboards import LeaderboardFilters
from scoreline.reports.players import PlayerFilters
from scoreline.reports.teams import TeamFilters


@pytest.mark.parametrize(
    ("filters", "dims", "view"),
    [
        (PlayerFilters(), {}, {"game": None, "map": None, "agent": None, "side": None}),
        (
            PlayerFilters(map_name="Haven", side="attack"),
            {"map_name": "Haven", "side": "attack"},
            {"game": None, "map": "Haven", "agent": None, "side": "attack"},
        ),
        (TeamFilters(game="cs2"), {"game": "cs2"}, {"game": "cs2", "map": None}),
        (
            LeaderboardFilters(agent="jett"),
            {"agent": "jett"},
            {"game": None, "map": None, "agent": "jett"},
        ),
        (ActivityFilters(map_name="Bind"), {"map_name": "Bind"}, {"game": None, "map": "Bind"}),
    ],
)
def test_dims_hold_what_is_set_and_the_view_every_filter(
    filters: KeyFilters, dims: dict[str, str], view: dict[str, str | None]
) -> None:
    assert filters.dims() == dims
    assert filters.view() == view


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PlayerFilters(agent="j\x00ett"), "agent"),
        (lambda: TeamFilters(map_name="\x00"), "map_name"),
        (lambda: LeaderboardFilters(game="valo\x00rant"), "game"),
        (lambda: ActivityFilters(map_name="a\x00b"), "map_name"),
        (lambda: PlayerFilters(side="middle"), "side"),
    ],
)
def test_a_filter_no_key_can_match_is_refused_by_name(
    build: Callable[[], KeyFilters], field: str
) -> None:
    with pytest.raises(ReportFilterError) as raised:
        build()
    assert raised.value.field == field
