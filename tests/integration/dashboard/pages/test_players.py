"""The player page and search: the API's numbers under the same filters, and the radar."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard_site import FilledStore, TestClient
from scoreline.dashboard.tables import label_column

from ..html_tables import HtmlTable, read_tables, shown

# Player 0 of the real file: a player of a computed match with every split.
FILTER_CASES = [
    {},
    {"period": "month"},
    {"period": "week", "granularity": "week"},
    {"map": "Haven"},
    {"side": "attack"},
    {"from": "2020-01-01", "to": "2026-12-31", "side": "defense", "map": "Haven"},
]


def a_player(client: TestClient, filled: FilledStore) -> dict[str, Any]:
    match = client.get(f"/api/v1/matches/{filled.real_match_pk}").json()
    player: dict[str, Any] = match["scoreboard"][0]
    return player


def totals_by_label(table: HtmlTable) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table.rows}


@pytest.mark.parametrize("params", FILTER_CASES)
def test_player_page_shows_every_total_of_the_api(
    client: TestClient, filled: FilledStore, params: dict[str, str]
) -> None:
    player_id = a_player(client, filled)["player_id"]
    api = client.get(f"/api/v1/players/{player_id}", params=params).json()
    page = client.get(f"/players/{player_id}", params=params)
    assert page.status_code == 200
    tables = read_tables(page.text)
    totals = totals_by_label(tables["totals"])
    assert len(totals) == len(api["totals"])
    for name, value in api["totals"].items():
        current, previous, change = totals[label_column(name)]
        assert current == shown(value), name
        assert previous == shown((api["previous"] or {}).get(name)), name
        assert change == shown((api["change"] or {}).get(name)), name
    assert len(tables.get("recent-matches", HtmlTable()).rows) == len(api["recent_matches"])
    played = [p for p in api["trend"]["points"] if p["matches"] or p["rounds_played"]]
    assert len(tables.get("trend-table", HtmlTable()).rows) == len(played)
    for split, lines in api["splits"].items():
        if lines:
            assert len(tables[f"split-{split}"].rows) == len(lines), split


def test_player_page_ranks_the_player_against_the_population(
    client: TestClient, filled: FilledStore
) -> None:
    player_id = a_player(client, filled)["player_id"]
    page = client.get(f"/players/{player_id}").text
    percentiles = read_tables(page)["percentiles"]
    assert percentiles.column("Metric") == ["ACS", "KAST", "ADR", "HS %", "FK rate", "Clutch rate"]
    for value in percentiles.column("Percentile"):
        assert 0 < float(value) <= 100
    assert 'data-chart="radar"' in page
    assert 'data-chart="trend"' in page
    with_side = client.get(f"/players/{player_id}", params={"side": "attack"}).text
    assert 'data-chart="radar"' not in with_side
    assert "not shown with a side filter" in with_side


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"period": "soon"}, "period: unknown period &#39;soon&#39;"),
        ({"side": "up"}, "side: &#39;up&#39; is not one of attack, defense"),
        ({"granularity": "minute"}, "granularity: &#39;minute&#39; is not one of day, hour, week"),
        ({"to": "2026-01-01"}, "from: from is required when to is given"),
        ({"recent": "-1"}, "recent: must be between 0 and 100"),
    ],
)
def test_bad_filters_are_shown_on_the_player_page(
    client: TestClient, filled: FilledStore, params: dict[str, str], problem: str
) -> None:
    player_id = a_player(client, filled)["player_id"]
    page = client.get(f"/players/{player_id}", params=params)
    assert page.status_code == 200
    assert problem in page.text


def test_an_unknown_player_is_a_404_page(client: TestClient, filled: FilledStore) -> None:
    del filled
    page = client.get("/players/nobody-at-all")
    assert page.status_code == 404
    assert "No player with id &#39;nobody-at-all&#39; is stored." in page.text


def test_player_search_finds_by_part_of_a_name(client: TestClient, filled: FilledStore) -> None:
    player = a_player(client, filled)
    part = player["name"][1:4].lower()
    api = client.get("/api/v1/players", params={"search": part}).json()["items"]
    page = client.get("/players", params={"search": part}).text
    assert read_tables(page)["players"].column("Player") == [item["name"] for item in api]
    assert player["name"] in read_tables(page)["players"].column("Player")
    assert "Type part of a player" in client.get("/players").text
    assert "No player matches" in client.get("/players", params={"search": "zzzzzz"}).text
