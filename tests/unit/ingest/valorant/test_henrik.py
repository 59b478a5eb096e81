"""HenrikDev v2/v3 and v4 match responses become canonical matches."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from document_edits import set_at
from scoreline.domain.errors import MalformedInputError
from scoreline.domain.rounds import DamageType, Kill, Match, ResultCode
from scoreline.ingest.valorant import henrik

DATA = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "valorant"
V2_SAMPLE = DATA / "henrik_v2_raimannma_bind_custom_f15f649a.json"
SOURCE = "sample.json"

Doc = dict[str, Any]


@cache
def _sample_bytes() -> bytes:
    return V2_SAMPLE.read_bytes()


def _sample() -> Doc:
    """A fresh copy of the real v2 response, safe to mutate."""
    doc: Doc = orjson.loads(_sample_bytes())
    return doc


def _only(matches: tuple[Match, ...]) -> Match:
    assert len(matches) == 1
    return matches[0]


# ---------------------------------------------------------------- v2 -> v4 conversion
# HenrikDev serves the same match through both versions; this rewrites a v2 match in the
# published v4 schema so that the two adapters can be held to one canonical answer.

_AGENT_UUID = re.compile(r"/agents/([0-9a-f-]{36})/")


def _v4_ref(player: Doc) -> Doc:
    return {
        "puuid": player["puuid"],
        "name": player["name"],
        "tag": player["tag"],
        "team": player["team"],
    }


def _v4_locations(entries: list[Doc] | None, refs: dict[str, Doc]) -> list[Doc]:
    return [
        {
            "player": refs[entry["player_puuid"]],
            "view_radians": entry["view_radians"],
            "location": entry["location"],
        }
        for entry in entries or []
    ]


def _to_v4(v2_response: Doc) -> Doc:
    v2 = v2_response["data"]
    meta = v2["metadata"]
    all_players = v2["players"]["all_players"]
    refs = {player["puuid"]: _v4_ref(player) for player in all_players}
    dealt: dict[str, int] = {}
    for round_ in v2["rounds"]:
        for stats in round_["player_stats"]:
            dealt[stats["player_puuid"]] = dealt.get(stats["player_puuid"], 0) + sum(
                event["damage"] for event in stats["damage_events"]
            )
    players = [
        {
            "puuid": player["puuid"],
            "name": player["name"],
            "tag": player["tag"],
            "team_id": player["team"],
            "platform": "pc",
            "party_id": player["party_id"],
            "agent": {
                "id": _AGENT_UUID.findall(player["assets"]["agent"]["small"])[0],
                "name": player["character"],
            },
            "stats": {
                **player["stats"],
                "damage": {"dealt": dealt[player["puuid"]], "received": player["damage_received"]},
            },
            "tier": {"id": player["currenttier"], "name": player["currenttier_patched"]},
        }
        for player in all_players
    ]
    teams = [
        {
            "team_id": key.capitalize(),
            "rounds": {"won": team["rounds_won"], "lost": team["rounds_lost"]},
            "won": team["has_won"],
            "premier_roster": None,
        }
        for key, team in v2["teams"].items()
    ]
    rounds = [_v4_round(number, round_, refs) for number, round_ in enumerate(v2["rounds"])]
    kills = [
        {
            "time_in_round_in_ms": kill["kill_time_in_round"],
            "time_in_match_in_ms": kill["kill_time_in_match"],
            "round": kill["round"],
            "killer": refs[kill["killer_puuid"]],
            "victim": refs[kill["victim_puuid"]],
            "assistants": [refs[a["assistant_puuid"]] for a in kill["assistants"]],
            "location": kill["victim_death_location"],
            "weapon": {
                "id": kill["damage_weapon_id"],
                "name": kill.get("damage_weapon_name"),
                "type": "Weapon",
            },
            "secondary_fire_mode": kill["secondary_fire_mode"],
            "player_locations": _v4_locations(kill["player_locations_on_kill"], refs),
        }
        for kill in v2["kills"]
    ]
    started = datetime.fromtimestamp(meta["game_start"], tz=UTC)
    return {
        "status": 200,
        "data": {
            "metadata": {
                "match_id": meta["matchid"],
                "map": {"id": "2c9d57ec-4431-9c5e-2939-8f9ef6dd5cba", "name": meta["map"]},
                "game_version": meta["game_version"],
                "game_length_in_ms": meta["game_length"],
                "started_at": started.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "is_completed": True,
                "queue": {"id": "custom", "name": meta["mode"], "mode_type": meta["queue"]},
                "season": {"id": meta["season_id"], "short": "e4a2"},
                "platform": "pc",
                "party_rr_penaltys": [],
                "region": meta["region"],
                "cluster": meta["cluster"],
            },
            "players": players,
            "observers": [],
            "coaches": [],
            "teams": teams,
            "rounds": rounds,
            "kills": kills,
        },
    }


def _v4_round(number: int, round_: Doc, refs: dict[str, Doc]) -> Doc:
    plant_events, defuse_events = round_["plant_events"], round_["defuse_events"]
    plant = defuse = None
    if plant_events["planted_by"] is not None:
        plant = {
            "round_time_in_ms": plant_events["plant_time_in_round"],
            "site": plant_events["plant_site"],
            "location": plant_events["plant_location"],
            "player": refs[plant_events["planted_by"]["puuid"]],
            "player_locations": _v4_locations(plant_events["player_locations_on_plant"], refs),
        }
    if defuse_events["defused_by"] is not None:
        defuse = {
            "round_time_in_ms": defuse_events["defuse_time_in_round"],
            "location": defuse_events["defuse_location"],
            "player": refs[defuse_events["defused_by"]["puuid"]],
            "player_locations": _v4_locations(defuse_events["player_locations_on_defuse"], refs),
        }
    return {
        "id": number,
        "result": round_["end_type"],
        "ceremony": "CeremonyDefault",
        "winning_team": round_["winning_team"],
        "plant": plant,
        "defuse": defuse,
        "stats": [
            {
                "player": refs[stats["player_puuid"]],
                "ability_casts": {"grenade": None, "ability_1": None, "ability_2": None},
                "damage_events": [
                    {
                        "player": refs[event["receiver_puuid"]],
                        "bodyshots": event["bodyshots"],
                        "headshots": event["headshots"],
                        "legshots": event["legshots"],
                        "damage": event["damage"],
                    }
                    for event in stats["damage_events"]
                ],
                "stats": {
                    "bodyshots": stats["bodyshots"],
                    "headshots": stats["headshots"],
                    "legshots": stats["legshots"],
                    "damage": stats["damage"],
                    "kills": stats["kills"],
                    "score": stats["score"],
                },
                # The v4 per-round economy has no `spent`.
                "economy": {
                    "loadout_value": stats["economy"]["loadout_value"],
                    "remaining": stats["economy"]["remaining"],
                    "weapon": _keep_id(stats["economy"]["weapon"], "Weapon"),
                    "armor": _keep_id(stats["economy"]["armor"], "Armor"),
                },
                "was_afk": stats["was_afk"],
                "received_penalty": stats["was_penalized"],
                "stayed_in_spawn": stats["stayed_in_spawn"],
            }
            for stats in round_["player_stats"]
        ],
    }


def _keep_id(item: Doc | None, kind: str) -> Doc | None:
    if item is None or item.get("id") is None:
        return None
    return {"id": item["id"], "name": item.get("name"), "type": kind}


def _without_version_gaps(match: Match) -> Match:
    """Blank what only one of the two versions carries, so the rest can be compared."""
    rounds = tuple(
        dataclasses.replace(
            round_,
            ceremony=None,
            players=tuple(dataclasses.replace(p, spent=None) for p in round_.players),
        )
        for round_ in match.rounds
    )
    published = tuple(dataclasses.replace(p, damage=None) for p in match.published)
    return dataclasses.replace(match, source_format="", rounds=rounds, published=published)


# ---------------------------------------------------------------- hand-written documents

RED_A, RED_B, BLUE_A, BLUE_B = "red-a", "red-b", "blue-a", "blue-b"
TEAM_OF = {RED_A: "Red", RED_B: "Red", BLUE_A: "Blue", BLUE_B: "Blue"}
VANDAL = "9C82E19D-4575-0200-1A81-3EACF00CF872"
SPIKE_ROUND, ELIMINATION_ROUND = 1, 0


def _kill_spec(
    round_: int,
    t_ms: int,
    killer: str,
    victim: str,
    weapon: str | None = VANDAL,
    assistants: tuple[str, ...] = (),
) -> Doc:
    return {
        "round": round_,
        "t": t_ms,
        "killer": killer,
        "victim": victim,
        "weapon": weapon,
        "assistants": assistants,
    }


DEFAULT_KILLS = (
    _kill_spec(0, 20_000, RED_A, BLUE_A, assistants=(RED_B,)),
    _kill_spec(0, 25_000, RED_B, BLUE_B),
    _kill_spec(1, 10_000, BLUE_A, RED_A),
    _kill_spec(1, 80_000, BLUE_B, BLUE_B, weapon=None, assistants=(RED_B,)),
)


def _v2_doc(kills: tuple[Doc, ...] = DEFAULT_KILLS) -> Doc:
    """Two rounds: Red eliminates Blue, then Red's spike detonates (plant by red-a)."""
    players = [
        {
            "puuid": puuid,
            "name": puuid.upper(),
            "tag": "EUW",
            "team": team,
            "character": "Jett",
            "party_id": f"party-{team}",
            "stats": {"score": 300, "kills": 1, "deaths": 1, "assists": 1},
        }
        for puuid, team in TEAM_OF.items()
    ]
    no_plant = {"plant_time_in_round": None, "planted_by": None, "plant_site": None}
    plant = {
        "plant_time_in_round": 30_000,
        "planted_by": {"puuid": RED_B, "display_name": "RED-B#EUW", "team": "Red"},
        "plant_site": "B",
    }
    no_defuse = {"defuse_time_in_round": None, "defused_by": None}
    rounds = [
        {
            "winning_team": "Red",
            "end_type": end_type,
            "plant_events": plant_events,
            "defuse_events": no_defuse,
            "player_stats": [
                {
                    "player_puuid": puuid,
                    "score": 150,
                    "damage_events": [
                        {
                            "receiver_puuid": BLUE_A,
                            "damage": 140,
                            "headshots": 1,
                            "bodyshots": 1,
                            "legshots": 0,
                        }
                    ]
                    if puuid == RED_A
                    else [],
                    "kill_events": [],
                    "economy": {
                        "loadout_value": 3900,
                        "spent": 3900,
                        "remaining": 100,
                        "weapon": {"id": VANDAL, "name": "Vandal"},
                        "armor": {"id": "822BCAB2-40A2-324E-C137-E09195AD7692"},
                    },
                    "was_afk": False,
                }
                for puuid in TEAM_OF
            ],
        }
        for end_type, plant_events in (("Eliminated", no_plant), ("Bomb detonated", plant))
    ]
    return {
        "status": 200,
        "data": {
            "metadata": {
                "matchid": "match-1",
                "map": "Ascent",
                "mode": "Competitive",
                "mode_id": "competitive",
                "queue": "Standard",
                "game_start": 1_700_000_000,
                "game_length": 1_500,
                "rounds_played": 2,
            },
            "players": {"all_players": players, "red": [], "blue": []},
            "teams": {
                "red": {"has_won": True, "rounds_won": 2, "rounds_lost": 0},
                "blue": {"has_won": False, "rounds_won": 0, "rounds_lost": 2},
            },
            "rounds": rounds,
            "kills": [
                {
                    "round": spec["round"],
                    "kill_time_in_round": spec["t"],
                    "killer_puuid": spec["killer"],
                    "victim_puuid": spec["victim"],
                    "damage_weapon_id": spec["weapon"],
                    "secondary_fire_mode": False,
                    "assistants": [{"assistant_puuid": a} for a in spec["assistants"]],
                    "victim_death_location": {"x": 100, "y": -200},
                    "player_locations_on_kill": [
                        {"player_puuid": spec["killer"], "location": {"x": 1, "y": 2}}
                    ],
                }
                for spec in kills
            ],
        },
    }


def _ref(puuid: str) -> Doc:
    return {"puuid": puuid, "name": puuid.upper(), "tag": "EUW", "team": TEAM_OF[puuid]}


def _v4_doc(kills: tuple[Doc, ...] = DEFAULT_KILLS) -> Doc:
    """The same two rounds as `_v2_doc`, written by hand in the v4 schema."""
    players = [
        {
            "puuid": puuid,
            "name": puuid.upper(),
            "tag": "EUW",
            "team_id": team,
            "party_id": f"party-{team}",
            "agent": {"id": "add6443a-41bd-e414-f6ad-e58d267f4e95", "name": "Jett"},
            "stats": {
                "score": 300,
                "kills": 1,
                "deaths": 1,
                "assists": 1,
                "damage": {"dealt": 280 if puuid == RED_A else 0, "received": 0},
            },
        }
        for puuid, team in TEAM_OF.items()
    ]
    plant = {"round_time_in_ms": 30_000, "site": "B", "player": _ref(RED_B)}
    rounds = [
        {
            "id": number,
            "result": result,
            "ceremony": "CeremonyDefault",
            "winning_team": "Red",
            "plant": plant if number == SPIKE_ROUND else None,
            "defuse": None,
            "stats": [
                {
                    "player": _ref(puuid),
                    "damage_events": [
                        {
                            "player": _ref(BLUE_A),
                            "damage": 140,
                            "headshots": 1,
                            "bodyshots": 1,
                            "legshots": 0,
                        }
                    ]
                    if puuid == RED_A
                    else [],
                    "stats": {"score": 150, "kills": 0},
                    "economy": {
                        "loadout_value": 3900,
                        "remaining": 100,
                        "weapon": {"id": VANDAL, "name": "Vandal", "type": "Weapon"},
                        "armor": {"id": "822BCAB2-40A2-324E-C137-E09195AD7692"},
                    },
                    "was_afk": False,
                    "received_penalty": False,
                    "stayed_in_spawn": False,
                }
                for puuid in TEAM_OF
            ],
        }
        for number, result in enumerate(("Eliminated", "Bomb detonated"))
    ]
    return {
        "status": 200,
        "data": {
            "metadata": {
                "match_id": "match-1",
                "map": {"id": "7eaecc1b-4337-bbf6-6ab9-04b8f06b3319", "name": "Ascent"},
                "game_length_in_ms": 1_500_000,
                "started_at": "2023-11-14T22:13:20.000Z",
                "is_completed": True,
                "queue": {"id": "competitive", "name": "Competitive", "mode_type": "Standard"},
            },
            "players": players,
            "observers": [],
            "coaches": [],
            "teams": [
                {"team_id": "Red", "rounds": {"won": 2, "lost": 0}, "won": True},
                {"team_id": "Blue", "rounds": {"won": 0, "lost": 2}, "won": False},
            ],
            "rounds": rounds,
            "kills": [
                {
                    "round": spec["round"],
                    "time_in_round_in_ms": spec["t"],
                    "time_in_match_in_ms": 100_000 * spec["round"] + spec["t"],
                    "killer": _ref(spec["killer"]),
                    "victim": _ref(spec["victim"]),
                    "assistants": [_ref(a) for a in spec["assistants"]],
                    "weapon": None if spec["weapon"] is None else {"id": spec["weapon"]},
                    "secondary_fire_mode": False,
                    "location": {"x": 100, "y": -200},
                    "player_locations": [
                        {"player": _ref(spec["killer"]), "location": {"x": 1, "y": 2}}
                    ],
                }
                for spec in kills
            ],
        },
    }


Parse = Callable[[Any, str], tuple[Match, ...]]
BOTH_FORMATS = pytest.mark.parametrize(
    ("build", "parse"),
    [(_v2_doc, henrik.parse_v2), (_v4_doc, henrik.parse_v4)],
    ids=["v2", "v4"],
)


# ---------------------------------------------------------------- the real v2 response


def test_real_v2_response_gives_one_match_with_its_metadata() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert match.match_id == "f15f649a-e9b8-46d1-908c-87c8c01fdd9e"
    assert match.source_format == "henrik-v2"
    assert (match.map_name, match.mode, match.queue, match.ranked) == (
        "Bind",
        "Custom Game",
        "",
        False,
    )
    assert match.started_at == datetime(2022, 3, 13, 17, 21, 8, tzinfo=UTC)
    assert match.duration_ms == 1_627_759


def test_real_v2_players_keep_puuid_riot_id_team_and_agent_uuid() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert len(match.players) == 10
    taiga = match.players[0]
    assert taiga.player_id == "bcbadd6b-8d01-5c04-8ff4-af13229efbab"
    assert taiga.name == "Taiga#9427"
    assert taiga.team_id == "Blue"
    assert taiga.agent == "eb93336a-449b-9c1b-0a54-a891f7921d69"  # Phoenix, from the asset URL
    assert taiga.party_id == "fba647f1-6d52-42f9-89de-7ef93ad73234"
    assert {p.team_id for p in match.players} == {"Red", "Blue"}


def test_real_v2_teams_keep_the_players_spelling_and_the_score() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert [(t.team_id, t.rounds_won, t.won) for t in match.teams] == [
        ("Blue", 13, True),
        ("Red", 2, False),
    ]


def test_real_v2_rounds_keep_winner_result_plant_and_defuse() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert [r.number for r in match.rounds] == list(range(15))
    assert [r.result_code for r in match.rounds].count(ResultCode.ELIMINATION) == 12
    assert match.rounds[10].result_code is ResultCode.TIMER
    assert [r.number for r in match.rounds if r.result_code is ResultCode.DEFUSE] == [2, 5]
    assert sum(r.winning_team_id == "Blue" for r in match.rounds) == 13
    round_2 = match.rounds[2]
    assert round_2.plant is not None
    assert (round_2.plant.t_ms, round_2.plant.planter_id, round_2.plant.site) == (
        25_378,
        "7fab9397-9a7f-5e7e-bfa2-600277994845",
        "A",
    )
    assert round_2.defuse is not None
    assert (round_2.defuse.t_ms, round_2.defuse.defuser_id) == (
        65_783,
        "4ba66f18-1820-5ac7-9f6c-60953eb30dc0",
    )
    assert match.rounds[0].plant is None
    assert match.rounds[0].defuse is None


def test_real_v2_round_players_carry_score_and_economy() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert all(len(r.players) == 10 for r in match.rounds)
    first = match.rounds[0].players[0]
    assert first.player_id == "fed96e4a-212f-5f4a-bcd0-476ac2dfe797"
    assert (first.score, first.loadout_value, first.spent, first.remaining) == (226, 800, 800, 0)
    assert first.weapon == "29A0CFAB-485B-F5D5-779A-B59F85E204A8"
    assert first.armor == "4DEC83D5-4902-9AB3-BED6-A7A390761157"
    assert first.was_afk is False


def test_real_v2_kills_are_all_kept_in_time_order_per_round() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert sum(len(r.kills) for r in match.rounds) == 111
    for round_ in match.rounds:
        times = [kill.t_ms for kill in round_.kills]
        assert times == sorted(times)
    kill = match.rounds[0].kills[0]
    assert kill.t_ms == 26_805
    assert kill.killer_id == "016d432e-6274-5cbb-aff4-41b4c5271fa1"
    assert kill.victim_id == "8e4cfb5f-2f27-5547-bd32-2f4558a9e412"
    assert kill.assistant_ids == (
        "da7a4773-77ac-596b-b6f5-4332c8c29ad6",
        "7fab9397-9a7f-5e7e-bfa2-600277994845",
    )
    assert kill.weapon == "1BAA85B4-4C70-1284-64BB-6481DFC3BB4E"
    assert kill.damage_type is DamageType.WEAPON
    assert kill.headshot is None  # HenrikDev kill events do not say
    assert kill.victim_position == (9425.0, 2254.0)


def test_real_v2_kills_at_the_same_ms_stay_in_source_order() -> None:
    doc = _sample()
    match = _only(henrik.parse_v2(doc, SOURCE))

    for number, t_ms in ((6, 50_080), (12, 53_926)):
        source_victims = [
            k["victim_puuid"]
            for k in doc["data"]["kills"]
            if k["round"] == number and k["kill_time_in_round"] == t_ms
        ]
        parsed_victims = [k.victim_id for k in match.rounds[number].kills if k.t_ms == t_ms]
        assert len(source_victims) == 2
        assert parsed_victims == source_victims


def test_real_v2_ultimate_kills_are_ability_kills() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    ultimate_kills = [k for r in match.rounds for k in r.kills if k.weapon == "Ultimate"]
    assert len(ultimate_kills) == 2
    assert all(k.damage_type is DamageType.ABILITY for k in ultimate_kills)


def test_real_v2_damage_comes_from_the_per_round_events() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))
    taiga = "bcbadd6b-8d01-5c04-8ff4-af13229efbab"

    dealt = [d for r in match.rounds for d in r.damage if d.attacker_id == taiga]
    # §20: the events sum to 2839 where the player's `damage_made` says 2474.
    assert sum(d.amount for d in dealt) == 2839
    assert sum(d.headshots for d in dealt) == 12


def test_real_v2_published_totals_are_the_publishers_own() -> None:
    match = _only(henrik.parse_v2(_sample(), SOURCE))

    assert len(match.published) == 10
    taiga = match.published[0]
    assert taiga.player_id == "bcbadd6b-8d01-5c04-8ff4-af13229efbab"
    assert (taiga.kills, taiga.deaths, taiga.assists, taiga.score) == (19, 7, 5, 5001)
    assert taiga.rounds_played == 15
    assert taiga.damage is None  # §20: v2 `damage_made` is not trusted


def test_real_v2_without_top_level_kills_reads_the_per_player_kill_events() -> None:
    doc = _sample()
    with_list = _only(henrik.parse_v2(doc, SOURCE))
    del doc["data"]["kills"]
    from_events = _only(henrik.parse_v2(doc, SOURCE))

    def key(kill: Kill) -> tuple[int, str | None, str]:
        return (kill.t_ms, kill.killer_id, kill.victim_id)

    for listed, rebuilt in zip(with_list.rounds, from_events.rounds, strict=True):
        assert sorted(listed.kills, key=key) == sorted(rebuilt.kills, key=key)
        assert [k.t_ms for k in rebuilt.kills] == sorted(k.t_ms for k in rebuilt.kills)


def test_bare_match_object_parses_like_the_full_response() -> None:
    doc = _sample()

    assert henrik.parse_v2(doc["data"], SOURCE) == henrik.parse_v2(doc, SOURCE)


# ---------------------------------------------------------------- v4


def test_v4_rewrite_of_the_real_match_gives_the_same_canonical_match() -> None:
    v2_doc = _sample()
    v4_doc = _to_v4(v2_doc)
    from_v2 = _only(henrik.parse_v2(v2_doc, SOURCE))
    from_v4 = _only(henrik.parse_v4(v4_doc, SOURCE))

    assert from_v4.source_format == "henrik-v4"
    assert {r.ceremony for r in from_v4.rounds} == {"CeremonyDefault"}
    assert all(p.spent is None for r in from_v4.rounds for p in r.players)
    assert [p.damage for p in from_v4.published] == [
        sum(d.amount for r in from_v2.rounds for d in r.damage if d.attacker_id == p.player_id)
        for p in from_v2.published
    ]
    assert _without_version_gaps(from_v4) == _without_version_gaps(from_v2)


def test_v4_hand_written_match_reads_metadata_and_teams() -> None:
    match = _only(henrik.parse_v4(_v4_doc(), SOURCE))

    assert (match.match_id, match.map_name, match.mode, match.queue, match.ranked) == (
        "match-1",
        "Ascent",
        "Competitive",
        "competitive",
        True,
    )
    assert match.started_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert match.duration_ms == 1_500_000
    assert [(t.team_id, t.rounds_won, t.won) for t in match.teams] == [
        ("Red", 2, True),
        ("Blue", 0, False),
    ]
    assert match.players[0].agent == "add6443a-41bd-e414-f6ad-e58d267f4e95"
    assert match.published[0].damage == 280
    assert match.published[0].rounds_played == 2


def test_v4_and_v2_hand_written_matches_agree() -> None:
    from_v2 = _only(henrik.parse_v2(_v2_doc(), SOURCE))
    from_v4 = _only(henrik.parse_v4(_v4_doc(), SOURCE))

    assert [r.kills for r in from_v4.rounds] == [r.kills for r in from_v2.rounds]
    assert [r.damage for r in from_v4.rounds] == [r.damage for r in from_v2.rounds]
    assert [r.plant for r in from_v4.rounds] == [r.plant for r in from_v2.rounds]
    assert from_v4.started_at == from_v2.started_at
    assert from_v4.duration_ms == from_v2.duration_ms  # v2 gave seconds, v4 milliseconds


def test_v4_naive_start_time_is_read_as_utc() -> None:
    doc = _v4_doc()
    doc["data"]["metadata"]["started_at"] = "2023-11-14T22:13:20"

    match = _only(henrik.parse_v4(doc, SOURCE))

    assert match.started_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


# ---------------------------------------------------------------- shared behaviour


@BOTH_FORMATS
def test_spike_death_is_marked_bomb_and_keeps_the_victim_as_killer(
    build: Callable[..., Doc], parse: Parse
) -> None:
    match = _only(parse(build(), SOURCE))

    (death,) = [k for k in match.rounds[SPIKE_ROUND].kills if k.victim_id == BLUE_B]
    assert death.damage_type is DamageType.BOMB
    assert death.killer_id == death.victim_id == BLUE_B
    assert death.weapon is None
    assert death.assistant_ids == (RED_B,)


SELF_AND_ODD_KILLS = [
    # (round, killer, victim, weapon, expected damage type)
    pytest.param(SPIKE_ROUND, BLUE_B, BLUE_B, None, DamageType.BOMB, id="spike-death"),
    pytest.param(ELIMINATION_ROUND, BLUE_B, BLUE_B, None, DamageType.UNKNOWN, id="self-no-weapon"),
    pytest.param(SPIKE_ROUND, BLUE_B, BLUE_B, VANDAL, DamageType.WEAPON, id="self-with-weapon"),
    pytest.param(
        ELIMINATION_ROUND, BLUE_B, BLUE_B, "GrenadeAbility", DamageType.ABILITY, id="own-grenade"
    ),
    pytest.param(SPIKE_ROUND, RED_A, BLUE_B, None, DamageType.UNKNOWN, id="enemy-no-weapon"),
    pytest.param(ELIMINATION_ROUND, RED_A, RED_B, VANDAL, DamageType.WEAPON, id="team-kill"),
    pytest.param(ELIMINATION_ROUND, RED_A, BLUE_B, "Ultimate", DamageType.ABILITY, id="ult"),
]


@BOTH_FORMATS
@pytest.mark.parametrize(("round_", "killer", "victim", "weapon", "expected"), SELF_AND_ODD_KILLS)
def test_death_damage_type_follows_weapon_and_round_end(
    build: Callable[..., Doc],
    parse: Parse,
    round_: int,
    killer: str,
    victim: str,
    weapon: str | None,
    expected: DamageType,
) -> None:
    doc = build(kills=(_kill_spec(round_, 5_000, killer, victim, weapon=weapon),))

    (kill,) = _only(parse(doc, SOURCE)).rounds[round_].kills

    assert kill.damage_type is expected
    assert (kill.killer_id, kill.victim_id, kill.weapon) == (killer, victim, weapon)


@BOTH_FORMATS
def test_kills_are_sorted_by_time_with_ties_in_source_order(
    build: Callable[..., Doc], parse: Parse
) -> None:
    kills = (
        _kill_spec(0, 9_000, RED_A, BLUE_A),
        _kill_spec(0, 4_000, RED_B, BLUE_B),
        _kill_spec(0, 4_000, BLUE_B, RED_B),
    )

    parsed = _only(parse(build(kills=kills), SOURCE)).rounds[0].kills

    assert [(k.t_ms, k.killer_id) for k in parsed] == [
        (4_000, RED_B),
        (4_000, BLUE_B),
        (9_000, RED_A),
    ]


@BOTH_FORMATS
def test_empty_killer_is_a_world_death(build: Callable[..., Doc], parse: Parse) -> None:
    doc = build(kills=(_kill_spec(0, 5_000, RED_A, BLUE_A),))
    kill_doc = doc["data"]["kills"][0]
    if "killer_puuid" in kill_doc:
        kill_doc["killer_puuid"] = ""
    else:
        kill_doc["killer"]["puuid"] = ""

    (kill,) = _only(parse(doc, SOURCE)).rounds[0].kills

    assert kill.killer_id is None
    assert kill.killer_position is None


@BOTH_FORMATS
def test_kill_positions_come_from_the_victim_location_and_the_killers_entry(
    build: Callable[..., Doc], parse: Parse
) -> None:
    kill = _only(parse(build(), SOURCE)).rounds[0].kills[0]

    assert kill.victim_position == (100.0, -200.0)
    assert kill.killer_position == (1.0, 2.0)


@BOTH_FORMATS
def test_match_history_list_gives_every_match(build: Callable[..., Doc], parse: Parse) -> None:
    first, second = build()["data"], build()["data"]
    history = {"status": 200, "data": [first, second]}

    assert len(parse(history, SOURCE)) == 2


def test_v3_history_skips_matches_marked_unavailable() -> None:
    history = {
        "status": 200,
        "data": [_v2_doc()["data"], {"is_available": False, "metadata": None}],
    }

    assert len(henrik.parse_v2(history, SOURCE)) == 1


@BOTH_FORMATS
def test_unknown_extra_fields_are_ignored(build: Callable[..., Doc], parse: Parse) -> None:
    plain = build()
    noisy = build()
    noisy["extra"] = {"anything": [1, 2]}
    noisy["data"]["future_block"] = [{"x": 1}]
    noisy["data"]["rounds"][0]["new_field"] = "value"
    noisy["data"]["kills"][0]["new_field"] = None

    assert parse(noisy, SOURCE) == parse(plain, SOURCE)


def test_custom_game_queue_is_empty_like_riots_own() -> None:
    doc = _v2_doc()
    doc["data"]["metadata"].update(mode="Custom Game", mode_id="custom")

    match = _only(henrik.parse_v2(doc, SOURCE))

    assert (match.mode, match.queue, match.ranked) == ("Custom Game", "", False)


def test_v2_players_without_published_assists_keep_their_other_totals() -> None:
    doc = _v2_doc()
    del doc["data"]["players"]["all_players"][0]["stats"]["assists"]

    match = _only(henrik.parse_v2(doc, SOURCE))

    published = {p.player_id: p for p in match.published}
    assert published[RED_A].assists is None
    assert published[RED_A].kills == doc["data"]["players"]["all_players"][0]["stats"]["kills"]
    assert len(match.published) == 4


# ---------------------------------------------------------------- recognisers


def _riot_official() -> Doc:
    return {
        "matchInfo": {"matchId": "m", "mapId": "/Game/Maps/Ascent/Ascent"},
        "players": [{"puuid": "p", "teamId": "Red"}],
        "teams": [],
        "roundResults": [],
    }


def _riot_client() -> Doc:
    return {
        "matchInfo": {"matchId": "m", "queueID": "competitive"},
        "players": [{"subject": "p", "teamId": "Red"}],
        "roundResults": [],
        "kills": [],
    }


RECOGNISER_CASES = [
    pytest.param(_v2_doc, (True, False), id="v2-response"),
    pytest.param(lambda: _v2_doc()["data"], (True, False), id="v2-bare"),
    pytest.param(lambda: {"status": 200, "data": [_v2_doc()["data"]]}, (True, False), id="v3-list"),
    pytest.param(_v4_doc, (False, True), id="v4-response"),
    pytest.param(lambda: _v4_doc()["data"], (False, True), id="v4-bare"),
    pytest.param(lambda: {"status": 200, "data": [_v4_doc()["data"]]}, (False, True), id="v4-list"),
    pytest.param(_riot_official, (False, False), id="riot-official"),
    pytest.param(_riot_client, (False, False), id="riot-client"),
    pytest.param(lambda: {"status": 404, "errors": [{"message": "x"}]}, (False, False), id="error"),
    pytest.param(lambda: {"data": []}, (False, False), id="empty-list"),
    pytest.param(lambda: [1, "x"], (False, False), id="list-of-scalars"),
    pytest.param(lambda: "text", (False, False), id="string"),
]


@pytest.mark.parametrize(("build", "expected"), RECOGNISER_CASES)
def test_recognisers_claim_only_their_own_version(
    build: Callable[[], Any], expected: tuple[bool, bool]
) -> None:
    doc = build()

    assert (henrik.recognizes_v2(doc), henrik.recognizes_v4(doc)) == expected


def test_real_v2_response_is_claimed_by_v2_only() -> None:
    doc = _sample()

    assert henrik.recognizes_v2(doc)
    assert not henrik.recognizes_v4(doc)
    assert henrik.recognizes_v4(_to_v4(doc))
    assert not henrik.recognizes_v2(_to_v4(doc))


# ---------------------------------------------------------------- malformed input


def _delete(path: tuple[str | int, ...]) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


MALFORMED_V2 = [
    pytest.param(set_at(("data",), "x"), "data", "expected a match object", id="data-scalar"),
    pytest.param(_delete(("data", "metadata")), "data.metadata", "missing", id="no-metadata"),
    pytest.param(_delete(("data", "rounds")), "data.rounds", "missing", id="no-rounds"),
    pytest.param(set_at(("data", "rounds"), []), "data.rounds", "no rounds", id="empty-rounds"),
    pytest.param(set_at(("data", "rounds"), {}), "data.rounds", "expected a list", id="rounds-obj"),
    pytest.param(_delete(("data", "players")), "data.players", "missing", id="no-players"),
    pytest.param(
        set_at(("data", "players", "all_players"), []),
        "data.players.all_players",
        "no players",
        id="empty-players",
    ),
    pytest.param(
        set_at(("data", "players", "all_players", 1, "puuid"), RED_A),
        "data.players.all_players[1].puuid",
        "duplicate player red-a",
        id="duplicate-player",
    ),
    pytest.param(
        set_at(("data", "players", "all_players", 0, "stats", "kills"), True),
        "data.players.all_players[0].stats.kills",
        "expected an integer",
        id="bool-as-count",
    ),
    pytest.param(
        set_at(("data", "metadata", "game_start"), "2023-11-14"),
        "data.metadata.game_start",
        "expected an integer",
        id="start-as-text",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "victim_puuid"), "stranger"),
        "data.kills[0].victim_puuid",
        "unknown player stranger",
        id="unknown-victim",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "killer_puuid"), "stranger"),
        "data.kills[0].killer_puuid",
        "unknown player stranger",
        id="unknown-killer",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "assistants", 0, "assistant_puuid"), "stranger"),
        "data.kills[0].assistants[0].assistant_puuid",
        "unknown player",
        id="unknown-assistant",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "round"), 2),
        "data.kills[0].round",
        "no round 2 in a 2-round match",
        id="kill-round-out-of-range",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "kill_time_in_round"), "20s"),
        "data.kills[0].kill_time_in_round",
        "expected an integer",
        id="kill-time-text",
    ),
    pytest.param(
        set_at(("data", "kills", 1), None),
        "data.kills[1]",
        "expected an object, got null",
        id="kill-null",
    ),
    pytest.param(
        set_at(("data", "rounds", 0, "player_stats"), None),
        "data.rounds[0].player_stats",
        "missing",
        id="no-player-stats",
    ),
    pytest.param(
        set_at(("data", "rounds", 0, "player_stats", 0, "damage_events", 0, "receiver_puuid"), "x"),
        "data.rounds[0].player_stats[0].damage_events[0].receiver_puuid",
        "unknown player x",
        id="unknown-receiver",
    ),
    pytest.param(
        set_at(("data", "rounds", 1, "plant_events", "planted_by", "puuid"), "x"),
        "data.rounds[1].plant_events.planted_by.puuid",
        "unknown player x",
        id="unknown-planter",
    ),
    pytest.param(
        set_at(("data", "rounds", 1, "plant_events", "plant_time_in_round"), None),
        "data.rounds[1].plant_events.plant_time_in_round",
        "missing",
        id="plant-without-time",
    ),
    pytest.param(
        set_at(("data", "rounds", 0, "player_stats", 0, "economy", "loadout_value"), "3900"),
        "data.rounds[0].player_stats[0].economy.loadout_value",
        "expected an integer",
        id="loadout-as-text",
    ),
]


MALFORMED_V4 = [
    pytest.param(_delete(("data", "kills")), "data.kills", "missing", id="no-kills"),
    pytest.param(set_at(("data", "players"), []), "data.players", "no players", id="no-players"),
    pytest.param(set_at(("data", "rounds"), []), "data.rounds", "no rounds", id="empty-rounds"),
    pytest.param(
        set_at(("data", "metadata", "started_at"), "yesterday"),
        "data.metadata.started_at",
        "not an ISO 8601 time",
        id="bad-start",
    ),
    pytest.param(
        set_at(("data", "rounds", 1, "id"), 2),
        "data.rounds[1].id",
        "round id 2 at position 1",
        id="round-id-mismatch",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "victim", "puuid"), "stranger"),
        "data.kills[0].victim.puuid",
        "unknown player stranger",
        id="unknown-victim",
    ),
    pytest.param(
        _delete(("data", "kills", 0, "victim")),
        "data.kills[0].victim",
        "missing",
        id="no-victim",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "assistants"), "red-b"),
        "data.kills[0].assistants",
        "expected a list",
        id="assistants-text",
    ),
    pytest.param(
        set_at(("data", "kills", 0, "round"), -1),
        "data.kills[0].round",
        "no round -1",
        id="negative-round",
    ),
    pytest.param(
        set_at(("data", "rounds", 0, "stats", 0, "player", "puuid"), "x"),
        "data.rounds[0].stats[0].player.puuid",
        "unknown player x",
        id="unknown-round-player",
    ),
    pytest.param(
        set_at(("data", "rounds", 0, "stats", 0, "damage_events", 0, "damage"), None),
        "data.rounds[0].stats[0].damage_events[0].damage",
        "missing",
        id="damage-without-amount",
    ),
    pytest.param(
        set_at(("data", "rounds", 1, "plant", "player"), None),
        "data.rounds[1].plant.player",
        "missing",
        id="plant-without-player",
    ),
    pytest.param(
        set_at(("data", "teams", 0, "won"), "yes"),
        "data.teams[0].won",
        "expected true or false",
        id="won-as-text",
    ),
    pytest.param(
        set_at(("data", "players", 0, "stats"), [1]),
        "data.players[0].stats",
        "expected an object, got list",
        id="stats-list",
    ),
]


VERSIONS: dict[str, tuple[Callable[[], Doc], Callable[[Doc, str], tuple[Match, ...]]]] = {
    "v2": (_v2_doc, henrik.parse_v2),
    "v4": (_v4_doc, henrik.parse_v4),
}
MALFORMED = [
    pytest.param(version, *case.values, id=f"{version}-{case.id}")
    for version, cases in (("v2", MALFORMED_V2), ("v4", MALFORMED_V4))
    for case in cases
]


@pytest.mark.parametrize(("version", "mutate", "field", "reason"), MALFORMED)
def test_malformed_response_names_the_source_and_field(
    version: str, mutate: Callable[[Doc], None], field: str, reason: str
) -> None:
    build, parse = VERSIONS[version]
    doc = build()
    mutate(doc)

    with pytest.raises(MalformedInputError) as caught:
        parse(doc, SOURCE)

    assert (caught.value.source, caught.value.field) == (SOURCE, field)
    assert reason in caught.value.reason


def test_history_list_errors_name_the_match_position() -> None:
    second = _v4_doc()["data"]
    del second["rounds"]
    history = {"status": 200, "data": [_v4_doc()["data"], second]}

    with pytest.raises(MalformedInputError) as caught:
        henrik.parse_v4(history, SOURCE)

    assert caught.value.field == "data[1].rounds"


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


WRONG_VALUES: tuple[Any, ...] = (None, "text", 7, 2.5, True, [], {})


@BOTH_FORMATS
def test_any_wrong_value_anywhere_is_parsed_or_rejected_as_malformed(
    build: Callable[..., Doc], parse: Parse
) -> None:
    """Every field of a small document, replaced by every JSON kind: no other error escapes."""
    original = build()
    encoded = orjson.dumps(original)
    escaped: list[str] = []
    for path in _paths(original):
        for wrong in WRONG_VALUES:
            doc: Doc = orjson.loads(encoded)
            set_at(path, wrong)(doc)
            try:
                parse(doc, SOURCE)
            except MalformedInputError:
                pass
            except Exception as exc:  # collected, so one run reports every escape
                escaped.append(f"{path} = {wrong!r}: {type(exc).__name__}: {exc}")
    assert escaped == []
