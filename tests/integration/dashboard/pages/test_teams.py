"""The team page: the API's numbers under the same filters."""

from __future__ import annotations

import pytest

from dashboard_site import FilledStore, TestClient
from scoreline.dashboard.tables import label_column

from ..html_tables import HtmlTable, read_tables, shown


@pytest.mark.parametrize("params", [{}, {"period": "month"}, {"map": "Haven"}])
def test_team_page_shows_every_total_of_the_api(
    client: TestClient, filled: FilledStore, params: dict[str, str]
) -> None:
    del filled
    api = client.get("/api/v1/teams/Red", params=params).json()
    page = client.get("/teams/Red", params=params)
    assert page.status_code == 200
    tables = read_tables(page.text)
    totals = {row[0]: row[1:] for row in tables["totals"].rows}
    assert len(totals) == len(api["totals"])
    for name, value in api["totals"].items():
        assert totals[label_column(name)][0] == shown(value), name
    assert len(tables.get("recent-matches", HtmlTable()).rows) == len(api["recent_matches"])
    for split, lines in api["splits"].items():
        if lines:
            assert len(tables[f"split-{split}"].rows) == len(lines), split


def test_an_unknown_team_is_a_404_page(client: TestClient, filled: FilledStore) -> None:
    del filled
    page = client.get("/teams/Green")
    assert page.status_code == 404
    assert "No computed match has a team with id &#39;Green&#39;." in page.text
