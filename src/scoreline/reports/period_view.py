"""A resolved period as the API and the dashboard show it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from scoreline.rollups.periods import DaySpan, Period


def describe_span(span: DaySpan | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "first_day": span.first_day,
        "last_day": span.last_day,
        "start": span.start,
        "end": span.end,
    }


def describe_period(period: Period, zone: ZoneInfo) -> dict[str, Any]:
    """The kind, the timezone, the days and instants of the period and of the one before
    (None for all time)."""
    return {
        "kind": period.kind.value,
        "timezone": zone.key,
        "current": describe_span(period.span),
        "previous": describe_span(period.previous),
    }
