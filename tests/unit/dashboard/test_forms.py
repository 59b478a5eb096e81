"""The pages' filter forms: lenient reads that keep each problem to show."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scoreline.dashboard.forms import (
    FormReader,
    build_filters,
    query_of,
    read_period,
    read_report_form,
    read_trend_form,
)
from scoreline.reports.players import PlayerFilters
from scoreline.rollups.periods import PeriodKind

NOW = datetime(2026, 11, 4, 12, tzinfo=UTC)  # a Wednesday
UTC_ZONE = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("params", "kind", "first_day", "problems"),
    [
        ({}, PeriodKind.ALL, None, []),
        ({"period": "week"}, PeriodKind.WEEK, date(2026, 11, 2), []),
        ({"from": "2026-10-01", "to": "2026-10-03"}, PeriodKind.RANGE, date(2026, 10, 1), []),
        ({"period": "2026-10-01..2026-10-02"}, PeriodKind.RANGE, date(2026, 10, 1), []),
        ({"period": "soon"}, PeriodKind.ALL, None, ["period: unknown period 'soon'"]),
        ({"from": "yesterday"}, PeriodKind.ALL, None,
         ["from: 'yesterday' is not a date (YYYY-MM-DD)"]),
    ],
)  # fmt: skip
def test_read_period(
    params: dict[str, str], kind: PeriodKind, first_day: date | None, problems: list[str]
) -> None:
    form = FormReader(params)
    period = read_period(form, zone=UTC_ZONE, now=NOW)
    assert period.kind is kind
    assert (period.span.first_day if period.span else None) == first_day
    assert [problem.split(":")[0] for problem in form.problems] == [
        problem.split(":")[0] for problem in problems
    ]
    for expected, got in zip(problems, form.problems, strict=True):
        assert got.startswith(expected)


@pytest.mark.parametrize(
    ("value", "number", "problem"),
    [
        ("", 10, None),
        ("7", 7, None),
        ("x", 10, "n: 'x' is not a whole number"),
        ("0", 10, "n: must be between 1 and 20"),
        ("21", 10, "n: must be between 1 and 20"),
    ],
)
def test_integer_falls_back_to_its_default(value: str, number: int, problem: str | None) -> None:
    form = FormReader({"n": value})
    assert form.integer("n", 10, minimum=1, maximum=20) == number
    assert form.problems == ([] if problem is None else [problem])


def test_text_refuses_what_no_stored_key_can_hold() -> None:
    form = FormReader({"map": "a\x00b", "agent": "  ", "mode": "x" * 201})
    assert form.text("map") is None
    assert form.text("agent") is None
    assert form.text("mode") is None
    assert len(form.problems) == 2


def test_report_form_shows_back_what_was_given() -> None:
    form = FormReader({"period": " week ", "game": "chess", "map": "Haven"})
    _, shown = read_report_form(form, zone=UTC_ZONE, now=NOW)
    assert shown == {"period": "week", "from": "", "to": "", "game": "", "map": "Haven"}
    assert form.problems == ["game: 'chess' is not one of cs2, valorant"]
    assert query_of(shown, offset=50) == "period=week&map=Haven&offset=50"


@pytest.mark.parametrize(
    ("params", "shown", "problems"),
    [
        ({}, {"granularity": "day", "recent": "10"}, 0),
        ({"granularity": "hour", "recent": "3"}, {"granularity": "hour", "recent": "3"}, 0),
        ({"granularity": "minute", "recent": "101"}, {"granularity": "day", "recent": "10"}, 2),
    ],
)
def test_trend_form_falls_back_to_its_defaults(
    params: dict[str, str], shown: dict[str, str], problems: int
) -> None:
    form = FormReader(params)
    assert read_trend_form(form) == shown
    assert len(form.problems) == problems


def test_filters_leave_empty_values_out_and_fall_back_to_none() -> None:
    form = FormReader({})
    assert build_filters(form, PlayerFilters, map_name="Haven", agent="") == PlayerFilters(
        map_name="Haven"
    )
    assert build_filters(form, PlayerFilters, side="middle") == PlayerFilters()
    assert form.problems == ["side: unknown side 'middle': expected attack or defense"]
