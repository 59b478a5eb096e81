"""Cached player, team, leaderboard and activity answers change once results do and the
remembered results version is due."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from scoreline.api.expiring_memo import ExpiringMemo
from scoreline.api.players import RESULTS_VERSION_TTL_SECONDS
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.store.canonical import delete_match
from scoreline.store.migrate import upgrade_database

from .api_setups import TestClient
from .report_setups import API, HERO, build_app, hero_match, ingest_files

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


@pytest.mark.parametrize("url", URLS)
def test_a_new_or_deleted_match_changes_the_answer(database_url: str, url: str) -> None:
    upgrade_database(database_url)
    clock = FakeClock()
    with open_runtime(load_settings(database_url=database_url)) as runtime:
        (first,) = ingest_files(runtime, [(hero_match(0, STARTED_AT), "a")])
        app = build_app(runtime)
        app.state.results_versions = ExpiringMemo(RESULTS_VERSION_TTL_SECONDS, 1, clock)
        with TestClient(app) as client:
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

        app = build_app(runtime)
        # A clock that stands still: the remembered version stays trusted however slow the test.
        app.state.results_versions = ExpiringMemo(RESULTS_VERSION_TTL_SECONDS, 1, FakeClock())
        with TestClient(app) as client:
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
