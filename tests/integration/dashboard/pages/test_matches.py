"""The match list and match pages: every number in HTML tables, the same as the API's."""

from __future__ import annotations

import pytest

from dashboard_site import FilledStore, TestClient
from scoreline.dashboard.pages.matches import SCOREBOARD_KEYS
from scoreline.dashboard.tables import agent_name, weapon_name
from scoreline.reports.match_rows import LAYOUTS, row_columns

from ..html_tables import read_tables, shown


def test_match_page_shows_every_scoreboard_number_of_the_api(
    client: TestClient, filled: FilledStore
) -> None:
    for match_pk in filled.computed_match_pks:
        api = client.get(f"/api/v1/matches/{match_pk}").json()
        page = client.get(f"/matches/{match_pk}")
        assert page.status_code == 200
        scoreboard = read_tables(page.text)["scoreboard"]
        assert len(scoreboard.rows) == len(api["scoreboard"]) == 10
        by_name = {record["Player"]: record for record in scoreboard.records()}
        names = {player["player_id"]: player["name"] for player in api["players"]}
        columns = [c for c in row_columns(LAYOUTS["match_player_stats"]) if c != "name"]
        # One header per stat column: none left out.
        assert len(scoreboard.header) == len(columns)
        for line in api["scoreboard"]:
            record = by_name[names[line["player_id"]]]
            cells = dict(zip(SCOREBOARD_KEYS, record.values(), strict=True))
            for key in columns:
                if key == "player_id":
                    assert cells[key] == names[line[key]]
                elif key == "agent":
                    assert cells[key] == agent_name(line[key])
                else:
                    assert cells[key] == shown(line[key]), (match_pk, line["player_id"], key)


def test_match_page_shows_rounds_kill_feed_duels_clutches_and_weapons(
    client: TestClient, filled: FilledStore
) -> None:
    match_pk = filled.real_match_pk
    rounds = client.get(f"/api/v1/matches/{match_pk}/rounds").json()["items"]
    duels = client.get(f"/api/v1/matches/{match_pk}/duels").json()["items"]
    clutches = client.get(f"/api/v1/matches/{match_pk}/clutches").json()["items"]
    weapons = client.get(f"/api/v1/matches/{match_pk}/weapons").json()["items"]
    html = client.get(f"/matches/{match_pk}").text
    tables = read_tables(html)

    strip = tables["rounds"]
    assert strip.column("Round") == [str(r["number"]) for r in rounds]
    assert strip.column("How") == [r["result_code"] for r in rounds]
    assert html.count('class="round-chip') == len(rounds)
    feeds = [table for name, table in tables.items() if name.startswith("table-")]
    assert [len(feed.rows) for feed in feeds] == [len(r["kills"]) for r in rounds if r["kills"]]
    assert sorted(int(v) for v in tables["duels"].column("Kills")) == sorted(
        d["kills"] for d in duels
    )
    assert 'data-chart="duel-heatmap"' in html
    assert len(tables["clutches"].rows) == len(clutches) > 0
    assert sorted(tables["weapons"].column("Weapon")) == sorted(
        weapon_name(w["weapon"]) for w in weapons
    )
    assert sorted(int(v) for v in tables["weapons"].column("Damage")) == sorted(
        w["damage"] for w in weapons
    )


def test_a_pending_match_says_which_job_it_waits_for(
    client: TestClient, filled: FilledStore
) -> None:
    page = client.get(f"/matches/{filled.pending_match_pk}")
    assert page.status_code == 200
    assert "Why there are no stats yet" in page.text
    assert "queued" in page.text
    assert "The scoreboard appears once the worker has computed this match." in page.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/matches/999999", "No match &#39;999999&#39; is stored"),
        ("/matches/not-a-match", "No match &#39;not-a-match&#39; is stored"),
        ("/no/such/page", "There is no page at /no/such/page"),
    ],
)
def test_unknown_pages_are_404_pages(
    client: TestClient, filled: FilledStore, path: str, message: str
) -> None:
    del filled
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text


def test_api_errors_stay_json_beside_the_pages(client: TestClient) -> None:
    response = client.get("/api/v1/matches/999999")
    assert response.status_code == 404
    assert response.json()["error"] == "not found"


def test_match_list_filters_and_pages(client: TestClient, filled: FilledStore) -> None:
    everything = read_tables(client.get("/matches").text)["match-list"]
    assert len(everything.rows) == len(filled.computed_match_pks) + 1
    haven = read_tables(client.get("/matches", params={"map": "haven"}).text)["match-list"]
    assert haven.column("Map") == ["Haven"]
    bad = client.get("/matches", params={"cursor": "nonsense", "game": "chess"})
    assert bad.status_code == 200
    assert "cursor: not a cursor of this list" in bad.text
    assert "game: &#39;chess&#39; is not one of" in bad.text
