"""Tests for the VAL-MATCH-V1 adapter: real Riot files, small built documents, bad input."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from document_edits import drop_at, set_at
from scoreline.domain.errors import MalformedInputError
from scoreline.domain.rounds import DamageType, Defuse, Kill, Match, Plant, ResultCode
from scoreline.ingest.valorant import riot_v1

DATA_DIR = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "valorant"
SOURCE = "built/val-match-v1.json"

RED_A, RED_B, BLUE_A, BLUE_B = "red-a-puuid", "red-b-puuid", "blue-a-puuid", "blue-b-puuid"
GHOST = "ghost-puuid"
STANDARD_MODE = "/Game/GameModes/Bomb/BombGameMode.BombGameMode_C"
SPIKE_RUSH_MODE = "/Game/GameModes/QuickBomb/QuickBombGameMode.QuickBombGameMode_C"


# --- real files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RealFile:
    name: str
    match_id: str
    map_name: str
    mode: str
    queue: str
    started_at: datetime
    duration_ms: int
    players: int
    rounds_won: dict[str, int]
    result_codes: dict[ResultCode, int]
    kills: int
    plants: int
    defuses: int
    spike_deaths: int
    team_kills: int


REAL_FILES = (
    RealFile(
        name="riot_v1_galeforce_1_icebox_spikerush_2661e9c6.json",
        match_id="2661e9c6-10a7-48da-821a-1eb480afc77e",
        map_name="Icebox",
        mode="Spike Rush",
        queue="spikerush",
        started_at=datetime(2021, 8, 31, 23, 25, 46, 572000, tzinfo=UTC),
        duration_ms=470249,
        players=10,
        rounds_won={"Red": 4, "Blue": 1},
        result_codes={ResultCode.ELIMINATION: 3, ResultCode.DETONATE: 1, ResultCode.DEFUSE: 1},
        kills=43,
        plants=5,
        defuses=1,
        spike_deaths=2,
        team_kills=0,
    ),
    RealFile(
        name="riot_v1_galeforce_2_haven_unrated_9a640756.json",
        match_id="9a640756-ef49-4d7c-bb5a-9cbda043517a",
        map_name="Haven",
        mode="Unrated",
        queue="unrated",
        started_at=datetime(2021, 7, 27, 3, 30, 42, 252000, tzinfo=UTC),
        duration_ms=2490194,
        players=10,
        rounds_won={"Red": 13, "Blue": 12},
        result_codes={ResultCode.ELIMINATION: 17, ResultCode.DEFUSE: 6, ResultCode.DETONATE: 2},
        kills=186,
        plants=17,
        defuses=6,
        spike_deaths=2,
        team_kills=0,
    ),
    RealFile(
        name="riot_v1_galeforce_3_bind_custom9p_bf3c9faf.json",
        match_id="bf3c9faf-0c29-40f3-92f4-28311a789487",
        map_name="Bind",
        mode="Custom Game",
        queue="",
        started_at=datetime(2021, 8, 13, 3, 12, 5, 517000, tzinfo=UTC),
        duration_ms=2331353,
        players=9,
        rounds_won={"Red": 10, "Blue": 13},
        result_codes={ResultCode.ELIMINATION: 18, ResultCode.DEFUSE: 4, ResultCode.DETONATE: 1},
        kills=153,
        plants=12,
        defuses=4,
        spike_deaths=0,
        team_kills=7,
    ),
)
REAL_FILE_IDS = [real.name.split("_")[4] for real in REAL_FILES]


@cache
def load_real(name: str) -> tuple[dict[str, Any], Match]:
    doc = orjson.loads((DATA_DIR / name).read_bytes())
    (match,) = riot_v1.parse(doc, name)
    return doc, match


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_real_file_is_recognised_and_parsed_into_one_match(real: RealFile) -> None:
    doc, match = load_real(real.name)

    assert riot_v1.recognizes(doc)
    assert (match.match_id, match.source_format) == (real.match_id, riot_v1.FORMAT_NAME)
    assert (match.map_name, match.mode, match.queue) == (real.map_name, real.mode, real.queue)
    assert (match.started_at, match.duration_ms) == (real.started_at, real.duration_ms)
    assert match.ranked is False
    assert len(match.players) == real.players
    assert {team.team_id: team.rounds_won for team in match.teams} == real.rounds_won
    assert [round_.number for round_ in match.rounds] == list(range(sum(real.rounds_won.values())))


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_real_file_round_outcomes_are_kept(real: RealFile) -> None:
    _, match = load_real(real.name)

    assert Counter(round_.result_code for round_ in match.rounds) == real.result_codes
    assert sum(round_.plant is not None for round_ in match.rounds) == real.plants
    assert sum(round_.defuse is not None for round_ in match.rounds) == real.defuses
    winners = Counter(round_.winning_team_id for round_ in match.rounds)
    assert winners == real.rounds_won


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_real_file_plants_and_defuses_name_player_time_and_site(real: RealFile) -> None:
    doc, match = load_real(real.name)

    for raw, round_ in zip(doc["roundResults"], match.rounds, strict=True):
        expected_plant = (
            Plant(raw["plantRoundTime"], raw["bombPlanter"], raw["plantSite"])
            if raw["bombPlanter"]
            else None
        )
        expected_defuse = (
            Defuse(raw["defuseRoundTime"], raw["bombDefuser"]) if raw["bombDefuser"] else None
        )
        assert (round_.plant, round_.defuse) == (expected_plant, expected_defuse)


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_real_file_round_kills_are_every_kill_filed_under_playerstats(real: RealFile) -> None:
    doc, match = load_real(real.name)

    assert sum(len(round_.kills) for round_ in match.rounds) == real.kills
    for raw, round_ in zip(doc["roundResults"], match.rounds, strict=True):
        filed = Counter(
            (kill["timeSinceRoundStartMillis"], kill["killer"], kill["victim"])
            for stats in raw["playerStats"]
            for kill in stats["kills"]
        )
        parsed = Counter((kill.t_ms, kill.killer_id, kill.victim_id) for kill in round_.kills)
        assert parsed == filed


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_real_file_kills_are_sorted_by_time_with_ties_in_source_order(real: RealFile) -> None:
    doc, match = load_real(real.name)

    for raw, round_ in zip(doc["roundResults"], match.rounds, strict=True):
        source_order = {
            (kill["timeSinceRoundStartMillis"], kill["killer"], kill["victim"]): position
            for position, kill in enumerate(
                kill for stats in raw["playerStats"] for kill in stats["kills"]
            )
        }
        keys = [
            (kill.t_ms, source_order[(kill.t_ms, kill.killer_id, kill.victim_id)])
            for kill in round_.kills
        ]
        assert keys == sorted(keys)


def test_real_same_ms_kills_stay_in_source_order() -> None:
    # Round 16 of the Bind custom has one player's two kills at the same ms (a collateral).
    doc, match = load_real(REAL_FILES[2].name)
    raw = doc["roundResults"][16]
    filed = [kill for stats in raw["playerStats"] for kill in stats["kills"]]
    times = Counter(kill["timeSinceRoundStartMillis"] for kill in filed)
    (tied_ms,) = [t_ms for t_ms, count in times.items() if count > 1]

    tied = [kill.victim_id for kill in match.rounds[16].kills if kill.t_ms == tied_ms]

    assert tied == [k["victim"] for k in filed if k["timeSinceRoundStartMillis"] == tied_ms]


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_spike_deaths_are_marked_bomb_with_the_victim_as_killer(real: RealFile) -> None:
    _, match = load_real(real.name)

    spike_deaths = [
        kill
        for round_ in match.rounds
        for kill in round_.kills
        if kill.damage_type is DamageType.BOMB
    ]

    assert len(spike_deaths) == real.spike_deaths
    assert all(kill.killer_id == kill.victim_id for kill in spike_deaths)
    assert all(kill.weapon is None for kill in spike_deaths)


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_team_kills_keep_the_teammate_as_killer(real: RealFile) -> None:
    _, match = load_real(real.name)
    team_of = {player.player_id: player.team_id for player in match.players}

    team_kills = [
        kill
        for round_ in match.rounds
        for kill in round_.kills
        if kill.killer_id != kill.victim_id
        and kill.killer_id is not None
        and team_of[kill.killer_id] == team_of[kill.victim_id]
    ]

    assert len(team_kills) == real.team_kills


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_published_totals_are_the_players_own_stats(real: RealFile) -> None:
    doc, match = load_real(real.name)

    published = {
        totals.player_id: (
            totals.kills,
            totals.deaths,
            totals.assists,
            totals.score,
            totals.rounds_played,
        )
        for totals in match.published
    }

    assert published == {
        player["puuid"]: (
            player["stats"]["kills"],
            player["stats"]["deaths"],
            player["stats"]["assists"],
            player["stats"]["score"],
            player["stats"]["roundsPlayed"],
        )
        for player in doc["players"]
    }


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_round_scores_add_up_to_the_published_score(real: RealFile) -> None:
    _, match = load_real(real.name)
    scores: Counter[str] = Counter()
    for round_ in match.rounds:
        for player_round in round_.players:
            scores[player_round.player_id] += player_round.score or 0

    assert scores == {totals.player_id: totals.score for totals in match.published}


@pytest.mark.parametrize("real", REAL_FILES, ids=REAL_FILE_IDS)
def test_real_file_damage_keeps_every_entry_with_its_hits(real: RealFile) -> None:
    doc, match = load_real(real.name)

    for raw, round_ in zip(doc["roundResults"], match.rounds, strict=True):
        filed = sorted(
            (s["puuid"], d["receiver"], d["damage"], d["headshots"], d["bodyshots"], d["legshots"])
            for s in raw["playerStats"]
            for d in s["damage"]
        )
        parsed = sorted(
            (d.attacker_id, d.receiver_id, d.amount, d.headshots, d.bodyshots, d.legshots)
            for d in round_.damage
        )
        assert parsed == filed
        assert all(d.weapon is None and d.t_ms is None for d in round_.damage)


def test_real_kill_carries_weapon_and_both_positions() -> None:
    _, match = load_real(REAL_FILES[1].name)
    killer = "yHuNZNXlxqDykavUoS0UGq8qo4At11nJIVjVjCco34nDk_qZwiudBqf4jD9ZQZFr45jg7HfXYWmSbg"

    (kill,) = [k for k in match.rounds[0].kills if k.t_ms == 43297]

    assert kill == Kill(
        t_ms=43297,
        killer_id=killer,
        victim_id="oozmLKfezqF9MDcF1mwlY_8sDsomqJwy1kbXTC144BuMNdtedgHL4xsbvz5G1kZS_27VZC5i2uoYuQ",
        assistant_ids=(
            "xGRXupdT5WKWNYmdXCSwnBKItf-lEVfIBnVfGizVI1ngdVy6icfeXBnKu1C-oyYcX_JfHxczM5KqEw",
        ),
        weapon="29A0CFAB-485B-F5D5-779A-B59F85E204A8",
        damage_type=DamageType.WEAPON,
        killer_position=(4428.0, -11259.0),
        victim_position=(5704.0, -11345.0),
    )


def test_real_players_are_named_by_riot_id_and_keyed_by_puuid() -> None:
    doc, match = load_real(REAL_FILES[0].name)
    raw = doc["players"][0]

    player = match.players[0]

    assert player.player_id == raw["puuid"]
    assert player.name == "UnForgiving#4141"
    assert (player.team_id, player.agent, player.party_id) == (
        "Blue",
        "eb93336a-449b-9c1b-0a54-a891f7921d69",
        "d6c55a53-83bf-4738-8e74-7b96b04fef3b",
    )


def test_real_economy_is_read_per_player_round() -> None:
    doc, match = load_real(REAL_FILES[1].name)
    raw = doc["roundResults"][0]["playerStats"][0]

    player_round = match.rounds[0].players[0]

    assert player_round.player_id == raw["puuid"]
    assert (
        player_round.score,
        player_round.loadout_value,
        player_round.spent,
        player_round.remaining,
        player_round.weapon,
        player_round.armor,
        player_round.was_afk,
    ) == (207, 800, 800, 0, "29A0CFAB-485B-F5D5-779A-B59F85E204A8", None, False)


# --- a small built document ----------------------------------------------------------------


def build_player(puuid: str, team_id: str) -> dict[str, Any]:
    return {
        "puuid": puuid,
        "gameName": puuid.removesuffix("-puuid"),
        "tagLine": "EUW",
        "teamId": team_id,
        "partyId": f"party-{team_id}",
        "characterId": "agent-uuid",
        "stats": {"score": 300, "roundsPlayed": 2, "kills": 1, "deaths": 1, "assists": 0},
    }


def build_kill(
    t_ms: int,
    killer: str,
    victim: str,
    assistants: list[str] | None = None,
    damage_type: str = "Weapon",
    damage_item: str = "weapon-uuid",
) -> dict[str, Any]:
    return {
        "timeSinceGameStartMillis": 100_000 + t_ms,
        "timeSinceRoundStartMillis": t_ms,
        "killer": killer,
        "victim": victim,
        "victimLocation": {"x": 100, "y": -200},
        "assistants": assistants or [],
        # Riot lists the living at the kill: a self-death leaves its victim out.
        "playerLocations": []
        if killer == victim
        else [{"puuid": killer, "viewRadians": 1.5, "location": {"x": 10, "y": 20}}],
        "finishingDamage": {
            "damageType": damage_type,
            "damageItem": damage_item,
            "isSecondaryFireMode": False,
        },
    }


def build_stats(
    puuid: str, kills: list[dict[str, Any]], damage: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "puuid": puuid,
        "kills": kills,
        "damage": damage or [],
        "score": 150,
        "economy": {
            "loadoutValue": 3900,
            "weapon": "vandal-uuid",
            "armor": "heavy-uuid",
            "remaining": 100,
            "spent": 3900,
        },
        "ability": {},
    }


def build_doc() -> dict[str, Any]:
    """Two rounds of 2v2: Red plants and detonates, then Blue defuses."""
    damage = [{"receiver": BLUE_A, "damage": 150, "headshots": 1, "bodyshots": 2, "legshots": 0}]
    round_0 = {
        "roundNum": 0,
        "roundResult": "Bomb detonated",
        "roundCeremony": "CeremonyDefault",
        "winningTeam": "Red",
        "winningTeamRole": "Attacker",
        "bombPlanter": RED_A,
        "bombDefuser": None,
        "plantRoundTime": 40_000,
        "plantSite": "A",
        "defuseRoundTime": 0,
        "playerStats": [
            build_stats(RED_A, [build_kill(30_000, RED_A, BLUE_A, [RED_B])], damage),
            build_stats(RED_B, []),
            build_stats(BLUE_A, []),
            build_stats(
                BLUE_B,
                [
                    build_kill(10_000, BLUE_B, RED_B),
                    build_kill(85_000, BLUE_B, BLUE_B, [RED_A], "Bomb", ""),
                ],
            ),
        ],
        "roundResultCode": "Detonate",
    }
    round_1 = {
        "roundNum": 1,
        "roundResult": "Bomb defused",
        "roundCeremony": "CeremonyClutch",
        "winningTeam": "Blue",
        "winningTeamRole": "Defender",
        "bombPlanter": RED_B,
        "bombDefuser": BLUE_A,
        "plantRoundTime": 50_000,
        "plantSite": "B",
        "defuseRoundTime": 90_000,
        "playerStats": [
            build_stats(RED_A, []),
            build_stats(RED_B, []),
            build_stats(BLUE_A, [build_kill(60_000, BLUE_A, RED_A, [], "Ability", "Ultimate")]),
            build_stats(BLUE_B, []),
        ],
        "roundResultCode": "Defuse",
    }
    return {
        "matchInfo": {
            "matchId": "built-match",
            "mapId": "/Game/Maps/Ascent/Ascent",
            "gameLengthMillis": 600_000,
            "gameStartMillis": 1_700_000_000_000,
            "provisioningFlowId": "Matchmaking",
            "queueId": "competitive",
            "gameMode": STANDARD_MODE,
            "isRanked": True,
        },
        "players": [
            build_player(RED_A, "Red"),
            build_player(RED_B, "Red"),
            build_player(BLUE_A, "Blue"),
            build_player(BLUE_B, "Blue"),
        ],
        "coaches": [],
        "teams": [
            {"teamId": "Red", "won": False, "roundsPlayed": 2, "roundsWon": 1, "numPoints": 1},
            {"teamId": "Blue", "won": False, "roundsPlayed": 2, "roundsWon": 1, "numPoints": 1},
        ],
        "roundResults": [round_0, round_1],
    }


def parse_built(mutate: Callable[[dict[str, Any]], object] | None = None) -> Match:
    doc = build_doc()
    if mutate is not None:
        mutate(doc)
    (match,) = riot_v1.parse(doc, SOURCE)
    return match


def round_at(doc: dict[str, Any], number: int) -> dict[str, Any]:
    round_: dict[str, Any] = doc["roundResults"][number]
    return round_


def kill_at(doc: dict[str, Any], number: int, stats: int, kill: int) -> dict[str, Any]:
    found: dict[str, Any] = round_at(doc, number)["playerStats"][stats]["kills"][kill]
    return found


def test_built_match_header() -> None:
    match = parse_built()

    assert (match.match_id, match.map_name, match.mode, match.queue, match.ranked) == (
        "built-match",
        "Ascent",
        "Competitive",
        "competitive",
        True,
    )
    assert match.started_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert match.started_at.tzinfo is not None
    names = [player.name for player in match.players]
    assert names == ["red-a#EUW", "red-b#EUW", "blue-a#EUW", "blue-b#EUW"]


def test_kills_filed_under_several_killers_become_one_time_ordered_list() -> None:
    match = parse_built()

    assert [(k.t_ms, k.killer_id, k.victim_id) for k in match.rounds[0].kills] == [
        (10_000, BLUE_B, RED_B),
        (30_000, RED_A, BLUE_A),
        (85_000, BLUE_B, BLUE_B),
    ]


def test_same_ms_kills_of_different_killers_keep_playerstats_order() -> None:
    def tie_blue_kill_with_red_kill(doc: dict[str, Any]) -> None:
        kill_at(doc, 0, 3, 0)["timeSinceRoundStartMillis"] = 30_000  # BLUE_B's, filed last

    match = parse_built(tie_blue_kill_with_red_kill)

    assert [(k.t_ms, k.killer_id) for k in match.rounds[0].kills] == [
        (30_000, RED_A),
        (30_000, BLUE_B),
        (85_000, BLUE_B),
    ]


def test_spike_death_is_marked_bomb_and_keeps_killer_equal_to_victim() -> None:
    spike_death = parse_built().rounds[0].kills[2]

    assert spike_death == Kill(
        t_ms=85_000,
        killer_id=BLUE_B,
        victim_id=BLUE_B,
        assistant_ids=(RED_A,),
        weapon=None,
        damage_type=DamageType.BOMB,
        killer_position=None,
        victim_position=(100.0, -200.0),
    )


def test_ability_kill_keeps_the_ability_slot_as_weapon() -> None:
    kill = parse_built().rounds[1].kills[0]

    assert (kill.weapon, kill.damage_type, kill.killer_position) == (
        "Ultimate",
        DamageType.ABILITY,
        (10.0, 20.0),
    )


def test_plant_and_defuse_are_read() -> None:
    rounds = parse_built().rounds

    assert (rounds[0].plant, rounds[0].defuse) == (Plant(40_000, RED_A, "A"), None)
    assert (rounds[1].plant, rounds[1].defuse) == (
        Plant(50_000, RED_B, "B"),
        Defuse(90_000, BLUE_A),
    )


def test_unknown_fields_and_damage_types_are_ignored() -> None:
    def add_novelties(doc: dict[str, Any]) -> None:
        doc["newTopLevelThing"] = {"anything": [1, 2]}
        round_at(doc, 0)["roundNovelty"] = True
        kill_at(doc, 0, 0, 0)["finishingDamage"]["damageType"] = "Orbital"

    match = parse_built(add_novelties)

    assert match.rounds[0].kills[1].damage_type is DamageType.UNKNOWN
    assert len(match.rounds[0].kills) == 3


@pytest.mark.parametrize(
    ("code", "result", "expected"),
    [
        ("Elimination", "Eliminated", ResultCode.ELIMINATION),
        ("Detonate", "Bomb detonated", ResultCode.DETONATE),
        ("Defuse", "Bomb defused", ResultCode.DEFUSE),
        ("Surrendered", "Surrendered", ResultCode.SURRENDERED),
        ("", "Round timer expired", ResultCode.TIMER),
        (None, "Round timer expired", ResultCode.TIMER),
        ("", "", ResultCode.UNKNOWN),
        ("", "Eliminated", ResultCode.UNKNOWN),
        ("SomethingNew", "Eliminated", ResultCode.UNKNOWN),
    ],
)
def test_round_result_code_is_normalised(
    code: str | None, result: str, expected: ResultCode
) -> None:
    def set_result(doc: dict[str, Any]) -> None:
        round_at(doc, 1).update(roundResultCode=code, roundResult=result)

    assert parse_built(set_result).rounds[1].result_code is expected


@pytest.mark.parametrize(
    ("role", "attacking_team_id"),
    [
        ("Attacker", "Blue"),
        ("Attack", "Blue"),
        ("attack", "Blue"),
        ("Defender", "Red"),
        ("Defense", "Red"),
        ("defense", "Red"),
        ("", None),
        (None, None),
        ("Spectator", None),
    ],
)
def test_winning_team_role_gives_the_attacking_team(
    role: str | None, attacking_team_id: str | None
) -> None:
    def set_role(doc: dict[str, Any]) -> None:
        round_at(doc, 1)["winningTeamRole"] = role  # round 1 is won by Blue

    assert parse_built(set_role).rounds[1].attacking_team_id == attacking_team_id


def test_missing_winning_team_role_leaves_sides_to_the_stat_layer() -> None:
    def drop_roles(doc: dict[str, Any]) -> None:
        for round_ in doc["roundResults"]:
            del round_["winningTeamRole"]

    assert [r.attacking_team_id for r in parse_built(drop_roles).rounds] == [None, None]


@pytest.mark.parametrize(
    ("map_id", "map_name"),
    [
        ("/Game/Maps/Triad/Triad", "Haven"),
        ("/Game/Maps/Duality/Duality", "Bind"),
        ("/Game/Maps/Bonsai/Bonsai", "Split"),
        ("/Game/Maps/Port/Port", "Icebox"),
        ("/Game/Maps/Foxtrot/Foxtrot", "Breeze"),
        ("/Game/Maps/Canyon/Canyon", "Fracture"),
        ("/Game/Maps/Pitt/Pitt", "Pearl"),
        ("/Game/Maps/Jam/Jam", "Lotus"),
        ("/Game/Maps/Juliett/Juliett", "Sunset"),
        ("/Game/Maps/Infinity/Infinity", "Abyss"),
        ("/Game/Maps/HURM/HURM_Alley/HURM_Alley", "District"),
        ("/Game/Maps/Poveglia/Range", "The Range"),
        ("/Game/Maps/Brandnew/Brandnew", "Brandnew"),
    ],
)
def test_map_codename_becomes_the_map_name(map_id: str, map_name: str) -> None:
    def set_map(doc: dict[str, Any]) -> None:
        doc["matchInfo"]["mapId"] = map_id

    assert parse_built(set_map).map_name == map_name


@pytest.mark.parametrize(
    ("queue_id", "flow", "game_mode", "mode"),
    [
        ("competitive", "Matchmaking", STANDARD_MODE, "Competitive"),
        ("", "CustomGame", STANDARD_MODE, "Custom Game"),
        ("", "Matchmaking", SPIKE_RUSH_MODE, "Spike Rush"),
        ("newqueue", "Matchmaking", "/Game/GameModes/Odd/OddGameMode.OddGameMode_C", "Odd"),
    ],
)
def test_mode_is_named_after_the_queue_then_the_game_mode(
    queue_id: str, flow: str, game_mode: str, mode: str
) -> None:
    def set_mode(doc: dict[str, Any]) -> None:
        doc["matchInfo"].update(queueId=queue_id, provisioningFlowId=flow, gameMode=game_mode)

    assert parse_built(set_mode).mode == mode


def test_was_afk_is_read_where_present() -> None:
    def mark_afk(doc: dict[str, Any]) -> None:
        round_at(doc, 1)["playerStats"][3]["wasAfk"] = True

    afk = [(p.player_id, p.was_afk) for p in parse_built(mark_afk).rounds[1].players]

    assert afk == [(RED_A, False), (RED_B, False), (BLUE_A, False), (BLUE_B, True)]


# --- recognition and bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (build_doc(), True),
        ({k: v for k, v in build_doc().items() if k != "roundResults"}, True),
        ({k: v for k, v in build_doc().items() if k != "matchInfo"}, True),
        ({**build_doc(), "kills": []}, False),
        ({**build_doc(), "players": [{"subject": RED_A}]}, False),
        ({"status": 200, "data": {"metadata": {}, "players": {}, "rounds": []}}, False),
        ({"metadata": {}, "players": [], "rounds": [], "kills": []}, False),
        ({"matchInfo": {}}, False),
        ([build_doc()], False),
        ("matchInfo", False),
    ],
    ids=[
        "val-match-v1",
        "without-rounds",
        "without-match-info",
        "client-kills",
        "client-subject",
        "henrik-wrapped",
        "henrik-unwrapped",
        "match-info-only",
        "list",
        "string",
    ],
)
def test_recognizes_only_the_official_shape(doc: object, expected: bool) -> None:
    assert riot_v1.recognizes(doc) is expected


KILL_0 = ("roundResults", 0, "playerStats", 0, "kills", 0)
DAMAGE_0 = ("roundResults", 0, "playerStats", 0, "damage", 0)
KILL_0_PATH = "roundResults[0].playerStats[0].kills[0]"

MALFORMED_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("no match info", drop_at(("matchInfo",)), "matchInfo"),
    ("no players", drop_at(("players",)), "players"),
    ("no rounds", drop_at(("roundResults",)), "roundResults"),
    ("empty rounds", set_at(("roundResults",), []), "roundResults"),
    ("empty players", set_at(("players",), []), "players"),
    ("rounds not a list", set_at(("roundResults",), {"0": {}}), "roundResults"),
    ("round not an object", set_at(("roundResults", 1), "round"), "roundResults[1]"),
    ("match id missing", drop_at(("matchInfo", "matchId")), "matchInfo.matchId"),
    ("start time a string", set_at(("matchInfo", "gameStartMillis"), "1700000000000"),
     "matchInfo.gameStartMillis"),
    ("start time negative", set_at(("matchInfo", "gameStartMillis"), -1),
     "matchInfo.gameStartMillis"),
    ("ranked not a boolean", set_at(("matchInfo", "isRanked"), "yes"), "matchInfo.isRanked"),
    ("player id missing", drop_at(("players", 0, "puuid")), "players[0].puuid"),
    ("player listed twice", set_at(("players", 1, "puuid"), RED_A), "players[1].puuid"),
    ("published kills a boolean", set_at(("players", 0, "stats", "kills"), True),
     "players[0].stats.kills"),
    ("team id missing", drop_at(("teams", 0, "teamId")), "teams[0].teamId"),
    ("round number missing", drop_at(("roundResults", 1, "roundNum")), "roundResults[1].roundNum"),
    ("round number twice", set_at(("roundResults", 1, "roundNum"), 0), "roundResults[1].roundNum"),
    ("player stats unknown player", set_at(("roundResults", 0, "playerStats", 1, "puuid"), GHOST),
     "roundResults[0].playerStats[1].puuid"),
    ("player stats twice", set_at(("roundResults", 0, "playerStats", 1, "puuid"), RED_A),
     "roundResults[0].playerStats[1].puuid"),
    ("kills not a list", set_at(KILL_0[:-1], {"kill": 1}), "roundResults[0].playerStats[0].kills"),
    ("kills missing", drop_at(KILL_0[:-1]), "roundResults[0].playerStats[0].kills"),
    ("kill not an object", set_at(KILL_0, 7), KILL_0_PATH),
    ("kill time a string", set_at((*KILL_0, "timeSinceRoundStartMillis"), "30000"),
     f"{KILL_0_PATH}.timeSinceRoundStartMillis"),
    ("kill time negative", set_at((*KILL_0, "timeSinceRoundStartMillis"), -5),
     f"{KILL_0_PATH}.timeSinceRoundStartMillis"),
    ("kill time missing", drop_at((*KILL_0, "timeSinceRoundStartMillis")),
     f"{KILL_0_PATH}.timeSinceRoundStartMillis"),
    ("killer unknown", set_at((*KILL_0, "killer"), GHOST), f"{KILL_0_PATH}.killer"),
    ("victim unknown", set_at((*KILL_0, "victim"), GHOST), f"{KILL_0_PATH}.victim"),
    ("victim missing", drop_at((*KILL_0, "victim")), f"{KILL_0_PATH}.victim"),
    ("assistant unknown", set_at((*KILL_0, "assistants"), [GHOST]), f"{KILL_0_PATH}.assistants[0]"),
    ("assistants not a list", set_at((*KILL_0, "assistants"), RED_B), f"{KILL_0_PATH}.assistants"),
    ("finishing damage not an object", set_at((*KILL_0, "finishingDamage"), "Weapon"),
     f"{KILL_0_PATH}.finishingDamage"),
    ("victim location x a string", set_at((*KILL_0, "victimLocation", "x"), "100"),
     f"{KILL_0_PATH}.victimLocation.x"),
    ("damage receiver unknown", set_at((*DAMAGE_0, "receiver"), GHOST),
     "roundResults[0].playerStats[0].damage[0].receiver"),
    ("damage negative", set_at((*DAMAGE_0, "damage"), -150),
     "roundResults[0].playerStats[0].damage[0].damage"),
    ("damage not a list", set_at(DAMAGE_0[:-1], None), "roundResults[0].playerStats[0].damage"),
    ("economy not an object", set_at(("roundResults", 0, "playerStats", 0, "economy"), []),
     "roundResults[0].playerStats[0].economy"),
    ("planter unknown", set_at(("roundResults", 0, "bombPlanter"), GHOST),
     "roundResults[0].bombPlanter"),
    ("plant time negative", set_at(("roundResults", 0, "plantRoundTime"), -40_000),
     "roundResults[0].plantRoundTime"),
    ("defuser unknown", set_at(("roundResults", 1, "bombDefuser"), GHOST),
     "roundResults[1].bombDefuser"),
    ("defuse time missing", drop_at(("roundResults", 1, "defuseRoundTime")),
     "roundResults[1].defuseRoundTime"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field"),
    [(mutate, field) for _, mutate, field in MALFORMED_CASES],
    ids=[name for name, _, _ in MALFORMED_CASES],
)
def test_malformed_document_names_source_and_field(
    mutate: Callable[[dict[str, Any]], None], field: str
) -> None:
    doc = copy.deepcopy(build_doc())
    mutate(doc)

    with pytest.raises(MalformedInputError) as caught:
        riot_v1.parse(doc, SOURCE)

    assert (caught.value.source, caught.value.field) == (SOURCE, field)
    assert str(caught.value).startswith(f"{SOURCE}: {field}: ")


def test_non_object_document_is_malformed() -> None:
    with pytest.raises(MalformedInputError) as caught:
        riot_v1.parse([build_doc()], SOURCE)

    assert (caught.value.field, caught.value.reason) == ("", "expected an object, got an array")
