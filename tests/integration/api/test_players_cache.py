"""Cached player, team, leaderboard and activity answers: from memory without a query, and
changed once results or the period's days do and what the process remembers is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event

from scoreline.api.expiring_memo import ExpiringMemo
from scoreline.api.players import RESULTS_VERSION_TTL_SECONDS, URL_SCOPES_REMEMBERED
from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.store.canonical import delete_match
from scoreline.store.migrate import upgrade_database

from .api_setups import TestClient
from .report_setups import API, HERO, NOW, build_app, hero_match, ingest_files

STARTED_AT = datetime(2026, 3, 17, 12, 0, tzinfo=UTC)
URLS = (
    f"{API}/players/{HERO}",
    f"{API}/teams/Red",
    f"{API}/leaderboards/kills",
    f"{API}/activity",
)


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def remembering_app(runtime: Runtime, clock: FakeClock, now: datetime = NOW) -> FastAPI:
    """The app with what it remembers (results version, URL scopes) timed by ``clock``."""
    app = build_app(runtime, now)
    app.state.results_versions = ExpiringMemo(RESULTS_VERSION_TTL_SECONDS, 1, clock)
    app.state.report_url_scopes = ExpiringMemo(
        RESULTS_VERSION_TTL_SECONDS, URL_SCOPES_REMEMBERED, clock
    )
    return app


@pytest.mark.parametrize("url", URLS)
def test_a_new_or_deleted_match_changes_the_answer(database_url: str, url: str) -> None:
    upgrade_database(database_url)
    clock = FakeClock()
    with open_runtime(load_settings(database_url=database_url)) as runtime:
        (first,) = ingest_files(runtime, [(hero_match(0, STARTED_AT), "a")])
        with TestClient(remembering_app(runtime, clock)) as client:
            before = client.get(url)
            assert before.status_code == 200, before.text
            assert client.get(url).content == before.content
            ingest_files(runtime, [(hero_match(1, STARTED_AT), "b")])
            clock.seconds += RESULTS_VERSION_TTL_SECONDS * 0.9
            within_ttl = client.get(url, headers={"If-None-Match": before.headers["etag"]})
            assert within_ttl.status_code == 304
            clock.seconds += RESULTS_VERSION_TTL_SECONDS * 0.1
            after = client.get(url, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200
            assert after.headers["etag"] != before.headers["etag"]
            assert after.content != before.content
            with runtime.engine.begin() as conn:
                assert delete_match(conn, first.match_pks[0])
            clock.seconds += RESULTS_VERSION_TTL_SECONDS
            again = client.get(url)
            assert again.headers["etag"] not in (before.headers["etag"], after.headers["etag"])


@pytest.mark.parametrize("url", [*URLS, f"{API}/players?search=a"])
def test_a_cached_answer_within_the_ttl_runs_no_query(database_url: str, url: str) -> None:
    upgrade_database(database_url)
    with open_runtime(load_settings(database_url=database_url)) as runtime:
        ingest_files(runtime, [(hero_match(0, STARTED_AT), "a")])
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        # A clock that stands still: what is remembered stays trusted however slow the test.
        with TestClient(remembering_app(runtime, FakeClock())) as client:
            first = client.get(url)
            assert first.status_code == 200, first.text
            event.listen(runtime.engine, "before_cursor_execute", count)
            try:
                again = client.get(url)
                revalidated = client.get(url, headers={"If-None-Match": first.headers["etag"]})
            finally:
                event.remove(runtime.engine, "before_cursor_execute", count)

    assert again.content == first.content
    assert revalidated.status_code == 304
    assert statements == []


@pytest.mark.parametrize("url", [f"{API}/leaderboards/kills", f"{API}/activity"])
def test_csv_asked_for_by_accept_header_is_never_the_cached_json(
    database_url: str, url: str
) -> None:
    upgrade_database(database_url)
    with open_runtime(load_settings(database_url=database_url)) as runtime:
        ingest_files(runtime, [(hero_match(0, STARTED_AT), "a")])
        with TestClient(remembering_app(runtime, FakeClock())) as client:
            assert client.get(url).headers["content-type"] == "application/json"
            as_csv = client.get(url, headers={"Accept": "text/csv"})

    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert "etag" not in as_csv.headers


def test_a_period_running_to_today_follows_the_day_once_the_scope_is_due(
    database_url: str,
) -> None:
    upgrade_database(database_url)
    clock = FakeClock()
    url = f"{API}/players/{HERO}?from=2026-03-16"
    with open_runtime(load_settings(database_url=database_url)) as runtime:
        ingest_files(runtime, [(hero_match(0, STARTED_AT), "a")])
        app = remembering_app(runtime, clock)
        with TestClient(app) as client:
            before = client.get(url)
            app.state.clock = lambda: NOW + timedelta(days=1)
            within_ttl = client.get(url)
            clock.seconds += RESULTS_VERSION_TTL_SECONDS
            after = client.get(url)

    assert within_ttl.headers["etag"] == before.headers["etag"]
    assert after.headers["etag"] != before.headers["etag"]
    days = [response.json()["period"]["current"]["end"] for response in (before, after)]
    assert days == ["2026-03-19T00:00:00+00:00", "2026-03-20T00:00:00+00:00"]
