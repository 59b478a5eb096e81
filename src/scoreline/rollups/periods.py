"""Reporting periods in a timezone: their bounds, the period before, % change, time buckets."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from scoreline.domain.errors import ScorelineError

_V = TypeVar("_V")

DAYS_PER_WEEK = 7
ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)
# A series longer than this asks for a coarser granularity (10,000 hours is 14 months).
MAX_BUCKETS = 10_000
# Days a period may name: wide enough for any match, narrow enough that the period before
# and the instants of its bounds stay inside what datetime can represent.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9000, 12, 31)
RANGE_SEPARATOR = ".."


class PeriodError(ScorelineError):
    """A period, a date bound or a granularity that cannot be resolved; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class PeriodKind(StrEnum):
    TODAY = "today"
    WEEK = "week"  # the ISO week, Monday to Sunday
    MONTH = "month"  # the calendar month
    ALL = "all"
    RANGE = "range"  # from..to, both days included


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class DaySpan:
    """The local days [first_day, end_day) of a timezone and the instants [start, end) they
    cover.

    A match belongs to the span exactly when the local date of its start is one of the days,
    so the daily rollups (bucketed by that date) and the per-match tables (filtered on
    started_at between start and end) select the same matches.
    """

    first_day: date
    end_day: date
    start: datetime
    end: datetime

    @property
    def last_day(self) -> date:
        return self.end_day - ONE_DAY

    @property
    def day_count(self) -> int:
        return (self.end_day - self.first_day).days

    def contains(self, instant: datetime) -> bool:
        # In UTC: aware datetimes sharing a tzinfo compare by wall time, fold ignored.
        return self.start.astimezone(UTC) <= instant.astimezone(UTC) < self.end.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Period:
    """A resolved period: its days (None for all time) and those of the period before it,
    of the same kind and length (None for all time)."""

    kind: PeriodKind
    span: DaySpan | None
    previous: DaySpan | None


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of the local ``day`` in ``zone``, as an aware datetime in ``zone``.

    That is midnight, unless a DST gap swallows midnight (America/Sao_Paulo until 2018): a
    missing wall time with fold=0 takes the offset before the change, which maps it to the
    instant of the change, the first instant the day has.
    """
    return datetime.combine(day, time(0), zone).astimezone(UTC).astimezone(zone)


def span_of_days(first_day: date, end_day: date, zone: ZoneInfo) -> DaySpan:
    """The span of the local days [first_day, end_day) in ``zone``."""
    if end_day <= first_day:
        raise ValueError(f"an empty span: {first_day} .. {end_day} (end excluded)")
    return DaySpan(first_day, end_day, start_of_day(first_day, zone), start_of_day(end_day, zone))


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The date ``instant`` falls on in ``zone`` (the rollups' bucket day)."""
    if instant.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, got {instant!r}")
    return instant.astimezone(zone).date()


def resolve_period(
    period: str | None,
    *,
    from_day: date | None = None,
    to_day: date | None = None,
    zone: ZoneInfo,
    now: datetime,
) -> Period:
    """The period a request names, in ``zone`` at ``now``.

    ``period`` is today, week, month, all or ``FROM..TO`` (ISO dates, both included);
    ``from_day`` / ``to_day`` give a range the other way (``from_day`` alone runs to today).
    Neither given means all time. The previous period of today is yesterday, of a week the
    week before, of a month the whole calendar month before (February before March 31:
    months are never shifted day by day), and of a range of N days the N days before it.
    """
    today = local_day(now, zone)
    if from_day is not None or to_day is not None:
        if period not in (None, PeriodKind.RANGE.value):
            raise PeriodError("period", "give either period or from/to, not both")
        if from_day is None:
            raise PeriodError("from", "from is required when to is given")
        return _range_period(from_day, to_day if to_day is not None else today, zone)
    if period is None or period == PeriodKind.ALL.value:
        return Period(PeriodKind.ALL, None, None)
    if period == PeriodKind.TODAY.value:
        return _calendar_period(PeriodKind.TODAY, today, today + ONE_DAY, today - ONE_DAY, zone)
    if period == PeriodKind.WEEK.value:
        monday = today - timedelta(days=today.weekday())
        week = timedelta(days=DAYS_PER_WEEK)
        return _calendar_period(PeriodKind.WEEK, monday, monday + week, monday - week, zone)
    if period == PeriodKind.MONTH.value:
        first = today.replace(day=1)
        return _calendar_period(
            PeriodKind.MONTH, first, _next_month(first), _previous_month(first), zone
        )
    if RANGE_SEPARATOR in period:
        first_text, _, last_text = period.partition(RANGE_SEPARATOR)
        return _range_period(
            _parse_day("period", first_text), _parse_day("period", last_text), zone
        )
    raise PeriodError(
        "period",
        f"unknown period {period!r}: expected today, week, month, all or YYYY-MM-DD..YYYY-MM-DD",
    )


def _calendar_period(
    kind: PeriodKind, first: date, end: date, previous_first: date, zone: ZoneInfo
) -> Period:
    return Period(kind, span_of_days(first, end, zone), span_of_days(previous_first, first, zone))


def _range_period(first_day: date, last_day: date, zone: ZoneInfo) -> Period:
    for name, day in (("from", first_day), ("to", last_day)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise PeriodError(name, f"{day} is outside {EARLIEST_DAY} .. {LATEST_DAY}")
    if first_day > last_day:
        raise PeriodError("from", f"from {first_day} is after to {last_day}")
    end_day = last_day + ONE_DAY
    length = end_day - first_day
    return Period(
        PeriodKind.RANGE,
        span_of_days(first_day, end_day, zone),
        span_of_days(first_day - length, first_day, zone),
    )


def _parse_day(field_name: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(field_name, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _next_month(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def percent_change(current: float | None, previous: float | None) -> float | None:
    """The change from ``previous`` to ``current`` in percent of ``|previous|``.

    None when either is unknown or ``previous`` is 0: there is no base to compare with, and
    a change is never infinite.
    """
    if current is None or previous is None or previous == 0:
        return None
    return 100 * (current - previous) / abs(previous)


@dataclass(frozen=True, slots=True)
class Bucket:
    """One point of a time series: the instants [start, end), in the series' timezone."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class BucketSeries:
    """The consecutive buckets of a span at one granularity, and where an instant falls.

    Hours are real hours (a DST spring-forward day has 23, a fall-back day 25, each labelled
    with its own offset); days and weeks begin at local midnight (a day lasts 23 or 25 hours
    across a DST change); weeks begin on Monday and are cut to the span at its ends.
    """

    granularity: Granularity
    zone: ZoneInfo
    buckets: tuple[Bucket, ...]
    # Bounds in UTC: aware datetimes sharing a tzinfo compare by wall time, fold ignored,
    # so the two 02:30 of a fall-back night would be equal.
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)
    _ends: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(b.start.astimezone(UTC) for b in self.buckets))
        object.__setattr__(self, "_ends", tuple(b.end.astimezone(UTC) for b in self.buckets))

    def index_of(self, instant: datetime) -> int | None:
        """The position of the bucket holding ``instant``, None outside the series."""
        utc = instant.astimezone(UTC)
        position = bisect_right(self._starts, utc) - 1
        if position < 0 or utc >= self._ends[position]:
            return None
        return position

    def index_of_day(self, day: date) -> int | None:
        """The position of the bucket holding the local ``day`` (day and week series)."""
        return self.index_of(start_of_day(day, self.zone))

    def fill(self, values: Mapping[int, _V], empty: Callable[[], _V]) -> list[tuple[Bucket, _V]]:
        """Every bucket with its value, ``empty()`` for the buckets ``values`` lacks."""
        return [
            (bucket, values[i] if i in values else empty()) for i, bucket in enumerate(self.buckets)
        ]


def build_series(span: DaySpan, granularity: Granularity, zone: ZoneInfo) -> BucketSeries:
    """The buckets covering ``span`` at ``granularity``; PeriodError past MAX_BUCKETS."""
    estimate = {
        Granularity.HOUR: (span.end.astimezone(UTC) - span.start.astimezone(UTC)) // ONE_HOUR,
        Granularity.DAY: span.day_count,
        Granularity.WEEK: span.day_count // DAYS_PER_WEEK + 2,
    }[granularity]
    if estimate > MAX_BUCKETS:
        raise PeriodError(
            "granularity",
            f"{span.first_day} .. {span.last_day} by {granularity.value} is over {MAX_BUCKETS} "
            "points: choose a coarser granularity or a shorter period",
        )
    if granularity is Granularity.HOUR:
        starts = _hour_starts(span, zone)
    elif granularity is Granularity.DAY:
        starts = [start_of_day(span.first_day + ONE_DAY * n, zone) for n in range(span.day_count)]
    else:
        starts = [span.start, *_monday_starts(span, zone)]
    ends = [*starts[1:], span.end]
    return BucketSeries(
        granularity, zone, tuple(Bucket(s, e) for s, e in zip(starts, ends, strict=True))
    )


def _hour_starts(span: DaySpan, zone: ZoneInfo) -> list[datetime]:
    # Stepping in UTC visits every real hour once: local wall clocks repeat or skip one.
    first = span.start.astimezone(UTC)
    end = span.end.astimezone(UTC)
    count = -(-(end - first) // ONE_HOUR)
    return [(first + ONE_HOUR * n).astimezone(zone) for n in range(count)]


def _monday_starts(span: DaySpan, zone: ZoneInfo) -> list[datetime]:
    days_to_monday = (DAYS_PER_WEEK - span.first_day.weekday()) % DAYS_PER_WEEK or DAYS_PER_WEEK
    monday = span.first_day + timedelta(days=days_to_monday)
    mondays = []
    while monday < span.end_day:
        mondays.append(start_of_day(monday, zone))
        monday += timedelta(days=DAYS_PER_WEEK)
    return mondays
