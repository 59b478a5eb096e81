"""A report page's sections: period totals against the period before, splits and the trend.

A Section lists its candidate sources (scoreline.reports.facts), fastest first, and reads
the first that has every dimension the request filters or groups on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from scoreline.reports.facts import DAY, STARTED_AT, FactSource, find_time_range, sum_facts
from scoreline.reports.lines import build_line, compute_changes
from scoreline.rollups.derived import Figures, Sums
from scoreline.rollups.periods import (
    ONE_DAY,
    BucketSeries,
    DaySpan,
    Granularity,
    Period,
    build_series,
    local_day,
    span_of_days,
)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a page: its candidate sources, fastest first, each with the measures it
    sums there; the fields of its lines; and how figures derive from the sums."""

    candidates: tuple[tuple[FactSource, tuple[str, ...]], ...]
    line_measures: tuple[str, ...]
    derive: Callable[[Sums], Figures]

    def choose(
        self, needed: Sequence[str], *, by_day: bool = True
    ) -> tuple[FactSource, tuple[str, ...]] | None:
        for source, measures in self.candidates:
            if source.supports(needed) and (by_day or not source.by_day):
                return source, measures
        return None


def load_period_totals(
    conn: Connection, section: Section, equal: Mapping[str, Any], period: Period
) -> dict[str, Any]:
    """The section's line over ``period`` (``totals``), over the period before
    (``previous``, None for all time) and the % change between them (``change``), summed
    from the first candidate keyed by every filter (``source``)."""
    chosen = section.choose(tuple(equal))
    assert chosen is not None, "a section's last candidate must be keyed by every filter"
    source, measures = chosen
    current = _sum_total(conn, source, equal, period.span, measures)
    if period.previous is None:
        previous_line, change = None, None
    else:
        previous = _sum_total(conn, source, equal, period.previous, measures)
        previous_line = build_line({}, previous, section.line_measures, section.derive)
        change = compute_changes(current, previous, section.line_measures, section.derive)
    return {
        "source": source.name,
        "totals": build_line({}, current, section.line_measures, section.derive),
        "previous": previous_line,
        "change": change,
    }


def load_split(
    conn: Connection,
    section: Section,
    equal: Mapping[str, Any],
    key: str,
    span: DaySpan | None,
    *,
    most_first: bool = True,
) -> list[dict[str, Any]] | None:
    """One line per value of ``key`` under the filters ``equal`` (None when no candidate
    has them all); ``most_first`` orders them by their first line measure, the most
    played first, with the key breaking ties, else they are in key order."""
    # The filter on the split's own key stays: a map split under map=X is that one map.
    chosen = section.choose((*equal, key))
    if chosen is None:
        return None
    source, measures = chosen
    rows = sum_facts(conn, source, equal=equal, span=span, group_by=(key,), measures=measures)
    lines = [
        build_line({key: row[key]}, row, section.line_measures, section.derive) for row in rows
    ]
    if not most_first:
        return lines
    count = section.line_measures[0]
    return sorted(lines, key=lambda line: (-(line[count] or 0), str(line[key])))


def load_trend(
    conn: Connection,
    section: Section,
    equal: Mapping[str, Any],
    period: Period,
    zone: ZoneInfo,
    granularity: Granularity,
    *,
    measures: Sequence[str],
    derive: Callable[[Sums], Figures],
) -> dict[str, Any]:
    """Every ``granularity`` bucket of the period (all time: from the first selected day
    to the last) with ``measures`` summed and the figures ``derive`` gives, empty buckets
    at 0; a measure the chosen source lacks is None. Hourly buckets need a per-match
    source: the rollups are daily."""
    chosen = section.choose(tuple(equal), by_day=granularity is not Granularity.HOUR)
    assert chosen is not None, "a section's last candidate must be keyed by every filter"
    source, source_measures = chosen
    summed = tuple(name for name in measures if name in source_measures)
    trend: dict[str, Any] = {"granularity": granularity.value, "source": source.name}
    span = _series_span(conn, source, equal, period, zone)
    if span is None:
        return {**trend, "points": []}
    series = build_series(span, granularity, zone)
    time_dim = DAY if source.by_day else STARTED_AT
    rows = sum_facts(conn, source, equal=equal, span=span, group_by=(time_dim,), measures=summed)
    buckets = _bucket_rows(series, rows, by_day=source.by_day, measures=summed)
    points = [
        build_line({"start": bucket.start, "end": bucket.end}, sums, measures, derive)
        for bucket, sums in series.fill(buckets, lambda: dict.fromkeys(summed, 0))
    ]
    return {**trend, "points": points}


def _sum_total(
    conn: Connection,
    source: FactSource,
    equal: Mapping[str, Any],
    span: DaySpan | None,
    measures: Sequence[str],
) -> dict[str, int]:
    (row,) = sum_facts(conn, source, equal=equal, span=span, measures=measures)
    return row


def _series_span(
    conn: Connection,
    source: FactSource,
    equal: Mapping[str, Any],
    period: Period,
    zone: ZoneInfo,
) -> DaySpan | None:
    """The period's days, or for all time the days from the first to the last row that
    ``equal`` selects (None when there is none)."""
    if period.span is not None:
        return period.span
    found = find_time_range(conn, source, equal=equal)
    if found is None:
        return None
    first, last = found
    if not source.by_day:
        first, last = local_day(first, zone), local_day(last, zone)
    return span_of_days(first, last + ONE_DAY, zone)


def _bucket_rows(
    series: BucketSeries,
    rows: Sequence[dict[str, Any]],
    *,
    by_day: bool,
    measures: Sequence[str],
) -> dict[int, dict[str, int]]:
    """Rows grouped by day (rollups) or start instant (per-match) summed into buckets."""
    buckets: dict[int, dict[str, int]] = {}
    for row in rows:
        index = series.index_of_day(row[DAY]) if by_day else series.index_of(row[STARTED_AT])
        if index is not None:
            total = buckets.setdefault(index, {})
            for name in measures:
                total[name] = total.get(name, 0) + row[name]
    return buckets
