"""The day a match counts on: the calendar date of its start in the deployment's timezone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")


def bucket_day(started_at: datetime, zone: ZoneInfo = UTC_ZONE) -> date:
    """The date ``started_at`` falls on in ``zone``: a match at 23:30 UTC counts on the next
    day in Europe/Berlin. Naive datetimes are refused (their instant is unknown)."""
    if started_at.utcoffset() is None:
        raise ValueError(f"started_at must be timezone-aware, got {started_at!r}")
    return started_at.astimezone(zone).date()
