"""The player endpoints over ingested matches, on SQLite and PostgreSQL: every filter holds
for every number, and a period's numbers equal a hand recomputation from match_player_stats."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from scoreline.api.player_schemas import PlayerProfile, PlayerSearch
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.reports.facts import MATCH_PLAYER_STATS, ROUND_PLAYER_STATS
from scoreline.store import build_engine
from scoreline.store.schema import matches
from scoreline.synthetic.valorant import generate_match

from .api_setups import TestClient
from .report_setups import (
    API,
    BACKENDS,
    HERO,
    HERO_SEED,
    build_app,
    get_ok,
    hero_match,
    ingest_files,
    keep_rows,
    load_match_rows,
    module_database_url,
    problem_of,
)

STARTS = (
    datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    datetime(2026, 3, 9, 21, 0, tzinfo=UTC),
    datetime(2026, 3, 11, 8, 0, tzinfo=UTC),
    datetime(2026, 3, 15, 23, 30, tzinfo=UTC),
    datetime(2026, 3, 16, 0, 15, tzinfo=UTC),
    datetime(2026, 3, 16, 19, 0, tzinfo=UTC),
    datetime(2026, 3, 17, 12, 0, tzinfo=UTC),
    datetime(2026, 3, 18, 9, 0, tzinfo=UTC),
    datetime(2026, 3, 18, 9, 40, tzinfo=UTC),
)
SUMMED = ("kills", "deaths", "assists", "score", "rounds_played", "damage", "kast_rounds")


@dataclass
class Served:
    client: TestClient
    url: str
    names: list[str]  # HERO's name in each match, in STARTS order


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    url = module_database_url(request, tmp_path_factory)
    names = []
    for index in range(len(STARTS)):
        document: dict[str, Any] = generate_match(HERO_SEED, index)
        player = document["players"][index % 10]
        names.append(f"{player['gameName']}#{player['tagLine']}")
    with open_runtime(load_settings(database_url=url)) as runtime:
        ingest_files(
            runtime,
            [(hero_match(index, start), f"hero-{index}") for index, start in enumerate(STARTS)],
        )
        with TestClient(build_app(runtime)) as client:
            yield Served(client, url, names)


def hero_rows(served: Served, **where: Any) -> list[dict[str, Any]]:
    """HERO's match_player_stats rows with their match's start and map, by hand."""
    return keep_rows(load_match_rows(served.url, MATCH_PLAYER_STATS, player_id=HERO), **where)


def by_hand(rows: list[dict[str, Any]]) -> dict[str, Any]:
    totals: dict[str, Any] = {name: sum(row[name] for row in rows) for name in SUMMED}
    totals["matches"] = len(rows)
    rounds = totals["rounds_played"]
    totals["acs"] = round(totals["score"] / rounds, 2) if rounds else None
    totals["adr"] = round(totals["damage"] / rounds, 2) if rounds else None
    totals["kast"] = round(100 * totals["kast_rounds"] / rounds, 2) if rounds else None
    totals["kd"] = round(totals["kills"] / max(totals["deaths"], 1), 2) if rounds else None
    return totals


def assert_totals(line: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        assert line[name] == value, name


# --- period numbers against a hand recomputation ------------------------------------------------

WEEK_START = datetime(2026, 3, 16, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "week"}, WEEK_START, WEEK_START + WEEK),
        ({"period": "today"}, datetime(2026, 3, 18, tzinfo=UTC), datetime(2026, 3, 19, tzinfo=UTC)),
        ({"period": "month"}, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        ({}, None, None),
        ({"from": "2026-03-09", "to": "2026-03-15"}, WEEK_START - WEEK, WEEK_START),
        ({"period": "2026-03-11..2026-03-16"}, datetime(2026, 3, 11, tzinfo=UTC),
         datetime(2026, 3, 17, tzinfo=UTC)),
        ({"from": "2026-03-17"}, datetime(2026, 3, 17, tzinfo=UTC),
         datetime(2026, 3, 19, tzinfo=UTC)),  # to today
    ],
)  # fmt: skip
def test_period_totals_equal_a_hand_recomputation(
    served: Served, params: dict[str, str], start: datetime | None, end: datetime | None
) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, **params)
    expected = by_hand(hero_rows(served, start=start, end=end))
    assert expected["matches"] > 0
    assert_totals(body["totals"], expected)
    assert body["source"] == "rollup_player_day"


def test_the_period_before_and_the_change(served: Served) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, period="week")
    current = by_hand(hero_rows(served, start=WEEK_START, end=WEEK_START + WEEK))
    previous = by_hand(hero_rows(served, start=WEEK_START - WEEK, end=WEEK_START))
    assert_totals(body["previous"], previous)
    change = body["change"]
    assert change["kills"] == round(
        100 * (current["kills"] - previous["kills"]) / previous["kills"], 2
    )
    exact_acs = (
        current["score"] / current["rounds_played"],
        previous["score"] / previous["rounds_played"],
    )
    assert change["acs"] == round(100 * (exact_acs[0] - exact_acs[1]) / exact_acs[1], 2)
    assert body["period"]["current"]["first_day"] == "2026-03-16"
    assert body["period"]["previous"]["last_day"] == "2026-03-15"


def test_an_empty_previous_period_has_no_change_rather_than_an_infinite_one(
    served: Served,
) -> None:
    body = get_ok(
        served.client, f"{API}/players/{HERO}", PlayerProfile, period="2026-03-02..2026-03-08"
    )
    assert body["totals"]["matches"] == 1
    assert body["previous"]["matches"] == 0
    assert body["previous"]["acs"] is None
    assert body["change"]["kills"] is None
    assert body["change"]["acs"] is None


def test_all_time_has_no_previous_period(served: Served) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, period="all")
    assert body["previous"] is None
    assert body["change"] is None
    assert body["period"] == {"kind": "all", "timezone": "UTC", "current": None, "previous": None}


# --- every filter holds for every number --------------------------------------------------------


def _hero_map_and_agent(served: Served) -> tuple[str, str]:
    rows = hero_rows(served)
    return rows[0]["map_name"], rows[0]["agent"]


@pytest.mark.parametrize(
    ("filters", "source"),
    [
        ({"map"}, "rollup_player_map_day"),
        ({"agent"}, "rollup_player_agent_day"),
        ({"map", "agent"}, "match_player_stats"),
    ],
)
def test_map_and_agent_filters_hold_everywhere(
    served: Served, filters: set[str], source: str
) -> None:
    map_name, agent = _hero_map_and_agent(served)
    params = {"map": map_name, "agent": agent}
    chosen = {name: params[name] for name in filters}
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, **chosen)
    assert body["source"] == source
    where = {"map_name": map_name} if "map" in filters else {}
    if "agent" in filters:
        where["agent"] = agent
    expected = by_hand(hero_rows(served, **where))
    assert_totals(body["totals"], expected)
    splits = body["splits"]
    if "map" in filters:
        assert [line["map_name"] for line in splits["maps"]] == [map_name]
    if "agent" in filters:
        assert [line["agent"] for line in splits["agents"]] == [agent]
    # Each split adds up to the totals: no split escapes the filter.
    for name in ("maps", "agents"):
        assert sum(line["kills"] for line in splits[name]) == expected["kills"]
        assert sum(line["matches"] for line in splits[name]) == expected["matches"]
    assert sum(line["rounds_played"] for line in splits["sides"]) <= expected["rounds_played"]
    assert sum(line["kills"] for line in splits["sides"]) <= expected["kills"]
    assert sum(line["kills"] for line in splits["weapons"]) <= expected["kills"]
    assert sum(p["kills"] for p in body["trend"]["points"]) == expected["kills"]
    recent = body["recent_matches"]
    assert len(recent) == expected["matches"]
    assert all(match["map_name"] == map_name for match in recent if "map" in filters)
    assert all(match["agent"] == agent for match in recent if "agent" in filters)


def hero_side_rounds(served: Served, side: str, map_name: str | None = None) -> dict[str, int]:
    rps = ROUND_PLAYER_STATS
    engine = build_engine(served.url)
    try:
        with engine.connect() as conn:
            statement = (
                select(rps.c.kills, rps.c.score, rps.c.damage)
                .select_from(rps.join(matches, matches.c.match_pk == rps.c.match_pk))
                .where(rps.c.player_id == HERO, rps.c.side == side, rps.c.played.is_(True))
            )
            if map_name is not None:
                statement = statement.where(matches.c.map_name == map_name)
            rows = conn.execute(statement).all()
    finally:
        engine.dispose()
    return {
        "rounds_played": len(rows),
        "kills": sum(row.kills for row in rows),
        "score": sum(row.score for row in rows),
        "damage": sum(row.damage for row in rows),
    }


@pytest.mark.parametrize("with_map", [False, True])
def test_a_side_filter_counts_only_that_sides_rounds(served: Served, with_map: bool) -> None:
    map_name = _hero_map_and_agent(served)[0] if with_map else None
    params = {"side": "attack", **({"map": map_name} if map_name else {})}
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, **params)
    assert body["source"] == ("round_player_stats" if with_map else "rollup_player_side_day")
    expected = hero_side_rounds(served, "attack", map_name)
    assert_totals(body["totals"], expected)
    # Side lines have no match count, wins or ratings, and no weapon split.
    assert body["totals"]["matches"] is None
    assert body["totals"]["rating_v1"] is None
    assert body["splits"]["weapons"] is None
    assert [line["side"] for line in body["splits"]["sides"]] == ["attack"]
    for name in ("maps", "agents", "economy"):
        assert sum(line["kills"] for line in body["splits"][name]) == expected["kills"]
    assert sum(p["kills"] for p in body["trend"]["points"]) == expected["kills"]
    assert sum(m["kills"] for m in body["recent_matches"]) == expected["kills"]
    assert sum(m["rounds_played"] for m in body["recent_matches"]) == expected["rounds_played"]


def test_unfiltered_splits_add_up_to_the_totals(served: Served) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile)
    totals, splits = body["totals"], body["splits"]
    for name in ("maps", "agents"):
        assert sum(line["matches"] for line in splits[name]) == totals["matches"]
        assert sum(line["score"] for line in splits[name]) == totals["score"]
    sides = splits["sides"]
    assert sum(line["rounds_played"] for line in sides) == totals["rounds_played"]
    assert {line["side"]: line["rounds_played"] for line in sides} == {
        "attack": totals["attack_rounds"],
        "defense": totals["defense_rounds"],
    }
    assert sum(line["attempts"] for line in splits["clutches"]) == totals["clutch_attempts"]
    assert sum(line["wins"] for line in splits["clutches"]) == totals["clutch_wins"]
    assert sum(line["kills"] for line in splits["weapons"]) <= totals["kills"]
    # The most played first.
    assert splits["maps"] == sorted(splits["maps"], key=lambda line: -line["matches"])


# --- trend and recent matches ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "points", "source"),
    [
        ({"period": "week", "granularity": "day"}, 7, "rollup_player_day"),
        ({"period": "today", "granularity": "hour"}, 24, "match_player_stats"),
        ({"period": "month", "granularity": "week"}, 6, "rollup_player_day"),
        ({"period": "all", "granularity": "day"}, 17, "rollup_player_day"),  # 2nd .. 18th
        ({"period": "week", "side": "defense", "granularity": "hour"}, 168, "round_player_stats"),
    ],
)
def test_trend_buckets_fill_the_period_and_add_up(
    served: Served, params: dict[str, str], points: int, source: str
) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, **params)
    trend = body["trend"]
    assert trend["source"] == source
    assert len(trend["points"]) == points
    for name in ("kills", "rounds_played", "score"):
        assert sum(point[name] for point in trend["points"]) == body["totals"][name]
    starts = [datetime.fromisoformat(p["start"]) for p in trend["points"]]
    assert starts == sorted(starts)


def test_hour_trend_places_each_match_in_its_hour(served: Served) -> None:
    body = get_ok(
        served.client, f"{API}/players/{HERO}", PlayerProfile, period="today", granularity="hour"
    )
    busy = [p["start"] for p in body["trend"]["points"] if p["matches"]]
    assert busy == ["2026-03-18T09:00:00+00:00"]
    assert body["trend"]["points"][9]["matches"] == 2


def test_recent_matches_are_the_newest_first(served: Served) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, recent=3)
    recent = body["recent_matches"]
    assert [m["started_at"] for m in recent] == [
        start.isoformat() for start in sorted(STARTS, reverse=True)[:3]
    ]
    for match in recent:
        assert match["acs"] == round(match["score"] / match["rounds_played"], 2)
        assert match["won"] == (match["wins"] == 1)
    none = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile, recent=0)
    assert none["recent_matches"] == []


def test_the_player_head_lists_every_name(served: Served) -> None:
    body = get_ok(served.client, f"{API}/players/{HERO}", PlayerProfile)
    player = body["player"]
    assert player["player_id"] == HERO
    assert player["name"] == served.names[-1]  # the name of the latest match
    assert {entry["name"] for entry in player["names"]} == set(served.names)
    assert player["first_seen"] == STARTS[0].isoformat()


# --- search -------------------------------------------------------------------------------------


def test_search_by_any_past_name_in_any_case(served: Served) -> None:
    old_name = served.names[0]
    body = get_ok(served.client, f"{API}/players", PlayerSearch, search=old_name.upper())
    assert body["items"][0]["player_id"] == HERO
    assert body["items"][0]["matched_name"].startswith(old_name)
    assert body["items"][0]["name"] == served.names[-1]
    assert body["items"][0]["matches"] == len(STARTS)


def test_search_by_id_and_by_part_of_a_name(served: Served) -> None:
    by_id = get_ok(served.client, f"{API}/players", PlayerSearch, search=HERO)
    assert [item["player_id"] for item in by_id["items"]] == [HERO]
    part = served.names[1][1:3].lower()
    found = get_ok(served.client, f"{API}/players", PlayerSearch, search=part, limit=100)
    assert found["items"]
    assert all(part in item["matched_name"].lower() for item in found["items"])
    closeness = [
        0 if item["matched_name"].lower().startswith(part) else 1 for item in found["items"]
    ]
    assert closeness == sorted(closeness)  # names starting with the search first
    limited = get_ok(served.client, f"{API}/players", PlayerSearch, search=part, limit=1)
    assert len(limited["items"]) == 1


def test_search_wildcards_are_literal(served: Served) -> None:
    assert get_ok(served.client, f"{API}/players", PlayerSearch, search="%")["items"] == []
    assert get_ok(served.client, f"{API}/players", PlayerSearch, search="_")["items"] == []


def test_search_answers_csv(served: Served) -> None:
    response = served.client.get(
        f"{API}/players", params={"search": HERO}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["player_id"] for row in rows] == [HERO]
    assert rows[0]["matches"] == str(len(STARTS))


# --- errors and caching -------------------------------------------------------------------------


def test_an_unknown_player_is_404(served: Served) -> None:
    response = served.client.get(f"{API}/players/nobody")
    assert response.status_code == 404
    assert "no player with id 'nobody'" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"period": "fortnight"}, "period", "unknown period 'fortnight'"),
        ({"period": "2026-03-09..2026-03-01"}, "from", "is after to"),
        ({"from": "2026-03-09", "to": "2026-03-01"}, "from", "is after to"),
        ({"to": "2026-03-01"}, "from", "from is required"),
        ({"period": "week", "from": "2026-03-01"}, "period", "not both"),
        ({"from": "0001-01-01"}, "from", "is outside"),
        ({"from": "2026-02-30"}, "from", ""),
        ({"side": "middle"}, "side", ""),
        ({"map": "Asc\x00ent"}, "map", "NUL"),
        ({"granularity": "minute"}, "granularity", ""),
        ({"period": "all", "granularity": "hour", "from": "2000-01-01"}, "period", "not both"),
        ({"from": "2000-01-01", "granularity": "hour"}, "granularity", "coarser granularity"),
        ({"recent": "101"}, "recent", ""),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    served: Served, params: dict[str, str], field: str, words: str
) -> None:
    response = served.client.get(f"{API}/players/{HERO}", params=params)
    assert words in problem_of(response, field)


def test_search_errors(served: Served) -> None:
    assert problem_of(served.client.get(f"{API}/players"), "search")
    assert "empty" in problem_of(
        served.client.get(f"{API}/players", params={"search": " "}), "search"
    )


def test_answers_carry_an_etag_and_revalidate(served: Served) -> None:
    first = served.client.get(f"{API}/players/{HERO}", params={"period": "week"})
    etag = first.headers["etag"]
    again = served.client.get(
        f"{API}/players/{HERO}", params={"period": "week"}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    other = served.client.get(f"{API}/players/{HERO}", params={"period": "month"})
    assert other.headers["etag"] != etag
