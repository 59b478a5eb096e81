"""Leaderboards over ingested matches equal a ranking recomputed by hand from
match_player_stats, with and without filters, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scoreline.api.player_schemas import Leaderboard
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.reports.facts import MATCH_PLAYER_STATS

from .api_setups import TestClient
from .report_setups import (
    API,
    BACKENDS,
    HERO,
    build_app,
    get_ok,
    hero_match,
    ingest_files,
    load_match_rows,
    module_database_url,
)

FIRST_START = datetime(2026, 3, 12, 20, 0, tzinfo=UTC)
MATCHES = 7


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, list[dict[str, Any]]]]:
    """A client, and every match_player_stats row with its match's start and map."""
    url = module_database_url(request, tmp_path_factory)
    with open_runtime(load_settings(database_url=url)) as runtime:
        starts = [FIRST_START + timedelta(hours=14 * index) for index in range(MATCHES)]
        ingest_files(
            runtime,
            [(hero_match(index, start), f"board-{index}") for index, start in enumerate(starts)],
        )
        rows = load_match_rows(url, MATCH_PLAYER_STATS)
        with TestClient(build_app(runtime)) as client:
            yield client, rows


def ranked_by_hand(
    rows: list[dict[str, Any]], min_matches: int, **where: Any
) -> list[tuple[str, float, int]]:
    start, end = where.pop("start", None), where.pop("end", None)
    sums: dict[str, list[int]] = {}
    for row in rows:
        if start is not None and not start <= row["started_at"] < end:
            continue
        if any(row[key] != value for key, value in where.items()):
            continue
        total = sums.setdefault(row["player_id"], [0, 0, 0])
        total[0] += 1
        total[1] += row["score"]
        total[2] += row["rounds_played"]
    ranked = [
        (player_id, score / rounds, count)
        for player_id, (count, score, rounds) in sums.items()
        if count >= min_matches and rounds
    ]
    ranked.sort(key=lambda entry: (-entry[1], -entry[2], entry[0]))
    return [(player_id, round(acs, 2), count) for player_id, acs, count in ranked]


def board(client: TestClient, **params: Any) -> dict[str, Any]:
    return get_ok(client, f"{API}/leaderboards/acs", Leaderboard, **params)


def listed(body: dict[str, Any]) -> list[tuple[str, float, int]]:
    return [(item["player_id"], item["value"], item["matches"]) for item in body["items"]]


def test_the_default_minimum_ranks_only_regulars(
    served: tuple[TestClient, list[dict[str, Any]]],
) -> None:
    client, rows = served
    body = board(client)
    assert listed(body) == ranked_by_hand(rows, 5)
    assert [item["player_id"] for item in body["items"]] == [HERO]


def test_every_player_with_one_match(served: tuple[TestClient, list[dict[str, Any]]]) -> None:
    client, rows = served
    body = board(client, min_matches=1, limit=500)
    assert listed(body) == ranked_by_hand(rows, 1)
    assert body["total"] == len({row["player_id"] for row in rows})


def test_a_period(served: tuple[TestClient, list[dict[str, Any]]]) -> None:
    client, rows = served
    body = board(client, min_matches=1, limit=500, **{"from": "2026-03-14", "to": "2026-03-15"})
    start = datetime(2026, 3, 14, tzinfo=UTC)
    expected = ranked_by_hand(rows, 1, start=start, end=start + timedelta(days=2))
    assert expected
    assert listed(body) == expected


def test_map_and_agent_together_read_the_match_lines(
    served: tuple[TestClient, list[dict[str, Any]]],
) -> None:
    client, rows = served
    hero = next(row for row in rows if row["player_id"] == HERO)
    body = board(client, min_matches=1, map=hero["map_name"], agent=hero["agent"])
    assert body["source"] == "match_player_stats"
    expected = ranked_by_hand(rows, 1, map_name=hero["map_name"], agent=hero["agent"])
    assert HERO in [player_id for player_id, _, _ in expected]
    assert listed(body) == expected
