"""The team endpoint over ingested matches, on SQLite and PostgreSQL: a period's numbers
equal a hand recomputation from team_match_stats, and the map filter holds everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scoreline.api.player_schemas import TeamProfile
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.reports.facts import TEAM_MATCH_STATS

from .api_setups import TestClient
from .report_setups import (
    API,
    BACKENDS,
    NOW,
    build_app,
    generated_at,
    get_ok,
    ingest_files,
    keep_rows,
    load_match_rows,
    module_database_url,
)

SEED = 23
# Every 20 hours back from NOW: this week, last week and before.
STARTS = tuple(NOW - timedelta(hours=20 * n + 2) for n in range(12))
TEAM = "Red"
SUMMED = ("rounds_played", "rounds_won", "kills", "deaths", "damage", "pistols_won")


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, str]]:
    url = module_database_url(request, tmp_path_factory)
    with open_runtime(load_settings(database_url=url)) as runtime:
        files = [(generated_at(SEED, i, start), f"team-{i}") for i, start in enumerate(STARTS)]
        ingest_files(runtime, files)
        with TestClient(build_app(runtime)) as client:
            yield client, url


def team_rows(url: str, **where: Any) -> list[dict[str, Any]]:
    """TEAM's team_match_stats rows with their match's start and map, by hand."""
    return keep_rows(load_match_rows(url, TEAM_MATCH_STATS, team_id=TEAM), **where)


def by_hand(rows: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = {name: sum(row[name] for row in rows) for name in SUMMED}
    totals["matches"] = len(rows)
    totals["wins"] = sum(1 for row in rows if row["won"])
    totals["round_win_pct"] = round(100 * totals["rounds_won"] / totals["rounds_played"], 2)
    return totals


WEEK_START = datetime(2026, 3, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "week"}, WEEK_START, WEEK_START + timedelta(days=7)),
        ({"period": "all"}, None, None),
        ({"from": "2026-03-10", "to": "2026-03-15"}, datetime(2026, 3, 10, tzinfo=UTC), WEEK_START),
    ],
)  # fmt: skip
def test_period_totals_equal_a_hand_recomputation(
    served: tuple[TestClient, str],
    params: dict[str, str],
    start: datetime | None,
    end: datetime | None,
) -> None:
    client, url = served
    body = get_ok(client, f"{API}/teams/{TEAM}", TeamProfile, **params)
    expected = by_hand(team_rows(url, start=start, end=end))
    assert expected["matches"] > 0
    for name, value in expected.items():
        assert body["totals"][name] == value, name
    assert body["source"] == "rollup_team_day"


def test_week_compares_with_the_week_before(served: tuple[TestClient, str]) -> None:
    client, url = served
    body = get_ok(client, f"{API}/teams/{TEAM}", TeamProfile, period="week")
    previous = by_hand(team_rows(url, start=WEEK_START - timedelta(days=7), end=WEEK_START))
    assert body["previous"]["matches"] == previous["matches"]
    current = body["totals"]["matches"]
    assert body["change"]["matches"] == round(
        100 * (current - previous["matches"]) / previous["matches"], 2
    )


def test_unfiltered_splits_add_up_to_the_totals(served: tuple[TestClient, str]) -> None:
    client, _ = served
    body = get_ok(client, f"{API}/teams/{TEAM}", TeamProfile)
    totals, splits = body["totals"], body["splits"]
    for name in ("maps", "outcomes"):
        assert sum(line["matches"] for line in splits[name]) == totals["matches"]
        assert sum(line["rounds_won"] for line in splits[name]) == totals["rounds_won"]
    outcomes = {line["outcome"]: line for line in splits["outcomes"]}
    assert outcomes["win"]["wins"] == outcomes["win"]["matches"] == totals["wins"]
    assert sum(line["picks"] for line in splits["agents"]) == 5 * totals["matches"]
    compositions = splits["compositions"]
    assert sum(line["matches"] for line in compositions) == totals["matches"]
    assert sum(line["wins"] for line in compositions) == totals["wins"]
    for line in compositions:
        assert line["agents"] == sorted(line["agents"])
        assert len(line["agents"]) == 5
        assert line["composition"] == ",".join(line["agents"])


def test_the_map_filter_holds_everywhere(served: tuple[TestClient, str]) -> None:
    client, url = served
    map_name = team_rows(url)[0]["map_name"]
    body = get_ok(client, f"{API}/teams/{TEAM}", TeamProfile, map=map_name)
    expected = by_hand(team_rows(url, map_name=map_name))
    assert body["source"] == "rollup_team_map_day"
    assert body["totals"]["matches"] == expected["matches"]
    assert body["totals"]["kills"] == expected["kills"]
    splits = body["splits"]
    assert [line["map_name"] for line in splits["maps"]] == [map_name]
    assert sum(line["matches"] for line in splits["outcomes"]) == expected["matches"]
    assert sum(line["picks"] for line in splits["agents"]) == 5 * expected["matches"]
    assert sum(line["matches"] for line in splits["compositions"]) == expected["matches"]
    assert sum(p["kills"] for p in body["trend"]["points"]) == expected["kills"]
    assert {m["map_name"] for m in body["recent_matches"]} == {map_name}


def test_trend_and_recent_matches(served: tuple[TestClient, str]) -> None:
    client, url = served
    body = get_ok(
        client, f"{API}/teams/{TEAM}", TeamProfile, period="week", granularity="hour", recent=2
    )
    assert body["trend"]["source"] == "team_match_stats"
    assert len(body["trend"]["points"]) == 7 * 24
    assert sum(p["matches"] for p in body["trend"]["points"]) == body["totals"]["matches"]
    recent = body["recent_matches"]
    newest = sorted((row["started_at"] for row in team_rows(url)), reverse=True)[:2]
    assert [datetime.fromisoformat(m["started_at"]) for m in recent] == newest
    assert all(m["won"] == (m["wins"] == 1) for m in recent)


def test_an_unknown_team_is_404_and_bad_filters_422(served: tuple[TestClient, str]) -> None:
    client, _ = served
    missing = client.get(f"{API}/teams/Green")
    assert missing.status_code == 404
    assert "Green" in missing.json()["detail"]
    bad = client.get(f"{API}/teams/{TEAM}", params={"period": "year"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "period"
    nul = client.get(f"{API}/teams/{TEAM}", params={"map": "a\x00b"})
    assert nul.status_code == 422
    assert nul.json()["detail"][0]["field"] == "map"
