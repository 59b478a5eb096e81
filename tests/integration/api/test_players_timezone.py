"""Rollup days and periods in a deployment timezone other than UTC, end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from scoreline.bootstrap import load_settings, open_runtime
from scoreline.stats.rounds import compute_match_stats
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import load_match
from scoreline.store.migrate import upgrade_database
from scoreline.worker.intake import ingest_source

from .api_setups import TestClient
from .report_setups import API, HERO, OFFICIAL, build_app, hero_match


def test_days_and_periods_follow_the_deployment_timezone(database_url: str) -> None:
    settings = load_settings(database_url=database_url, timezone="Europe/Berlin")
    upgrade_database(database_url)
    # 23:30 UTC on the 15th is 00:30 on the 16th in Berlin: this week there, last week in UTC.
    late = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    with open_runtime(settings) as runtime:
        outcome = ingest_source(runtime.engine, runtime.ledger, hero_match(0, late), "late")
        (match_pk,) = outcome.match_pks
        _compute_in_zone(runtime.engine, match_pk, "Europe/Berlin")
        app = build_app(runtime)
        with TestClient(app) as client:
            week = client.get(f"{API}/players/{HERO}", params={"period": "week"}).json()
            assert week["period"]["timezone"] == "Europe/Berlin"
            assert week["period"]["current"]["start"] == "2026-03-16T00:00:00+01:00"
            assert week["totals"]["matches"] == 1
            assert week["previous"]["matches"] == 0
            hours = client.get(
                f"{API}/players/{HERO}",
                params={"from": "2026-03-16", "to": "2026-03-16", "granularity": "hour"},
            ).json()
            busy = [p["start"] for p in hours["trend"]["points"] if p["matches"]]
            assert busy == ["2026-03-16T00:00:00+01:00"]
            day = client.get(f"{API}/players/{HERO}", params={"from": "2026-03-16"}).json()
            assert day["trend"]["points"][0]["matches"] == 1


def _compute_in_zone(engine: Engine, match_pk: int, zone_name: str) -> None:
    """The worker's job for one match, with its rollup days in ``zone_name``."""
    with engine.begin() as conn:
        stats = compute_match_stats(load_match(conn, match_pk), OFFICIAL)
        save_match_stats(conn, match_pk, stats, zone=ZoneInfo(zone_name))
