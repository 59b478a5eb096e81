"""Matches and rounds played over time, by hour, day or week, from the stored matches.

Every stored match counts, computed or not (activity is what was played, not what the
worker has reached), bucketed by its start in the deployment's timezone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select
from sqlalchemy.sql.elements import ColumnElement

from scoreline.reports.filters import KeyFilters
from scoreline.reports.period_view import describe_period
from scoreline.rollups.periods import (
    ONE_DAY,
    Granularity,
    Period,
    build_series,
    local_day,
    span_of_days,
)
from scoreline.store.schema import matches

ACTIVITY_COLUMNS = ("start", "end", "matches", "rounds")


@dataclass(frozen=True, slots=True)
class ActivityFilters(KeyFilters):
    """Which matches count; None counts every one (the map matched exactly)."""

    game: str | None = None
    map_name: str | None = None


def load_activity(
    conn: Connection,
    *,
    period: Period,
    zone: ZoneInfo,
    granularity: Granularity,
    filters: ActivityFilters = ActivityFilters(),
) -> dict[str, Any]:
    """Matches and rounds per bucket of the period (all time: from the first stored match's
    day to the last's), every bucket present, empty ones at 0; and the totals."""
    # The filters are named as the columns of `matches` they match.
    conditions: list[ColumnElement[bool]] = [
        matches.c[name] == value for name, value in filters.dims().items()
    ]
    span = period.span
    if span is None:
        first, last = conn.execute(
            select(func.min(matches.c.started_at), func.max(matches.c.started_at)).where(
                *conditions
            )
        ).one()
        if first is not None:
            span = span_of_days(local_day(first, zone), local_day(last, zone) + ONE_DAY, zone)
    result: dict[str, Any] = {
        "granularity": granularity.value,
        "period": describe_period(period, zone),
        "filters": filters.view(),
    }
    if span is None:
        return {**result, "matches": 0, "rounds": 0, "items": []}
    series = build_series(span, granularity, zone)
    conditions.extend([matches.c.started_at >= span.start, matches.c.started_at < span.end])
    counts: dict[int, list[int]] = {}
    rows = conn.execute(select(matches.c.started_at, matches.c.round_count).where(*conditions))
    for started_at, round_count in rows:
        index = series.index_of(started_at)
        if index is not None:
            bucket = counts.setdefault(index, [0, 0])
            bucket[0] += 1
            bucket[1] += round_count
    items = [
        {"start": bucket.start, "end": bucket.end, "matches": pair[0], "rounds": pair[1]}
        for bucket, pair in series.fill(counts, lambda: [0, 0])
    ]
    return {
        **result,
        "matches": sum(item["matches"] for item in items),
        "rounds": sum(item["rounds"] for item in items),
        "items": items,
    }
