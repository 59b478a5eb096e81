"""Retention's pure rules: cutoffs, how many matches fit in a batch, and sweeps added up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scoreline.store.retention import (
    MAX_MATCH_WINDOW,
    RetentionPolicy,
    TableSweep,
    compute_cutoff,
    compute_next_window,
    count_fitting_matches,
)

NOW = datetime(2027, 3, 1, 3, 17, tzinfo=UTC)
DAY_1 = datetime(2026, 1, 1, tzinfo=UTC)
DAY_2 = datetime(2026, 1, 2, tzinfo=UTC)
DAY_3 = datetime(2026, 1, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (None, None),
        (1, datetime(2027, 2, 28, 3, 17, tzinfo=UTC)),
        (30, datetime(2027, 1, 30, 3, 17, tzinfo=UTC)),
        (365, datetime(2026, 3, 1, 3, 17, tzinfo=UTC)),
    ],
)
def test_the_cutoff_is_the_given_days_before_now(days: int | None, expected: datetime) -> None:
    assert compute_cutoff(NOW, days) == expected


def test_the_cutoff_is_the_same_instant_in_any_zone() -> None:
    paris_winter = timezone(timedelta(hours=1))

    assert compute_cutoff(NOW.astimezone(paris_winter), 30) == compute_cutoff(NOW, 30)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        compute_cutoff(datetime(2027, 3, 1), 30)  # noqa: DTZ001 (the case under test)


@pytest.mark.parametrize(
    ("rows", "batch_rows", "expected"),
    [
        ([], 100, 0),
        ([40, 40, 40], 100, 2),
        ([50, 50, 1], 100, 2),  # exactly full
        ([30, 30, 30], 100, 3),  # all fit
        ([500, 10], 100, 1),  # a match larger than a batch still goes, alone
        ([10, 500, 10], 100, 1),  # and never joins others
        ([0, 0, 100, 1], 100, 3),  # a match with nothing left counts for nothing
        ([1, 1, 1], 1, 1),
    ],
)
def test_a_batch_takes_the_leading_matches_that_fit(
    rows: list[int], batch_rows: int, expected: int
) -> None:
    assert count_fitting_matches(rows, batch_rows) == expected


@pytest.mark.parametrize(
    ("window", "taken", "expected"),
    [
        (8, 8, 16),  # every match looked at fitted: look at more next time
        (8, 3, 4),  # three fitted: the next batch looks at one more than that
        (8, 1, 2),
        (MAX_MATCH_WINDOW, MAX_MATCH_WINDOW, MAX_MATCH_WINDOW),
        (200, 200, MAX_MATCH_WINDOW),
        (8, 0, 1),
    ],
)
def test_the_next_window_follows_how_many_matches_fitted(
    window: int, taken: int, expected: int
) -> None:
    assert compute_next_window(window, taken) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (
            TableSweep("round_kills"),
            TableSweep("round_kills", 5, DAY_2, DAY_3),
            TableSweep("round_kills", 5, DAY_2, DAY_3),
        ),
        (
            TableSweep("round_kills", 3, DAY_2, DAY_2),
            TableSweep("round_kills", 5, DAY_1, DAY_3),
            TableSweep("round_kills", 8, DAY_1, DAY_3),
        ),
        (
            TableSweep("round_kills", 3, DAY_1, DAY_3),
            TableSweep("round_kills", 0, None, None),
            TableSweep("round_kills", 3, DAY_1, DAY_3),
        ),
    ],
)
def test_sweeps_add_their_rows_and_widen_their_span(
    first: TableSweep, second: TableSweep, expected: TableSweep
) -> None:
    assert first.add(second) == expected
    assert second.add(first) == expected


def test_sweeps_of_different_tables_do_not_add() -> None:
    with pytest.raises(ValueError, match="round_damage"):
        TableSweep("round_kills").add(TableSweep("round_damage"))


@pytest.mark.parametrize(
    ("payload_days", "event_days", "enabled"),
    [(None, None, False), (30, None, True), (None, 90, True), (30, 90, True)],
)
def test_a_policy_is_enabled_when_either_age_is_set(
    payload_days: int | None, event_days: int | None, enabled: bool
) -> None:
    assert RetentionPolicy(payload_days, event_days, 5000).enabled is enabled


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, None, 5000), "raw_payload_days"),
        ((None, -1, 5000), "round_event_days"),
        ((30, 90, 0), "batch_rows"),
    ],
)
def test_impossible_policies_are_refused(
    arguments: tuple[int | None, int | None, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RetentionPolicy(*arguments)
