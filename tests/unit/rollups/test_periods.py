"""Period bounds, the period before, % change and time buckets, from tables of cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from scoreline.rollups.periods import (
    MAX_BUCKETS,
    Granularity,
    PeriodError,
    PeriodKind,
    build_series,
    local_day,
    percent_change,
    resolve_period,
    span_of_days,
    start_of_day,
)

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("period", "now", "zone", "first", "last", "previous_first", "previous_last"),
    [
        # today, and yesterday before it
        ("today", "2026-03-15T12:00:00+00:00", UTC_ZONE, "2026-03-15", "2026-03-15",
         "2026-03-14", "2026-03-14"),
        # 23:30 UTC is already the next day in Berlin
        ("today", "2026-03-15T23:30:00+00:00", BERLIN, "2026-03-16", "2026-03-16",
         "2026-03-15", "2026-03-15"),
        # ISO weeks: Monday to Sunday, whatever day now is
        ("week", "2026-03-16T00:00:00+00:00", UTC_ZONE, "2026-03-16", "2026-03-22",
         "2026-03-09", "2026-03-15"),
        ("week", "2026-03-22T23:59:59+00:00", UTC_ZONE, "2026-03-16", "2026-03-22",
         "2026-03-09", "2026-03-15"),
        # a week across the turn of the year
        ("week", "2027-01-01T10:00:00+00:00", UTC_ZONE, "2026-12-28", "2027-01-03",
         "2026-12-21", "2026-12-27"),
        # Sunday 23:30 in New York is Monday 04:30 UTC
        ("week", "2026-03-23T03:30:00+00:00", NEW_YORK, "2026-03-16", "2026-03-22",
         "2026-03-09", "2026-03-15"),
        # calendar months of every length; the month before March 31 is all of February
        ("month", "2026-03-31T12:00:00+00:00", UTC_ZONE, "2026-03-01", "2026-03-31",
         "2026-02-01", "2026-02-28"),
        ("month", "2028-03-31T12:00:00+00:00", UTC_ZONE, "2028-03-01", "2028-03-31",
         "2028-02-01", "2028-02-29"),  # leap year
        ("month", "2026-02-10T12:00:00+00:00", UTC_ZONE, "2026-02-01", "2026-02-28",
         "2026-01-01", "2026-01-31"),
        ("month", "2026-01-31T12:00:00+00:00", UTC_ZONE, "2026-01-01", "2026-01-31",
         "2025-12-01", "2025-12-31"),
        ("month", "2026-05-31T12:00:00+00:00", UTC_ZONE, "2026-05-01", "2026-05-31",
         "2026-04-01", "2026-04-30"),
        ("month", "2026-12-15T12:00:00+00:00", UTC_ZONE, "2026-12-01", "2026-12-31",
         "2026-11-01", "2026-11-30"),
        # ranges: both days included, the same number of days before
        ("2026-03-01..2026-03-07", "2026-06-01T00:00:00+00:00", UTC_ZONE, "2026-03-01",
         "2026-03-07", "2026-02-22", "2026-02-28"),
        ("2028-02-28..2028-03-01", "2026-06-01T00:00:00+00:00", UTC_ZONE, "2028-02-28",
         "2028-03-01", "2028-02-25", "2028-02-27"),
        ("2026-03-05..2026-03-05", "2026-06-01T00:00:00+00:00", UTC_ZONE, "2026-03-05",
         "2026-03-05", "2026-03-04", "2026-03-04"),
    ],
)  # fmt: skip
def test_period_days_and_the_period_before(
    period: str,
    now: str,
    zone: ZoneInfo,
    first: str,
    last: str,
    previous_first: str,
    previous_last: str,
) -> None:
    resolved = resolve_period(period, zone=zone, now=at(now))
    assert resolved.span is not None
    assert resolved.previous is not None
    assert (resolved.span.first_day, resolved.span.last_day) == (
        date.fromisoformat(first),
        date.fromisoformat(last),
    )
    assert (resolved.previous.first_day, resolved.previous.last_day) == (
        date.fromisoformat(previous_first),
        date.fromisoformat(previous_last),
    )
    # the period before ends where this one starts: no day is in both, none is skipped
    assert resolved.previous.end_day == resolved.span.first_day
    assert resolved.previous.end == resolved.span.start


@pytest.mark.parametrize(
    ("day", "zone", "start", "hours"),
    [
        ("2026-03-15", UTC_ZONE, "2026-03-15T00:00:00+00:00", 24),
        ("2026-03-29", BERLIN, "2026-03-29T00:00:00+01:00", 23),  # spring forward
        ("2026-10-25", BERLIN, "2026-10-25T00:00:00+02:00", 25),  # fall back
        ("2026-10-26", BERLIN, "2026-10-26T00:00:00+01:00", 24),
        ("2026-03-08", NEW_YORK, "2026-03-08T00:00:00-05:00", 23),
        ("2026-11-01", NEW_YORK, "2026-11-01T00:00:00-04:00", 25),
        # a DST gap at midnight: the day begins at 01:00
        ("2018-11-04", SAO_PAULO, "2018-11-04T01:00:00-02:00", 23),
    ],
)
def test_a_day_spans_its_real_instants(day: str, zone: ZoneInfo, start: str, hours: int) -> None:
    the_day = date.fromisoformat(day)
    span = span_of_days(the_day, the_day + timedelta(days=1), zone)
    assert span.start == at(start)
    assert span.start.utcoffset() == at(start).utcoffset()
    assert (span.end.astimezone(UTC) - span.start.astimezone(UTC)) == timedelta(hours=hours)
    assert local_day(span.start, zone) == the_day
    assert local_day(span.end - timedelta(microseconds=1), zone) == the_day


def test_a_span_holds_exactly_the_instants_of_its_local_days() -> None:
    span = span_of_days(date(2026, 10, 25), date(2026, 10, 26), BERLIN)
    inside = [at("2026-10-24T22:00:00+00:00"), at("2026-10-25T22:59:59+00:00")]
    outside = [at("2026-10-24T21:59:59+00:00"), at("2026-10-25T23:00:00+00:00")]
    assert all(span.contains(t) for t in inside)
    assert not any(span.contains(t) for t in outside)
    assert all(local_day(t, BERLIN) == date(2026, 10, 25) for t in inside)


def test_today_in_a_zone_starts_at_local_midnight() -> None:
    resolved = resolve_period("today", zone=NEW_YORK, now=at("2026-07-01T03:00:00+00:00"))
    assert resolved.span is not None
    assert resolved.span.first_day == date(2026, 6, 30)
    assert resolved.span.start == at("2026-06-30T00:00:00-04:00")


@pytest.mark.parametrize(
    ("period", "from_day", "to_day", "first", "last"),
    [
        (None, date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 1), date(2026, 3, 3)),
        ("range", date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 1), date(2026, 3, 3)),
        (None, date(2026, 3, 1), None, date(2026, 3, 1), date(2026, 3, 20)),  # to today
    ],
)
def test_from_and_to_give_a_range(
    period: str | None, from_day: date, to_day: date | None, first: date, last: date
) -> None:
    resolved = resolve_period(
        period, from_day=from_day, to_day=to_day, zone=UTC_ZONE, now=at("2026-03-20T10:00:00Z")
    )
    assert resolved.kind is PeriodKind.RANGE
    assert resolved.span is not None
    assert (resolved.span.first_day, resolved.span.last_day) == (first, last)


@pytest.mark.parametrize("period", [None, "all"])
def test_all_time_has_no_bounds_and_no_period_before(period: str | None) -> None:
    resolved = resolve_period(period, zone=UTC_ZONE, now=at("2026-03-20T10:00:00Z"))
    assert resolved.kind is PeriodKind.ALL
    assert resolved.span is None
    assert resolved.previous is None


@pytest.mark.parametrize(
    ("period", "from_day", "to_day", "field", "words"),
    [
        ("fortnight", None, None, "period", "unknown period 'fortnight'"),
        ("2026-03-09..2026-03-01", None, None, "from", "is after to"),
        ("2026-13-01..2026-03-01", None, None, "period", "is not a date"),
        ("2026-03-01..", None, None, "period", "is not a date"),
        (None, date(2026, 3, 9), date(2026, 3, 1), "from", "2026-03-09 is after to"),
        (None, None, date(2026, 3, 1), "from", "from is required"),
        ("week", date(2026, 3, 1), None, "period", "not both"),
        (None, date(1, 1, 1), date(2026, 3, 1), "from", "is outside"),
        (None, date(2026, 3, 1), date(9999, 12, 31), "to", "is outside"),
    ],
)  # fmt: skip
def test_bad_periods_name_the_field(
    period: str | None, from_day: date | None, to_day: date | None, field: str, words: str
) -> None:
    with pytest.raises(PeriodError) as raised:
        resolve_period(
            period,
            from_day=from_day,
            to_day=to_day,
            zone=UTC_ZONE,
            now=at("2026-03-20T10:00:00Z"),
        )
    assert raised.value.field == field
    assert words in raised.value.reason


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        resolve_period("today", zone=UTC_ZONE, now=datetime(2026, 3, 20))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("current", "previous", "change"),
    [
        (150, 100, 50.0),
        (50, 100, -50.0),
        (100, 100, 0.0),
        (0, 100, -100.0),
        (5, -10, 150.0),  # against the size of a negative base (a +/- figure)
        (12.5, 10.0, 25.0),
        (10, 0, None),  # an empty previous period: no base, never infinite
        (0, 0, None),
        (10, None, None),
        (None, 10, None),
    ],
)
def test_percent_change(
    current: float | None, previous: float | None, change: float | None
) -> None:
    assert percent_change(current, previous) == change


@pytest.mark.parametrize(
    ("first", "end", "zone", "granularity", "count", "first_start", "last_start"),
    [
        ("2026-03-15", "2026-03-16", UTC_ZONE, Granularity.HOUR, 24,
         "2026-03-15T00:00:00+00:00", "2026-03-15T23:00:00+00:00"),
        # spring forward: 02:00 does not exist, 23 hours
        ("2026-03-29", "2026-03-30", BERLIN, Granularity.HOUR, 23,
         "2026-03-29T00:00:00+01:00", "2026-03-29T23:00:00+02:00"),
        # fall back: 02:00 happens twice, 25 hours
        ("2026-10-25", "2026-10-26", BERLIN, Granularity.HOUR, 25,
         "2026-10-25T00:00:00+02:00", "2026-10-25T23:00:00+01:00"),
        ("2026-03-08", "2026-03-09", NEW_YORK, Granularity.HOUR, 23,
         "2026-03-08T00:00:00-05:00", "2026-03-08T23:00:00-04:00"),
        ("2026-11-01", "2026-11-02", NEW_YORK, Granularity.HOUR, 25,
         "2026-11-01T00:00:00-04:00", "2026-11-01T23:00:00-05:00"),
        # days at local midnight across a DST change
        ("2026-03-28", "2026-03-31", BERLIN, Granularity.DAY, 3,
         "2026-03-28T00:00:00+01:00", "2026-03-30T00:00:00+02:00"),
        ("2026-02-01", "2026-03-01", UTC_ZONE, Granularity.DAY, 28,
         "2026-02-01T00:00:00+00:00", "2026-02-28T00:00:00+00:00"),
        ("2028-02-01", "2028-03-01", UTC_ZONE, Granularity.DAY, 29,
         "2028-02-01T00:00:00+00:00", "2028-02-29T00:00:00+00:00"),
        # weeks start on Monday, cut to the span (Wed 4th .. Tue 17th)
        ("2026-03-04", "2026-03-18", UTC_ZONE, Granularity.WEEK, 3,
         "2026-03-04T00:00:00+00:00", "2026-03-16T00:00:00+00:00"),
        # a span starting on a Monday has no cut first week
        ("2026-03-02", "2026-03-16", UTC_ZONE, Granularity.WEEK, 2,
         "2026-03-02T00:00:00+00:00", "2026-03-09T00:00:00+00:00"),
        ("2026-10-19", "2026-11-02", NEW_YORK, Granularity.WEEK, 2,
         "2026-10-19T00:00:00-04:00", "2026-10-26T00:00:00-04:00"),
    ],
)  # fmt: skip
def test_series_buckets(
    first: str,
    end: str,
    zone: ZoneInfo,
    granularity: Granularity,
    count: int,
    first_start: str,
    last_start: str,
) -> None:
    span = span_of_days(date.fromisoformat(first), date.fromisoformat(end), zone)
    series = build_series(span, granularity, zone)
    buckets = series.buckets
    assert len(buckets) == count
    assert buckets[0].start == at(first_start)
    assert buckets[0].start.utcoffset() == at(first_start).utcoffset()
    assert buckets[-1].start == at(last_start)
    assert buckets[-1].start.utcoffset() == at(last_start).utcoffset()
    # contiguous, covering the span exactly
    assert buckets[0].start == span.start
    assert buckets[-1].end == span.end
    for before, after in pairwise(buckets):
        assert before.end == after.start


def test_each_instant_of_a_fall_back_night_lands_in_its_own_hour() -> None:
    span = span_of_days(date(2026, 10, 25), date(2026, 10, 26), BERLIN)
    series = build_series(span, Granularity.HOUR, BERLIN)
    # 02:30 happens twice: first at +02:00 (00:30 UTC), then at +01:00 (01:30 UTC)
    first = series.index_of(at("2026-10-25T00:30:00+00:00"))
    second = series.index_of(at("2026-10-25T01:30:00+00:00"))
    assert (first, second) == (2, 3)
    assert series.buckets[2].start.hour == series.buckets[3].start.hour == 2
    assert series.index_of(at("2026-10-24T21:59:59+00:00")) is None
    assert series.index_of(at("2026-10-25T23:00:00+00:00")) is None


def test_days_find_their_week_bucket() -> None:
    span = span_of_days(date(2026, 3, 4), date(2026, 3, 18), UTC_ZONE)
    series = build_series(span, Granularity.WEEK, UTC_ZONE)
    found = [series.index_of_day(date(2026, 3, d)) for d in (4, 8, 9, 15, 16, 17, 18)]
    assert found == [0, 0, 1, 1, 2, 2, None]


def test_fill_gives_every_bucket_a_value() -> None:
    span = span_of_days(date(2026, 3, 1), date(2026, 3, 5), UTC_ZONE)
    series = build_series(span, Granularity.DAY, UTC_ZONE)
    filled = series.fill({1: 7, 3: 2}, int)
    assert [value for _, value in filled] == [0, 7, 0, 2]
    assert [bucket.start.day for bucket, _ in filled] == [1, 2, 3, 4]


def test_too_many_points_ask_for_a_coarser_granularity() -> None:
    days = MAX_BUCKETS // 24 + 1
    span = span_of_days(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=days), UTC_ZONE)
    with pytest.raises(PeriodError) as raised:
        build_series(span, Granularity.HOUR, UTC_ZONE)
    assert raised.value.field == "granularity"
    assert len(build_series(span, Granularity.DAY, UTC_ZONE).buckets) == days


def test_start_of_day_is_local_midnight() -> None:
    assert start_of_day(date(2026, 7, 1), BERLIN) == at("2026-07-01T00:00:00+02:00")
