"""Tests for the game-client (PD) match-details adapter: parity with VAL-MATCH-V1, bad input."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from document_edits import drop_at, set_at
from scoreline.domain.errors import MalformedInputError
from scoreline.domain.rounds import DamageType, Kill, Match, PlayerRound, PublishedTotals, Team
from scoreline.ingest.valorant import riot_client, riot_v1

DATA_DIR = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "valorant"
REAL_FILES = (
    "riot_v1_galeforce_1_icebox_spikerush_2661e9c6.json",
    "riot_v1_galeforce_2_haven_unrated_9a640756.json",
    "riot_v1_galeforce_3_bind_custom9p_bf3c9faf.json",
)
REAL_FILE_IDS = [name.split("_")[4] for name in REAL_FILES]
SOURCE = "built/match-details.json"

RED, BLUE, OBSERVER = "red-subject", "blue-subject", "observer-subject"
GHOST = "ghost-subject"
RED_STATS = {"score": 260, "roundsPlayed": 1, "kills": 1, "deaths": 0, "assists": 0}
BLUE_STATS = {"score": 0, "roundsPlayed": 1, "kills": 0, "deaths": 1, "assists": 0}


# --- the same match in both shapes ---------------------------------------------------------


def rename(entry: dict[str, Any], old: str, new: str) -> None:
    entry[new] = entry.pop(old)


def to_client_shape(official: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a VAL-MATCH-V1 document with the client's names, as its MatchDetails carries them.

    Field names follow techchrism/valorant-api-docs (MatchDetails_FetchMatchDetails): `subject`
    for every player id, `gameTime`/`roundTime` in kills, `queueID`, `provisioningFlowID`,
    `bots`, and a top-level `kills[]` repeating every kill with its `round`, in time order.
    """
    doc = copy.deepcopy(official)
    rename(doc["matchInfo"], "queueId", "queueID")
    rename(doc["matchInfo"], "provisioningFlowId", "provisioningFlowID")
    for player in doc["players"]:
        rename(player, "puuid", "subject")
    doc["bots"] = []
    match_kills: list[dict[str, Any]] = []
    for round_ in doc["roundResults"]:
        for key in ("plantPlayerLocations", "defusePlayerLocations"):
            for location in round_.get(key) or []:
                rename(location, "puuid", "subject")
        for stats in round_["playerStats"]:
            rename(stats, "puuid", "subject")
            for kill in stats["kills"]:
                rename(kill, "timeSinceGameStartMillis", "gameTime")
                rename(kill, "timeSinceRoundStartMillis", "roundTime")
                for location in kill["playerLocations"]:
                    rename(location, "puuid", "subject")
                match_kills.append({**copy.deepcopy(kill), "round": round_["roundNum"]})
    doc["kills"] = sorted(match_kills, key=lambda kill: (kill["round"], kill["gameTime"]))
    return doc


@cache
def load_official(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads((DATA_DIR / name).read_bytes())
    return doc


def parse_official(name: str) -> Match:
    (match,) = riot_v1.parse(load_official(name), name)
    return match


def as_client_match(official: Match) -> Match:
    return replace(official, source_format=riot_client.FORMAT_NAME)


@pytest.mark.parametrize("name", REAL_FILES, ids=REAL_FILE_IDS)
def test_client_document_parses_to_the_same_match_as_the_official_one(name: str) -> None:
    client_doc = to_client_shape(load_official(name))

    assert riot_client.recognizes(client_doc)
    assert not riot_v1.recognizes(client_doc)
    (match,) = riot_client.parse(client_doc, name)

    assert match == as_client_match(parse_official(name))
    assert match.source_format == "riot-client-match-details"


@pytest.mark.parametrize("name", REAL_FILES, ids=REAL_FILE_IDS)
def test_top_level_kills_are_preferred_to_the_per_round_lists(name: str) -> None:
    client_doc = to_client_shape(load_official(name))
    for round_ in client_doc["roundResults"]:
        for stats in round_["playerStats"]:
            stats["kills"] = "not read when the top-level list has kills"

    (match,) = riot_client.parse(client_doc, name)

    assert match == as_client_match(parse_official(name))


@pytest.mark.parametrize("top_level", ["absent", "null", "empty"])
def test_per_round_kills_are_read_without_a_top_level_list(top_level: str) -> None:
    name = REAL_FILES[0]
    client_doc = to_client_shape(load_official(name))
    if top_level == "absent":
        del client_doc["kills"]
    else:
        client_doc["kills"] = None if top_level == "null" else []

    (match,) = riot_client.parse(client_doc, name)

    assert match == as_client_match(parse_official(name))


# --- a small hand-written document ---------------------------------------------------------


def build_kill(round_number: int | None = None) -> dict[str, Any]:
    kill: dict[str, Any] = {
        "gameTime": 131_000,
        "roundTime": 31_000,
        "killer": RED,
        "victim": BLUE,
        "victimLocation": {"x": 2500, "y": -700},
        "assistants": [],
        "playerLocations": [
            {"subject": RED, "viewRadians": 0.5, "location": {"x": 2100, "y": -650}},
            {"subject": OBSERVER, "viewRadians": 0.0, "location": {"x": 0, "y": 0}},
        ],
        "finishingDamage": {
            "damageType": "Weapon",
            "damageItem": "9C82E19D-4575-0200-1A81-3EACF00CF872",
            "isSecondaryFireMode": True,
        },
    }
    if round_number is not None:
        kill["round"] = round_number
    return kill


def build_doc() -> dict[str, Any]:
    """A one-round 1v1 custom game as the client reports it, with an observer and no teams."""

    def player(subject: str, team_id: str, stats: dict[str, int] | None) -> dict[str, Any]:
        return {
            "subject": subject,
            "gameName": subject.removesuffix("-subject"),
            "tagLine": "NA1",
            "teamId": team_id,
            "partyId": "party",
            "characterId": "agent-uuid",
            "stats": stats,
            "isObserver": stats is None,
            "accountLevel": 40,
        }

    def round_stats(subject: str, kills: list[dict[str, Any]], afk: bool) -> dict[str, Any]:
        return {
            "subject": subject,
            "kills": kills,
            "damage": [
                {"receiver": BLUE, "damage": 160, "legshots": 0, "bodyshots": 1, "headshots": 1}
            ]
            if subject == RED
            else [],
            "score": 260 if subject == RED else 0,
            "economy": {
                "loadoutValue": 800,
                "weapon": "",
                "armor": "",
                "remaining": 0,
                "spent": 800,
            },
            "ability": {
                "grenadeEffects": None,
                "ability1Effects": None,
                "ability2Effects": None,
                "ultimateEffects": None,
            },
            "wasAfk": afk,
            "wasPenalized": False,
            "stayedInSpawn": False,
        }

    return {
        "matchInfo": {
            "matchId": "client-match",
            "mapId": "/Game/Maps/Jam/Jam",
            "gamePodId": "pod",
            "gameLengthMillis": None,
            "gameStartMillis": 1_690_000_000_000,
            "provisioningFlowID": "CustomGame",
            "isCompleted": True,
            "customGameName": "",
            "queueID": "",
            "gameMode": "/Game/GameModes/Bomb/BombGameMode.BombGameMode_C",
            "isRanked": False,
            "completionState": "Completed",
        },
        "players": [
            player(RED, "Red", RED_STATS),
            player(BLUE, "Blue", BLUE_STATS),
            player(OBSERVER, "Neutral", None),
        ],
        "bots": [],
        "coaches": [],
        "teams": None,
        "roundResults": [
            {
                "roundNum": 0,
                "roundResult": "Eliminated",
                "roundCeremony": "CeremonyDefault",
                "winningTeam": "Red",
                "plantRoundTime": 0,
                "plantPlayerLocations": None,
                "plantLocation": {"x": 0, "y": 0},
                "plantSite": "",
                "defuseRoundTime": 0,
                "defusePlayerLocations": None,
                "defuseLocation": {"x": 0, "y": 0},
                "playerStats": [
                    round_stats(RED, [build_kill()], afk=False),
                    round_stats(BLUE, [], afk=True),
                ],
                "roundResultCode": "Elimination",
                "playerEconomies": None,
                "playerScores": None,
            }
        ],
        "kills": [build_kill(round_number=0)],
    }


def parse_built(mutate: Callable[[dict[str, Any]], object] | None = None) -> Match:
    doc = build_doc()
    if mutate is not None:
        mutate(doc)
    (match,) = riot_client.parse(doc, SOURCE)
    return match


def test_client_kill_reads_round_time_subject_locations_and_secondary_fire() -> None:
    (kill,) = parse_built().rounds[0].kills

    assert kill == Kill(
        t_ms=31_000,
        killer_id=RED,
        victim_id=BLUE,
        weapon="9C82E19D-4575-0200-1A81-3EACF00CF872",
        damage_type=DamageType.WEAPON,
        secondary_fire=True,
        killer_position=(2100.0, -650.0),
        victim_position=(2500.0, -700.0),
    )


def test_null_teams_are_taken_from_the_players() -> None:
    assert parse_built().teams == (
        Team(team_id="Red", name="Red"),
        Team(team_id="Blue", name="Blue"),
        Team(team_id="Neutral", name="Neutral"),
    )


def test_observer_without_stats_has_no_published_totals() -> None:
    match = parse_built()

    assert [player.player_id for player in match.players] == [RED, BLUE, OBSERVER]
    assert match.published == (
        PublishedTotals(RED, kills=1, deaths=0, assists=0, score=260, rounds_played=1),
        PublishedTotals(BLUE, kills=0, deaths=1, assists=0, score=0, rounds_played=1),
    )


def test_client_round_state_keeps_afk_flag_and_empty_items_as_none() -> None:
    players = parse_built().rounds[0].players

    assert players[1] == PlayerRound(
        player_id=BLUE, score=0, loadout_value=800, spent=800, remaining=0, was_afk=True
    )


def test_client_match_header() -> None:
    match = parse_built()

    assert (match.match_id, match.map_name, match.mode, match.queue, match.duration_ms) == (
        "client-match",
        "Lotus",
        "Custom Game",
        "",
        None,
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (build_doc(), True),
        ({k: v for k, v in build_doc().items() if k not in ("kills", "bots")}, True),
        ({k: v for k, v in build_doc().items() if k != "roundResults"}, True),
        ({"matchInfo": {"queueID": ""}, "roundResults": []}, True),
        ({"matchInfo": {"queueId": ""}, "players": [{"puuid": RED}], "roundResults": []}, False),
        ({"status": 200, "data": [{"metadata": {}, "players": [], "kills": []}]}, False),
        ({"metadata": {}, "players": {}, "rounds": [], "kills": []}, False),
        ({"kills": [], "players": []}, False),
        (None, False),
    ],
    ids=[
        "match-details",
        "without-kills-and-bots",
        "without-rounds",
        "queue-id-spelling",
        "val-match-v1",
        "henrik-wrapped",
        "henrik-unwrapped",
        "kills-and-players-only",
        "null",
    ],
)
def test_recognizes_only_the_client_shape(doc: object, expected: bool) -> None:
    assert riot_client.recognizes(doc) is expected


def _without_match_kills(
    mutate: Callable[[dict[str, Any]], None],
) -> Callable[[dict[str, Any]], None]:
    # The per-round kill lists are read only when there is no top-level list.
    def mutate_per_round(doc: dict[str, Any]) -> None:
        del doc["kills"]
        mutate(doc)

    return mutate_per_round


STATS_0 = ("roundResults", 0, "playerStats", 0)

MALFORMED_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("no match info", drop_at(("matchInfo",)), "matchInfo"),
    ("no players", drop_at(("players",)), "players"),
    ("no rounds", drop_at(("roundResults",)), "roundResults"),
    ("null rounds", set_at(("roundResults",), None), "roundResults"),
    ("empty rounds", set_at(("roundResults",), []), "roundResults"),
    ("player subject missing", drop_at(("players", 0, "subject")), "players[0].subject"),
    ("queue not a string", set_at(("matchInfo", "queueID"), 0), "matchInfo.queueID"),
    ("match kills not a list", set_at(("kills",), {"0": build_kill(0)}), "kills"),
    ("match kill round missing", drop_at(("kills", 0, "round")), "kills[0].round"),
    ("match kill round not played", set_at(("kills", 0, "round"), 7), "kills[0].round"),
    ("match kill round time a string", set_at(("kills", 0, "roundTime"), "31000"),
     "kills[0].roundTime"),
    ("match kill round time negative", set_at(("kills", 0, "roundTime"), -1), "kills[0].roundTime"),
    ("match kill killer unknown", set_at(("kills", 0, "killer"), GHOST), "kills[0].killer"),
    ("match kill victim missing", drop_at(("kills", 0, "victim")), "kills[0].victim"),
    ("match kill assistant unknown", set_at(("kills", 0, "assistants"), [RED, GHOST]),
     "kills[0].assistants[1]"),
    ("match kill location y null",
     set_at(("kills", 0, "playerLocations", 0, "location", "y"), None),
     "kills[0].playerLocations[0].location.y"),
    ("round kill time a string",
     _without_match_kills(set_at((*STATS_0, "kills", 0, "roundTime"), "31000")),
     "roundResults[0].playerStats[0].kills[0].roundTime"),
    ("player stats subject unknown", set_at((*STATS_0, "subject"), GHOST),
     "roundResults[0].playerStats[0].subject"),
    ("damage receiver unknown", set_at((*STATS_0, "damage", 0, "receiver"), GHOST),
     "roundResults[0].playerStats[0].damage[0].receiver"),
    ("afk not a boolean", set_at((*STATS_0, "wasAfk"), 1), "roundResults[0].playerStats[0].wasAfk"),
    ("published stats not an object", set_at(("players", 0, "stats"), [1]), "players[0].stats"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field"),
    [(mutate, field) for _, mutate, field in MALFORMED_CASES],
    ids=[name for name, _, _ in MALFORMED_CASES],
)
def test_malformed_document_names_source_and_field(
    mutate: Callable[[dict[str, Any]], None], field: str
) -> None:
    doc = build_doc()
    mutate(doc)

    with pytest.raises(MalformedInputError) as caught:
        riot_client.parse(doc, SOURCE)

    assert (caught.value.source, caught.value.field) == (SOURCE, field)
