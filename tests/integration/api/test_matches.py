"""The match read endpoints over stored real and generated matches, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from scoreline.api.app import create_app
from scoreline.api.match_schemas import (
    MatchClutches,
    MatchDetail,
    MatchDuels,
    MatchList,
    MatchPlayer,
    MatchRounds,
    MatchWeapons,
)
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.domain.rounds import Game, Match
from scoreline.ingest import parse_source
from scoreline.reports.match_players import CLUTCH_COLUMNS, DUEL_COLUMNS, WEAPON_COLUMNS
from scoreline.reports.match_rounds import ROUND_HEADER_COLUMNS
from scoreline.reports.matches import MATCH_LIST_COLUMNS
from scoreline.synthetic.valorant import generate_match
from shared_data import DATA_DIR

from .api_setups import TestClient
from .report_setups import (
    API,
    BACKENDS,
    generated_at,
    get_ok,
    ingest_files,
    module_database_url,
    problem_of,
)

REAL_FILES = [
    *sorted((DATA_DIR / "valorant").glob("*.json")),
    *sorted((DATA_DIR / "cs2").glob("*.log")),
]
PRESET = "official"
SYNTHETIC_SEED = 29
SYNTHETIC_MATCHES = 24
# The first synthetic matches all start at this instant: the list must break the tie.
TIED_START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TIED_MATCHES = 4


@dataclass
class Served:
    """A database holding the real files and generated matches, and a client of the API."""

    client: TestClient
    backend: str
    matches: dict[int, Match]  # by match_pk, as parsed from the ingested bytes
    pending_pk: int
    pk_by_source_id: dict[str, int]


def _synthetic_payload(index: int) -> bytes:
    if index < TIED_MATCHES:
        return generated_at(SYNTHETIC_SEED, index, TIED_START)
    return orjson.dumps(generate_match(SYNTHETIC_SEED, index))


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    url = module_database_url(request, tmp_path_factory)
    with open_runtime(load_settings(database_url=url, redis_url="")) as runtime:
        files = [(path.read_bytes(), str(path)) for path in REAL_FILES]
        files += [(_synthetic_payload(i), f"synthetic-{i}") for i in range(SYNTHETIC_MATCHES)]
        # The last one stays pending: its job is queued and no worker runs here.
        outcomes = ingest_files(runtime, files, pending={len(files) - 1})
        parsed: dict[int, Match] = {}
        for outcome, (data, label) in zip(outcomes, files, strict=True):
            parsed.update(zip(outcome.match_pks, parse_source(data, label), strict=True))
        with TestClient(create_app(runtime)) as client:
            yield Served(
                client=client,
                backend=request.param,
                matches=parsed,
                pending_pk=max(parsed),
                pk_by_source_id={match.match_id: pk for pk, match in parsed.items()},
            )


@pytest.fixture(scope="module")
def cli_stats() -> dict[str, dict[str, Any]]:
    """`scoreline stats --format json --detail` of the real files, by source match id."""
    result = subprocess.run(
        [sys.executable, "-m", "scoreline", "stats", "--format", "json", "--detail",
         "--preset", PRESET, *map(str, REAL_FILES)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    document = json.loads(result.stdout)
    return {match["match_id"]: match for match in document["matches"]}


def newest_first(served: Served, keep: Callable[[Match], bool]) -> list[int]:
    kept = [pk for pk, match in served.matches.items() if keep(match)]
    return sorted(kept, key=lambda pk: (served.matches[pk].started_at, pk), reverse=True)


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["-started_at", "started_at"])
@pytest.mark.parametrize("limit", [1, 3, 7, 200])
def test_walking_the_pages_yields_every_match_once_in_order(
    served: Served, sort: str, limit: int
) -> None:
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"sort": sort, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        page = get_ok(served.client, f"{API}/matches", MatchList, **params)
        assert len(page["items"]) <= limit
        seen += [item["match_pk"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = newest_first(served, lambda _match: True)
    assert seen == (expected if sort == "-started_at" else expected[::-1])


def test_a_list_item_summarises_the_match_with_its_score(served: Served) -> None:
    page = get_ok(served.client, f"{API}/matches", MatchList, limit=200)
    items = {item["match_pk"]: item for item in page["items"]}
    for pk, match in served.matches.items():
        item = items[pk]
        assert item["match_id"] == match.match_id
        assert item["game"] == match.game.value
        assert item["map"] == match.map_name
        assert datetime.fromisoformat(item["started_at"]) == match.started_at
        assert item["rounds_played"] == len(match.rounds)
        assert [t["team_id"] for t in item["teams"]] == [t.team_id for t in match.teams]
        won = {t["team_id"]: t["score"] for t in item["teams"]}
        counted = {t.team_id: 0 for t in match.teams}
        for round_ in match.rounds:
            if round_.winning_team_id in counted:
                counted[round_.winning_team_id] += 1
        if pk != served.pending_pk:
            assert item["status"] == "computed"
            assert item["stat_preset"] == PRESET
            assert won == counted
    assert items[served.pending_pk]["status"] == "pending"
    assert items[served.pending_pk]["computed_at"] is None


FILTERS: list[tuple[str, dict[str, str], Callable[[Match], bool]]] = [
    ("game", {"game": "cs2"}, lambda m: m.game is Game.CS2),
    ("map any case", {"map": "BIND"}, lambda m: m.map_name.lower() == "bind"),
    ("mode any case", {"mode": "COMPETITIVE"}, lambda m: m.mode.lower() == "competitive"),
    ("unknown player", {"player": "nobody"}, lambda _m: False),
    ("team", {"team": "rvls test 2"}, lambda m: m.game is Game.CS2),
    ("team of many", {"team": "Red"}, lambda m: "Red" in {t.team_id for t in m.teams}),
    ("from is inclusive", {"from": TIED_START.isoformat()}, lambda m: m.started_at >= TIED_START),
    ("to is exclusive", {"to": TIED_START.isoformat()}, lambda m: m.started_at < TIED_START),
    (
        "from and to in another offset",
        {"from": "2026-03-01T13:00:00+01:00", "to": (TIED_START + timedelta(days=30)).isoformat()},
        lambda m: TIED_START <= m.started_at < TIED_START + timedelta(days=30),
    ),
    ("an empty range", {"from": TIED_START.isoformat(), "to": TIED_START.isoformat()},
     lambda _m: False),
    (
        "game and map",
        {"game": "valorant", "map": "bind"},
        lambda m: m.game is Game.VALORANT and m.map_name == "Bind",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("case", "params", "keep"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filters_keep_exactly_the_matching_matches(
    served: Served, case: str, params: dict[str, str], keep: Callable[[Match], bool]
) -> None:
    page = get_ok(served.client, f"{API}/matches", MatchList, limit=200, **params)
    expected = newest_first(served, keep)
    assert [item["match_pk"] for item in page["items"]] == expected, case
    if case in ("game", "team", "from is inclusive", "to is exclusive"):
        assert expected, "the case must select something to mean anything"


def test_the_player_filter_keeps_the_matches_the_player_played(served: Served) -> None:
    played: dict[str, int] = {}
    for match in served.matches.values():
        for player in match.players:
            played[player.player_id] = played.get(player.player_id, 0) + 1
    recurring = max(sorted(played), key=lambda player_id: played[player_id])

    page = get_ok(served.client, f"{API}/matches", MatchList, limit=200, player=recurring)

    expected = newest_first(served, lambda m: recurring in {p.player_id for p in m.players})
    assert [item["match_pk"] for item in page["items"]] == expected
    assert len(expected) == played[recurring] > 1


def test_a_filtered_walk_keeps_its_filter_across_pages(served: Served) -> None:
    seen: list[int] = []
    params: dict[str, Any] = {"game": "valorant", "limit": 2}
    while True:
        page = get_ok(served.client, f"{API}/matches", MatchList, **params)
        seen += [item["match_pk"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == newest_first(served, lambda match: match.game is Game.VALORANT)


LIST_ERRORS: list[tuple[dict[str, Any], str, str]] = [
    ({"from": "2026-13-01T00:00:00Z"}, "from", "datetime"),
    ({"from": "yesterday"}, "from", "datetime"),
    ({"to": "2026-03-01T00:00:00"}, "to", "timezone"),
    ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from", "starts after"),
    ({"sort": "newest"}, "sort", "-started_at"),
    ({"cursor": "not-a-cursor!"}, "cursor", "not a cursor of this list"),
    ({"limit": 0}, "limit", "greater than or equal to 1"),
    ({"limit": 201}, "limit", "less than or equal to 200"),
    ({"limit": "many"}, "limit", "integer"),
    ({"game": "dota"}, "game", "valorant"),
    ({"map": "Bind\x00"}, "map", "NUL"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "field", "reason"), LIST_ERRORS)
def test_a_bad_list_request_is_a_422_naming_the_parameter_and_reason(
    served: Served, params: dict[str, Any], field: str, reason: str
) -> None:
    response = served.client.get(f"{API}/matches", params=params)
    assert reason in problem_of(response, field)


def test_a_cursor_of_one_sort_is_refused_by_the_other(served: Served) -> None:
    page = get_ok(served.client, f"{API}/matches", MatchList, sort="started_at", limit=1)

    response = served.client.get(f"{API}/matches", params={"cursor": page["next_cursor"]})

    assert "belongs to sort=started_at" in problem_of(response, "cursor")


# --- one match ----------------------------------------------------------------------------------


def _as_cli_player(line: dict[str, Any]) -> dict[str, Any]:
    """A scoreboard line in the shape of `scoreline stats --format json` (match_json)."""
    buckets = ("1v1", "1v2", "1v3", "1v4", "1v5")
    kept = (
        "player_id", "name", "agent", "rounds_played", "kills", "deaths", "assists", "score",
        "acs", "adr", "kast", "kd", "plus_minus", "hs_pct_hits", "hs_pct_kills", "first_kills",
        "first_deaths", "trade_kills", "traded_deaths", "team_kills", "suicides",
        "spike_deaths", "damage", "rating_v1",
    )  # fmt: skip
    return {
        **{name: line[name] for name in kept},
        "team": line["team_id"],
        "clutches_attempted": sum(line[f"clutch_attempts_{b}"] for b in buckets),
        "clutches_won": sum(line[f"clutch_wins_{b}"] for b in buckets),
        "multikills": {k: line[f"multikills_{k}"] for k in ("2k", "3k", "4k", "5k", "6k")},
    }


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_a_real_match_has_the_numbers_of_scoreline_stats(
    served: Served, cli_stats: dict[str, dict[str, Any]], path: Path
) -> None:
    [match] = parse_source(path.read_bytes(), str(path))
    expected = cli_stats[match.match_id]
    pk = served.pk_by_source_id[match.match_id]

    detail = get_ok(served.client, f"{API}/matches/{pk}", MatchDetail)

    assert detail["status"] == "computed"
    assert detail["job"] is None
    assert sorted(map(_as_cli_player, detail["scoreboard"]), key=lambda p: p["player_id"]) == (
        sorted(expected["players"], key=lambda p: p["player_id"])
    )
    assert sorted((t["team_id"], t["name"], t["score"], t["won"]) for t in detail["teams"]) == (
        sorted((t["team_id"], t["name"], t["rounds_won"], t["won"]) for t in expected["teams"])
    )
    assert {(t["team_id"], t["rounds_won"], t["rounds_lost"]) for t in detail["team_stats"]} == {
        (t["team_id"], t["rounds_won"], t["rounds_lost"]) for t in expected["teams"]
    }
    assert sorted(detail["sides"], key=lambda s: (s["team_id"], s["side"])) == sorted(
        expected["sides"], key=lambda s: (s["team_id"], s["side"])
    )
    assert [
        (r["number"], r["winning_team_id"], r["result_code"], r["attacking_team_id"])
        for r in detail["rounds"]
    ] == [(r["number"], r["winner"], r["result"], r["attacking_team"]) for r in expected["rounds"]]
    assert detail["rounds_played"] == expected["rounds_played"]
    assert [p["player_id"] for p in detail["players"]] == [p.player_id for p in match.players]
    lines = detail["scoreboard"]
    assert lines == sorted(
        lines, key=lambda line: (line["team_id"], -line["score"], line["player_id"])
    )


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_duels_clutches_and_weapons_of_a_real_match_are_those_of_scoreline_stats(
    served: Served, cli_stats: dict[str, dict[str, Any]], path: Path
) -> None:
    [match] = parse_source(path.read_bytes(), str(path))
    expected = cli_stats[match.match_id]
    pk = served.pk_by_source_id[match.match_id]

    duels = get_ok(served.client, f"{API}/matches/{pk}/duels", MatchDuels)
    clutches = get_ok(served.client, f"{API}/matches/{pk}/clutches", MatchClutches)
    weapons = get_ok(served.client, f"{API}/matches/{pk}/weapons", MatchWeapons)

    def by_key(rows: list[dict[str, Any]], *key: str) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda row: tuple(row[k] for k in key))

    assert duels["items"] == by_key(expected["duels"], "player_id", "opponent_id")
    assert clutches["items"] == by_key(expected["clutches"], "round_number", "player_id")
    assert weapons["items"] == by_key(expected["weapons"], "player_id", "weapon")
    assert duels["status"] == clutches["status"] == weapons["status"] == "computed"


def test_a_match_is_found_by_its_source_id_too(served: Served) -> None:
    pk = served.pk_by_source_id[next(iter(served.pk_by_source_id))]
    match_id = served.matches[pk].match_id

    by_pk = served.client.get(f"{API}/matches/{pk}")
    by_source_id = served.client.get(f"{API}/matches/{match_id}")

    assert by_source_id.status_code == 200
    assert by_source_id.json() == by_pk.json()


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/matches/999999", "no match '999999'"),
        ("/matches/no-such-match", "no match 'no-such-match'"),
        ("/matches/99999999999999999999999", "no match"),
        ("/matches/no-such-match/rounds", "no match"),
        ("/matches/no-such-match/duels", "no match"),
        ("/matches/no-such-match/clutches", "no match"),
        ("/matches/no-such-match/weapons", "no match"),
        ("/matches/no-such-match/players/someone", "no match"),
    ],
)
def test_an_unknown_match_is_a_404_with_the_reason(served: Served, path: str, detail: str) -> None:
    response = served.client.get(API + path)
    assert response.status_code == 404
    assert detail in response.json()["detail"]


def test_a_player_not_in_the_match_is_a_404(served: Served) -> None:
    pk = min(served.matches)
    response = served.client.get(f"{API}/matches/{pk}/players/nobody")
    assert response.status_code == 404
    assert f"did not play match {pk}" in response.json()["detail"]


def test_a_pending_match_answers_with_its_canonical_data_and_job(served: Served) -> None:
    match = served.matches[served.pending_pk]

    detail = get_ok(served.client, f"{API}/matches/{served.pending_pk}", MatchDetail)
    rounds = get_ok(served.client, f"{API}/matches/{served.pending_pk}/rounds", MatchRounds)
    duels = get_ok(served.client, f"{API}/matches/{served.pending_pk}/duels", MatchDuels)

    assert detail["status"] == "pending"
    assert detail["job"]["state"] == "queued"
    assert detail["job"]["attempts"] == 0
    assert detail["stat_version"] is None
    assert detail["scoreboard"] == detail["team_stats"] == detail["sides"] == []
    assert [p["player_id"] for p in detail["players"]] == [p.player_id for p in match.players]
    assert [r["winning_team_id"] for r in detail["rounds"]] == [
        r.winning_team_id for r in match.rounds
    ]
    assert all(r["pistol"] is None for r in detail["rounds"])
    assert [len(r["kills"]) for r in rounds["items"]] == [len(r.kills) for r in match.rounds]
    assert all(r["teams"] == [] for r in rounds["items"])
    assert (rounds["status"], duels["status"], duels["items"]) == ("pending", "pending", [])
    assert "etag" not in served.client.get(f"{API}/matches/{served.pending_pk}").headers


# --- rounds and one player ------------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_rounds_carry_the_kill_feed_economy_and_player_lines(
    served: Served, cli_stats: dict[str, dict[str, Any]], path: Path
) -> None:
    [match] = parse_source(path.read_bytes(), str(path))
    expected = cli_stats[match.match_id]
    pk = served.pk_by_source_id[match.match_id]

    body = get_ok(served.client, f"{API}/matches/{pk}/rounds", MatchRounds, players="true")
    rounds = body["items"]

    assert [r["number"] for r in rounds] == list(range(1, len(match.rounds) + 1))
    for got, source, cli in zip(rounds, match.rounds, expected["rounds"], strict=True):
        assert (got["winning_team_id"], got["result_code"]) == (cli["winner"], cli["result"])
        assert [
            (k["t_ms"], k["killer_id"], k["victim_id"], k["headshot"]) for k in got["kills"]
        ] == [(k.t_ms, k.killer_id, k.victim_id, k.headshot) for k in source.kills]
        assert [k["assistant_ids"] for k in got["kills"]] == [
            list(k.assistant_ids) for k in source.kills
        ]
        assert (got["plant_t_ms"], got["planter_id"]) == (
            (source.plant.t_ms, source.plant.planter_id) if source.plant else (None, None)
        )
        assert {t["team_id"] for t in got["teams"]} == {t.team_id for t in match.teams}
        for team in got["teams"]:
            alive = [p for p in got["players"] if p["team_id"] == team["team_id"] and p["survived"]]
            assert team["alive_at_end"] == len(alive)
            assert team["round_number"] == got["number"]
        assert sorted(
            (p["player_id"], p["kills"], p["deaths"], p["assists"], p["damage"], p["score"],
             p["survived"], p["kast"])
            for p in got["players"]
        ) == sorted(tuple(p.values()) for p in cli["players"])  # fmt: skip


def test_rounds_leave_player_lines_out_unless_asked(served: Served) -> None:
    pk = min(served.matches)
    body = get_ok(served.client, f"{API}/matches/{pk}/rounds", MatchRounds)
    assert all(r["players"] is None for r in body["items"])
    assert all(t["buy_type"] for r in body["items"] for t in r["teams"])


def test_one_players_match_is_their_line_rounds_weapons_duels_and_clutches(served: Served) -> None:
    pk = served.pk_by_source_id[
        next(m.match_id for m in served.matches.values() if m.game is Game.CS2)
    ]
    detail = get_ok(served.client, f"{API}/matches/{pk}", MatchDetail)
    line = max(detail["scoreboard"], key=lambda candidate: candidate["clutch_kills"])
    player_id = line["player_id"]

    body = get_ok(served.client, f"{API}/matches/{pk}/players/{player_id}", MatchPlayer)

    assert body["line"] == line
    assert body["player"]["player_id"] == player_id
    assert [r["round_number"] for r in body["rounds"]] == list(
        range(1, detail["rounds_played"] + 1)
    )
    assert sum(r["kills"] for r in body["rounds"]) == line["kills"]
    for part, columns in (
        ("weapons", WEAPON_COLUMNS),
        ("duels", DUEL_COLUMNS),
        ("clutches", CLUTCH_COLUMNS),
    ):
        everyone = served.client.get(f"{API}/matches/{pk}/{part}").json()["items"]
        assert body[part] == [row for row in everyone if row["player_id"] == player_id]
        assert all(tuple(row) == columns for row in body[part])
    assert sum(w["kills"] for w in body["weapons"]) <= line["kills"]
    assert body["clutches"]  # the player with the most clutch kills had clutches


@pytest.mark.parametrize("part", ["duels", "clutches", "weapons"])
def test_match_lists_filter_by_player(served: Served, part: str) -> None:
    pk = min(served.matches)
    everyone = served.client.get(f"{API}/matches/{pk}/{part}").json()["items"]
    player_id = everyone[0]["player_id"]

    body = served.client.get(f"{API}/matches/{pk}/{part}", params={"player": player_id}).json()

    assert body["items"] == [row for row in everyone if row["player_id"] == player_id]


# --- CSV and caching ----------------------------------------------------------------------------


def _csv_cases(served: Served) -> list[tuple[str, tuple[str, ...]]]:
    pk = min(served.matches)
    return [
        (f"{API}/matches", MATCH_LIST_COLUMNS),
        (f"{API}/matches/{pk}/rounds", ROUND_HEADER_COLUMNS),
        (f"{API}/matches/{pk}/duels", DUEL_COLUMNS),
        (f"{API}/matches/{pk}/clutches", CLUTCH_COLUMNS),
        (f"{API}/matches/{pk}/weapons", WEAPON_COLUMNS),
    ]


@pytest.mark.parametrize("ask", ["query", "accept"])
def test_every_list_answers_csv_with_one_line_per_item(served: Served, ask: str) -> None:
    for url, columns in _csv_cases(served):
        as_json = served.client.get(url).json()["items"]
        if ask == "query":
            response = served.client.get(url, params={"format": "csv"})
        else:
            response = served.client.get(url, headers={"accept": "text/csv"})

        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        assert tuple(rows[0]) == columns, url
        assert len(rows) - 1 == len(as_json), url
        assert [row[0] for row in rows[1:]] == [str(item[columns[0]]) for item in as_json]


def test_a_computed_match_carries_an_etag_and_answers_304_to_it(served: Served) -> None:
    pk = min(served.matches)
    for suffix in ("", "/rounds", "/duels", "/clutches", "/weapons"):
        first = served.client.get(f"{API}/matches/{pk}{suffix}")
        etag = first.headers["etag"]

        again = served.client.get(f"{API}/matches/{pk}{suffix}", headers={"if-none-match": etag})
        other = served.client.get(f"{API}/matches/{pk}{suffix}", headers={"if-none-match": '"x"'})

        assert again.status_code == 304, suffix
        assert again.content == b""
        assert (other.status_code, other.content) == (200, first.content)
    assert (
        served.client.get(f"{API}/matches/{pk}").headers["etag"]
        != served.client.get(f"{API}/matches/{pk + 1}").headers["etag"]
    )
