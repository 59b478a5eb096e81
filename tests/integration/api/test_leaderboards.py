"""Leaderboards over rollup rows written by hand, on SQLite and PostgreSQL: order, ties,
badges, minimum matches, pages, filters, CSV and errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from scoreline.api.player_schemas import Leaderboard
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.reports.leaderboards import METRICS, compute_percentiles
from scoreline.rollups.specs import PLAYER_MEASURES
from scoreline.store import build_engine
from scoreline.store.schema import ROLLUP_TABLES, players

from .api_setups import TestClient
from .report_setups import API, BACKENDS, NOW, build_app, get_ok, module_database_url

_TABLES = {rollup.table.name: rollup.table for rollup in ROLLUP_TABLES}
THIS_WEEK = date(2026, 3, 17)
LAST_WEEK = date(2026, 3, 10)

# (player, day, map, matches, rounds, score, kills). Value ties on purpose: p1, p2 and p3
# all have an ACS of 200; p2 has more matches; p1 and p3 tie on matches too.
LINES = [
    ("p1", THIS_WEEK, "Ascent", 5, 10, 2000, 9),
    ("p2", THIS_WEEK, "Ascent", 3, 10, 2000, 30),
    ("p2", LAST_WEEK, "Bind", 3, 10, 2000, 1),
    ("p3", THIS_WEEK, "Bind", 5, 10, 2000, 9),
    ("p4", THIS_WEEK, "Bind", 5, 10, 2500, 2),
    ("p5", THIS_WEEK, "Ascent", 4, 10, 5000, 40),  # too few matches for a rate
    ("p6", THIS_WEEK, "Ascent", 5, 0, 0, 0),  # no round played: no ACS at all
]


def _row(
    player: str, day: date, matches: int, rounds: int, score: int, kills: int
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(PLAYER_MEASURES, 0)
    row.update(
        day=day, game="valorant", player_id=player, matches=matches, rounds_played=rounds,
        score=score, kills=kills, deaths=rounds // 2,
    )  # fmt: skip
    return row


@pytest.fixture(scope="module", params=BACKENDS)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The app over LINES written straight into the rollups: filled once, then only read."""
    url = module_database_url(request, tmp_path_factory)
    engine = build_engine(url)
    try:
        with engine.begin() as conn:
            seen = datetime(2026, 3, 1, tzinfo=UTC)
            conn.execute(
                insert(players),
                [
                    {"player_id": f"p{n}", "name": f"Player {n}", "first_seen": seen,
                     "last_seen": seen}
                    for n in range(1, 7)
                ],
            )  # fmt: skip
            day_rows = [_row(p, d, m, r, s, k) for p, d, _, m, r, s, k in LINES]
            map_rows = [
                {**_row(p, d, m, r, s, k), "map_name": mp} for p, d, mp, m, r, s, k in LINES
            ]
            conn.execute(insert(_TABLES["rollup_player_day"]), day_rows)
            conn.execute(insert(_TABLES["rollup_player_map_day"]), map_rows)
    finally:
        engine.dispose()
    with (
        open_runtime(load_settings(database_url=url)) as runtime,
        TestClient(build_app(runtime)) as test_client,
    ):
        yield test_client


def board(client: TestClient, metric: str, **params: Any) -> dict[str, Any]:
    return get_ok(client, f"{API}/leaderboards/{metric}", Leaderboard, **params)


def test_ranks_by_value_then_matches_then_player_id(client: TestClient) -> None:
    body = board(client, "acs")
    items = body["items"]
    assert [item["player_id"] for item in items] == ["p4", "p2", "p1", "p3"]
    assert [item["rank"] for item in items] == [1, 2, 3, 4]
    assert [item["value"] for item in items] == [250.0, 200.0, 200.0, 200.0]
    assert [item["badge"] for item in items] == ["gold", "silver", "bronze", None]
    assert [item["matches"] for item in items] == [5, 6, 5, 5]
    assert items[0]["name"] == "Player 4"
    assert body["min_matches"] == 5
    assert body["total"] == 4
    assert body["kind"] == "rate"


def test_this_week_alone_changes_the_tie(client: TestClient) -> None:
    # All time, p2 has 6 matches at ACS 200 and goes before p1 and p3; this week only 3,
    # which is below the minimum for a rate.
    everything = board(client, "acs")
    assert [item["player_id"] for item in everything["items"]] == ["p4", "p2", "p1", "p3"]
    assert everything["items"][1]["matches"] == 6
    week = board(client, "acs", period="week", min_matches=3)
    assert [item["player_id"] for item in week["items"]] == ["p5", "p4", "p1", "p3", "p2"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"min_matches": 6}, ["p2"]),
        ({"min_matches": 1}, ["p5", "p4", "p2", "p1", "p3"]),
        ({"period": "week"}, ["p4", "p1", "p3"]),
        ({"period": "week", "min_matches": 4}, ["p5", "p4", "p1", "p3"]),
    ],
)
def test_min_matches(client: TestClient, params: dict[str, Any], expected: list[str]) -> None:
    body = board(client, "acs", **params)
    assert [item["player_id"] for item in body["items"]] == expected


def test_counts_need_one_match_by_default(client: TestClient) -> None:
    body = board(client, "kills")
    assert body["min_matches"] == 1
    assert body["kind"] == "count"
    ids = [item["player_id"] for item in body["items"]]
    # kills: p5 40, p2 31, p1 9 and p3 9 (5 matches each: p1 by id), p4 2, p6 0
    assert ids == ["p5", "p2", "p1", "p3", "p4", "p6"]
    assert [item["value"] for item in body["items"]] == [40, 31, 9, 9, 2, 0]


def test_pages(client: TestClient) -> None:
    page = board(client, "kills", limit=2, offset=1)
    assert [(item["rank"], item["player_id"]) for item in page["items"]] == [(2, "p2"), (3, "p1")]
    assert page["items"][1]["badge"] == "bronze"
    assert page["total"] == 6
    assert board(client, "kills", offset=10)["items"] == []


def test_the_map_filter_reads_the_map_rollup(client: TestClient) -> None:
    body = board(client, "kills", map="Bind")
    assert body["source"] == "rollup_player_map_day"
    assert [(item["player_id"], item["value"]) for item in body["items"]] == [
        ("p3", 9), ("p4", 2), ("p2", 1),
    ]  # fmt: skip
    assert body["filters"] == {"game": None, "map": "Bind", "agent": None}


def test_csv(client: TestClient) -> None:
    response = client.get(f"{API}/leaderboards/acs", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["player_id"] for row in rows] == ["p4", "p2", "p1", "p3"]
    assert rows[0]["badge"] == "gold"
    assert rows[3]["badge"] == ""
    assert list(rows[0]) == [
        "rank",
        "player_id",
        "name",
        "value",
        "matches",
        "rounds_played",
        "badge",
    ]


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_every_metric_answers(client: TestClient, metric: str) -> None:
    body = board(client, metric, min_matches=1)
    assert body["metric"] == metric
    values = [item["value"] for item in body["items"]]
    assert values == sorted(values, reverse=True)


def test_an_unknown_metric_lists_the_known_ones(client: TestClient) -> None:
    response = client.get(f"{API}/leaderboards/elo")
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["field"] == "metric"
    assert problem["location"] == "path"
    assert "unknown metric 'elo'" in problem["reason"]
    assert all(name in problem["reason"] for name in ("acs", "kast", "clutch_rate"))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_matches": 0}, "min_matches"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"period": "2026-03-10..2026-03-01"}, "from"),
        ({"game": "chess"}, "game"),
    ],
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, Any], field: str) -> None:
    response = client.get(f"{API}/leaderboards/acs", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_the_clock_picks_the_week(client: TestClient) -> None:
    body = board(client, "kills", period="week")
    assert body["period"]["current"]["first_day"] == "2026-03-16"
    assert NOW.date() == date(2026, 3, 18)


def test_percentiles_place_a_player_in_each_ranked_population(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.engine.connect() as conn:
        best = compute_percentiles(conn, "p4", ["acs", "kills"], span=None)
        tied = compute_percentiles(conn, "p1", ["acs"], span=None)
        unranked = compute_percentiles(conn, "p5", ["acs", "kills"], span=None)
        lowest = compute_percentiles(conn, "p6", ["kills"], span=None)
    # Mid-rank: 100 x (ranked players below + half of those level, the player included).
    assert best == {"acs": 87.5, "kills": 25.0}  # kills: p6 below, p4 alone at 2
    assert tied == {"acs": 37.5}  # p2, p1 and p3 share 200, nobody of the four is below
    assert unranked == {"acs": None, "kills": round(100 * 5.5 / 6, 2)}  # too few for a rate
    assert lowest == {"kills": round(100 * 0.5 / 6, 2)}
