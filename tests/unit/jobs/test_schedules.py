from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scoreline.jobs.errors import InvalidJobError, InvalidScheduleError
from scoreline.jobs.schedules import (
    Schedule,
    compute_latest_slot,
    compute_next_slot,
    compute_slot_key,
    find_due_slots,
)

PLUS_ONE = timezone(timedelta(hours=1))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "now", "latest", "following"),
    [
        ("0 * * * *", utc(2024, 1, 1, 12, 30), utc(2024, 1, 1, 12), utc(2024, 1, 1, 13)),
        # A slot that falls exactly on now is due now, and the next one is strictly later.
        ("0 * * * *", utc(2024, 1, 1, 12), utc(2024, 1, 1, 12), utc(2024, 1, 1, 13)),
        (
            "0 * * * *",
            utc(2024, 1, 1, 11, 59, 59, 999_999),
            utc(2024, 1, 1, 11),
            utc(2024, 1, 1, 12),
        ),
        (
            "*/15 * * * *",
            utc(2024, 1, 1, 12, 44, 59),
            utc(2024, 1, 1, 12, 30),
            utc(2024, 1, 1, 12, 45),
        ),
        ("0 0 * * *", utc(2024, 3, 1, 0, 0, 1), utc(2024, 3, 1), utc(2024, 3, 2)),
        ("0 0 1 * *", utc(2024, 2, 15), utc(2024, 2, 1), utc(2024, 3, 1)),
        ("0 0 29 2 *", utc(2024, 3, 1), utc(2024, 2, 29), utc(2028, 2, 29)),
        # Sundays 23:30, seen from a Monday.
        ("30 23 * * 0", utc(2024, 1, 1), utc(2023, 12, 31, 23, 30), utc(2024, 1, 7, 23, 30)),
        # Expressions are read in UTC whatever the zone of now (13:30+01:00 is 12:30 UTC).
        (
            "0 12 * * *",
            datetime(2024, 1, 1, 13, 30, tzinfo=PLUS_ONE),
            utc(2024, 1, 1, 12),
            utc(2024, 1, 2, 12),
        ),
        ("@daily", utc(2024, 5, 5, 5, 5), utc(2024, 5, 5), utc(2024, 5, 6)),
    ],
)
def test_slots_around_now_follow_the_cron_expression(
    cron: str, now: datetime, latest: datetime, following: datetime
) -> None:
    assert compute_latest_slot(cron, now) == latest
    assert compute_latest_slot(cron, now).tzinfo == UTC
    assert compute_next_slot(cron, now) == following


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (utc(2024, 1, 1, 12), "rollups.daily@2024-01-01T12:00:00+00:00"),
        (datetime(2024, 1, 1, 13, tzinfo=PLUS_ONE), "rollups.daily@2024-01-01T12:00:00+00:00"),
    ],
)
def test_slot_key_names_the_schedule_and_the_utc_slot(slot: datetime, expected: str) -> None:
    assert compute_slot_key("rollups.daily", slot) == expected


def test_due_slots_give_each_schedule_its_latest_slot_only() -> None:
    hourly = Schedule("hourly", "0 * * * *", "rollups.hourly")
    daily = Schedule("daily", "0 0 * * *", "rollups.daily", {"scope": "all"})

    due = find_due_slots([hourly, daily], utc(2024, 1, 3, 5, 10))

    assert due == [(hourly, utc(2024, 1, 3, 5)), (daily, utc(2024, 1, 3))]


@pytest.mark.parametrize(
    ("name", "cron"),
    [
        ("daily", "not a cron"),
        ("daily", "61 * * * *"),
        ("", "0 * * * *"),
        ("daily@noon", "0 12 * * *"),
    ],
)
def test_schedule_refuses_bad_names_and_expressions(name: str, cron: str) -> None:
    with pytest.raises(InvalidScheduleError):
        Schedule(name, cron, "rollups.daily")


def test_slots_refuse_naive_datetimes() -> None:
    with pytest.raises(InvalidJobError, match="naive"):
        compute_latest_slot("0 * * * *", datetime(2024, 1, 1))  # noqa: DTZ001 (the point)
