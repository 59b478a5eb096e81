"""The day a match counts on, in the deployment's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from scoreline.rollups.buckets import bucket_day


@pytest.mark.parametrize(
    ("started_at", "zone", "day"),
    [
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "UTC", date(2026, 3, 1)),
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 2)),
        (datetime(2026, 3, 1, 22, 59, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 1)),
        (datetime(2026, 3, 1, 23, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 2)),
        # Summer time (CEST, UTC+2) moves the boundary an hour earlier.
        (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), "Europe/Berlin", date(2026, 7, 2)),
        (datetime(2026, 7, 1, 21, 59, tzinfo=UTC), "Europe/Berlin", date(2026, 7, 1)),
        # The night of the spring change: 01:30 UTC is 03:30 CEST.
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 29)),
        (datetime(2026, 3, 2, 3, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 1)),
        (datetime(2026, 3, 1, 12, 0, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 2)),
        # Any aware datetime: the instant counts, not the offset it was written with.
        (
            datetime(2026, 3, 2, 0, 30, tzinfo=timezone(timedelta(hours=2))),
            "UTC",
            date(2026, 3, 1),
        ),
    ],
)
def test_the_bucket_is_the_local_date_of_the_start(
    started_at: datetime, zone: str, day: date
) -> None:
    assert bucket_day(started_at, ZoneInfo(zone)) == day


def test_the_default_zone_is_utc() -> None:
    assert bucket_day(datetime(2026, 3, 1, 23, 59, tzinfo=UTC)) == date(2026, 3, 1)


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        bucket_day(datetime(2026, 3, 1, 12, 0))  # noqa: DTZ001 - the case under test
