"""The leaderboards page: the API's leaderboard under the same filters, as a table."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard_site import FilledStore, TestClient

from ..html_tables import read_tables


@pytest.mark.parametrize(
    "params",
    [
        {"min_matches": "1"},
        {"metric": "kills"},
        {"metric": "kast", "min_matches": "1", "period": "month", "limit": "7"},
        {"metric": "adr", "min_matches": "1", "map": "Haven"},
        {"metric": "acs", "min_matches": "1", "agent": "569fdd95-4d10-43ab-ca70-79becc718b46"},
    ],
)
def test_leaderboard_page_ranks_as_the_api(
    client: TestClient, filled: FilledStore, params: dict[str, str]
) -> None:
    del filled
    metric = params.get("metric", "acs")
    api_params = {name: value for name, value in params.items() if name != "metric"}
    api: dict[str, Any] = client.get(f"/api/v1/leaderboards/{metric}", params=api_params).json()
    page = client.get("/leaderboards", params=params)
    assert page.status_code == 200
    assert api["items"], "the case must rank someone"
    table = read_tables(page.text)["leaderboard"]
    assert [row[:3] for row in table.rows] == [
        [
            f"{item['rank']} {item['badge']}" if item["badge"] else str(item["rank"]),
            item["name"],
            f"{item['value']:.2f}" if isinstance(item["value"], float) else str(item["value"]),
        ]
        for item in api["items"]
    ]
    assert table.column("Matches") == [str(item["matches"]) for item in api["items"]]
    assert f"{api['total']} players ranked" in page.text


def test_the_api_address_of_a_leaderboard_is_a_page_too(
    client: TestClient, filled: FilledStore
) -> None:
    del filled
    page = client.get("/leaderboards/kills")
    assert page.status_code == 200
    assert "Kills (kills)" in page.text
    assert read_tables(page.text)["leaderboard"].rows


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"metric": "charisma"}, "metric: unknown metric &#39;charisma&#39;, showing acs"),
        ({"period": "fortnight"}, "period: unknown period &#39;fortnight&#39;"),
        ({"from": "2026-13-01"}, "from: &#39;2026-13-01&#39; is not a date (YYYY-MM-DD)"),
        ({"min_matches": "many"}, "min_matches: &#39;many&#39; is not a whole number"),
        ({"limit": "0"}, "limit: must be between 1 and 500"),
        ({"game": "chess"}, "game: &#39;chess&#39; is not one of cs2, valorant"),
    ],
)
def test_bad_filters_are_shown_on_the_page(
    empty_client: TestClient, params: dict[str, str], problem: str
) -> None:
    page = empty_client.get("/leaderboards", params=params)
    assert page.status_code == 200
    assert problem in page.text


def test_an_empty_leaderboard_says_how_to_fill_it(empty_client: TestClient) -> None:
    page = empty_client.get("/leaderboards")
    assert "No player has enough matches under these filters." in page.text
