"""Activity over time from the stored matches, in UTC and in a DST timezone, on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from scoreline.api.player_schemas import Activity
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.store import build_engine
from scoreline.store.schema import matches

from .api_setups import TestClient
from .report_setups import (
    API,
    BACKENDS,
    build_app,
    generated_at,
    get_ok,
    ingest_files,
    module_database_url,
)

SEED = 31
# America/New_York falls back on 2026-11-01 at 02:00 EDT (06:00 UTC).
STARTS = (
    datetime(2026, 11, 1, 3, 30, tzinfo=UTC),  # Oct 31, 23:30 EDT
    datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
    datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, the second 01:30
    datetime(2026, 11, 1, 15, 0, tzinfo=UTC),  # 10:00 EST
    datetime(2026, 11, 2, 12, 0, tzinfo=UTC),
    datetime(2026, 11, 9, 12, 0, tzinfo=UTC),
)
NOW = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[datetime, int]]:
    """The database URL and each match's round count by start."""
    url = module_database_url(request, tmp_path_factory)
    with open_runtime(load_settings(database_url=url)) as runtime:
        files = [(generated_at(SEED, i, start), f"activity-{i}") for i, start in enumerate(STARTS)]
        # Every other match stays pending: activity counts what was played.
        ingest_files(runtime, files, pending=range(0, len(files), 2))
        with runtime.engine.connect() as conn:
            rounds = dict(conn.execute(select(matches.c.started_at, matches.c.round_count)).all())
    return url, {start.astimezone(UTC): count for start, count in rounds.items()}


def activity(url: str, timezone: str, **params: Any) -> dict[str, Any]:
    """GET /activity with the deployment in ``timezone`` and the clock at NOW."""
    with (
        open_runtime(load_settings(database_url=url, timezone=timezone)) as runtime,
        TestClient(build_app(runtime, NOW)) as client,
    ):
        return get_ok(client, f"{API}/activity", Activity, **params)


def counts(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["start"], item["matches"]) for item in body["items"]]


def test_days_in_utc(database: tuple[str, dict[datetime, int]]) -> None:
    url, rounds = database
    body = activity(url, "UTC", period="2026-11-01..2026-11-03")
    assert counts(body) == [
        ("2026-11-01T00:00:00+00:00", 4),
        ("2026-11-02T00:00:00+00:00", 1),
        ("2026-11-03T00:00:00+00:00", 0),
    ]
    assert body["items"][0]["rounds"] == sum(rounds[start] for start in STARTS[:4])
    assert body["matches"] == 5
    assert body["rounds"] == sum(rounds[start] for start in STARTS[:5])


def test_the_fall_back_day_in_new_york_has_25_hours(
    database: tuple[str, dict[datetime, int]],
) -> None:
    url, _ = database
    body = activity(url, "America/New_York", granularity="hour", period="2026-11-01..2026-11-01")
    items = body["items"]
    assert len(items) == 25
    assert items[0]["start"] == "2026-11-01T00:00:00-04:00"
    busy = [(item["start"], item["matches"]) for item in items if item["matches"]]
    assert busy == [
        ("2026-11-01T01:00:00-04:00", 1),
        ("2026-11-01T01:00:00-05:00", 1),
        ("2026-11-01T10:00:00-05:00", 1),
    ]
    assert body["period"]["timezone"] == "America/New_York"


def test_days_in_new_york(database: tuple[str, dict[datetime, int]]) -> None:
    url, _ = database
    body = activity(url, "America/New_York", period="2026-10-31..2026-11-02")
    assert counts(body) == [
        ("2026-10-31T00:00:00-04:00", 1),
        ("2026-11-01T00:00:00-04:00", 3),  # a 25-hour day
        ("2026-11-02T00:00:00-05:00", 1),
    ]


def test_all_time_by_week(database: tuple[str, dict[datetime, int]]) -> None:
    url, _ = database
    body = activity(url, "UTC", granularity="week")
    # Sunday Nov 1 closes the week of Oct 26 (cut to start on the first match's day).
    assert counts(body) == [
        ("2026-11-01T00:00:00+00:00", 4),
        ("2026-11-02T00:00:00+00:00", 1),
        ("2026-11-09T00:00:00+00:00", 1),
    ]
    assert body["period"]["kind"] == "all"


def test_today_and_week_follow_the_clock(database: tuple[str, dict[datetime, int]]) -> None:
    url, _ = database
    today = activity(url, "UTC", period="today")
    assert counts(today) == [("2026-11-02T00:00:00+00:00", 1)]
    week = activity(url, "UTC", period="week")
    assert len(week["items"]) == 7
    assert week["matches"] == 1
    assert week["period"]["previous"]["first_day"] == "2026-10-26"


def test_filters(database: tuple[str, dict[datetime, int]]) -> None:
    url, _ = database
    nothing = activity(url, "UTC", game="cs2", period="2026-11-01..2026-11-01")
    assert counts(nothing) == [("2026-11-01T00:00:00+00:00", 0)]
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            maps = conn.execute(select(matches.c.map_name)).scalars().all()
    finally:
        engine.dispose()
    for map_name in set(maps):
        on_map = activity(url, "UTC", period="2026-11-01..2026-11-09", map=map_name)
        assert on_map["matches"] == maps.count(map_name)
    nowhere = activity(url, "UTC", period="2026-11-01..2026-11-09", map="no such map")
    assert nowhere["matches"] == 0


def test_csv(database: tuple[str, dict[datetime, int]]) -> None:
    url, _ = database
    with (
        open_runtime(load_settings(database_url=url)) as runtime,
        TestClient(build_app(runtime)) as client,
    ):
        response = client.get(
            f"{API}/activity",
            params={"period": "2026-11-01..2026-11-02"},
            headers={"Accept": "text/csv"},
        )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["start"], row["matches"]) for row in rows] == [
        ("2026-11-01T00:00:00+00:00", "4"),
        ("2026-11-02T00:00:00+00:00", "1"),
    ]
    assert list(rows[0]) == ["start", "end", "matches", "rounds"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"granularity": "minute"}, "granularity"),
        ({"granularity": "hour", "from": "2020-01-01"}, "granularity"),
        ({"period": "decade"}, "period"),
        ({"map": "x\x00"}, "map"),
    ],
)
def test_bad_parameters_are_422(
    database: tuple[str, dict[datetime, int]], params: dict[str, str], field: str
) -> None:
    url, _ = database
    with (
        open_runtime(load_settings(database_url=url)) as runtime,
        TestClient(build_app(runtime)) as client,
    ):
        response = client.get(f"{API}/activity", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == field
