"""The synthetic VAL-MATCH-V1 generator: determinism, competitive rules, event consistency."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import orjson
import pytest

from scoreline.synthetic import generate_match, generate_matches

SEED = 7
SAMPLE_SIZE = 200
SAGE = "569fdd95-4d10-43ab-ca70-79becc718b46"
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
TRADE_WINDOW_MS = 5000

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def sample() -> list[Doc]:
    return list(generate_matches(SAMPLE_SIZE, SEED))


def digest(doc: object) -> str:
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)).hexdigest()


def teams_of(doc: Doc) -> dict[str, str]:
    return {p["puuid"]: p["teamId"] for p in doc["players"]}


def round_kills(rnd: Doc) -> list[Doc]:
    """All kills of a round in time order (Riot files them under the killer)."""
    kills = [k for ps in rnd["playerStats"] for k in ps["kills"]]
    return sorted(kills, key=lambda k: k["timeSinceRoundStartMillis"])


def is_enemy_kill(kill: Doc, team: dict[str, str]) -> bool:
    return (
        kill["killer"] != kill["victim"]
        and team[kill["killer"]] != team[kill["victim"]]
        and kill["finishingDamage"]["damageType"] != "Bomb"
    )


def replay_deaths(kills: list[Doc]) -> Iterator[tuple[Doc, list[str]]]:
    """Each kill with the dead players it brings back (§0.2): anyone who died earlier."""
    died_at: dict[str, int] = {}
    for kill in kills:
        t_ms = kill["timeSinceRoundStartMillis"]
        back = [p for p in (kill["killer"], kill["victim"]) if died_at.get(p, t_ms) < t_ms]
        for p in back:
            del died_at[p]
        yield kill, back
        died_at.setdefault(kill["victim"], t_ms)


def attacking_team(first_attack: str, round_num: int) -> str:
    other = "Blue" if first_attack == "Red" else "Red"
    if round_num < 12:
        return first_attack
    if round_num < 24:
        return other
    return first_attack if round_num % 2 == 0 else other


def is_over(wins: Counter[str]) -> bool:
    return max(wins.values(), default=0) >= 13 and abs(wins["Red"] - wins["Blue"]) >= 2


def surrendered(doc: Doc) -> bool:
    return bool(doc["roundResults"][-1]["roundResultCode"] == "Surrendered")


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_and_index_give_identical_documents() -> None:
    assert digest(generate_match(SEED, 3)) == digest(generate_match(SEED, 3))


@pytest.mark.parametrize(("other_seed", "other_index"), [(SEED + 1, 3), (SEED, 4)])
def test_another_seed_or_index_gives_another_match(other_seed: int, other_index: int) -> None:
    assert digest(generate_match(SEED, 3)) != digest(generate_match(other_seed, other_index))


def test_any_slice_can_be_generated_alone(sample: list[Doc]) -> None:
    assert generate_match(SEED, 150) == sample[150]
    assert list(generate_matches(3, SEED)) == sample[:3]


# Pinned so that a change of platform, Python version or generator code that alters the
# output fails here; after a deliberate change to the generator, update the digest.
PINNED_DIGEST = "0b34eaa71aa0bec72fd00f7d2cf6ff3851e50a3f9d8542e8f6a6f765d34e369d"


def test_match_is_the_same_on_every_platform() -> None:
    assert digest(generate_match(SEED, 3)) == PINNED_DIGEST


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError, match="count"):
        next(generate_matches(-1, SEED))


def test_match_does_not_depend_on_the_interpreter_hash_seed() -> None:
    script = (
        "import hashlib, orjson; from scoreline.synthetic import generate_match; "
        "print(hashlib.sha256(orjson.dumps(generate_match(7, 3), "
        "option=orjson.OPT_SORT_KEYS)).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert digests == {PINNED_DIGEST}


def test_documents_are_json_serialisable(sample: list[Doc]) -> None:
    for doc in sample[:20]:
        assert orjson.loads(orjson.dumps(doc)) == doc


# --- shape and match rules --------------------------------------------------------------------


def test_document_has_the_val_match_v1_shape() -> None:
    doc: Doc = generate_match(SEED, 0)
    assert list(doc) == ["matchInfo", "players", "coaches", "teams", "roundResults"]
    info = doc["matchInfo"]
    assert info["queueId"] == "competitive"
    assert info["isRanked"] is True
    assert info["gameMode"] == "/Game/GameModes/Bomb/BombGameMode.BombGameMode_C"
    assert info["mapId"].startswith("/Game/Maps/")
    assert [p["teamId"] for p in doc["players"]] == ["Red"] * 5 + ["Blue"] * 5
    assert len({p["puuid"] for p in doc["players"]}) == 10
    for team in ("Red", "Blue"):
        agents = [p["characterId"] for p in doc["players"] if p["teamId"] == team]
        assert len(set(agents)) == 5
    first = doc["roundResults"][0]
    assert first["roundNum"] == 0
    assert len(first["playerStats"]) == 10
    assert set(first["playerStats"][0]["economy"]) == {
        "loadoutValue",
        "weapon",
        "armor",
        "remaining",
        "spent",
    }


def test_matches_start_in_the_sixty_days_before_the_epoch(sample: list[Doc]) -> None:
    for doc in sample:
        started = datetime.fromtimestamp(doc["matchInfo"]["gameStartMillis"] / 1000, UTC)
        assert EPOCH - timedelta(days=60) <= started < EPOCH


def test_winner_takes_13_in_regulation_or_wins_overtime_by_two(sample: list[Doc]) -> None:
    for doc in (d for d in sample if not surrendered(d)):
        wins = Counter({"Red": 0, "Blue": 0})
        for rnd in doc["roundResults"]:
            assert not is_over(wins), "a round was played after the match was decided"
            wins[rnd["winningTeam"]] += 1
        (winner, won), (_, lost) = wins.most_common()
        assert won == 13 if lost <= 11 else won == lost + 2
        assert len(doc["roundResults"]) == won + lost
        assert {t["teamId"]: t["roundsWon"] for t in doc["teams"]} == wins
        assert [t["teamId"] for t in doc["teams"] if t["won"]] == [winner]


def test_surrender_ends_the_match_early(sample: list[Doc]) -> None:
    surrenders = [d for d in sample if surrendered(d)]
    assert surrenders, "the sample has no surrender to check"
    for doc in surrenders:
        rounds = doc["roundResults"]
        wins = Counter(r["winningTeam"] for r in rounds[:-1])
        assert not is_over(wins)
        assert [r["roundResultCode"] for r in rounds].count("Surrendered") == 1
        assert rounds[-1]["winningTeam"] == wins.most_common(1)[0][0]
        assert round_kills(rounds[-1]) == []
        assert [t["teamId"] for t in doc["teams"] if t["won"]] == [rounds[-1]["winningTeam"]]


def test_sides_swap_at_halftime_and_alternate_in_overtime(sample: list[Doc]) -> None:
    for doc in sample:
        team = teams_of(doc)
        rounds = doc["roundResults"]
        planted = next((r for r in rounds if r["bombPlanter"]), None)
        if planted is None:
            continue
        planter_team = team[planted["bombPlanter"]]
        # the team that attacked in round 0, from the first plant and the side rules
        first = next(
            t for t in ("Red", "Blue") if attacking_team(t, planted["roundNum"]) == planter_team
        )
        for rnd in rounds:
            attack = attacking_team(first, rnd["roundNum"])
            if rnd["bombPlanter"]:
                assert team[rnd["bombPlanter"]] == attack
            if rnd["bombDefuser"]:
                assert team[rnd["bombDefuser"]] != attack
            if rnd["roundResultCode"] == "Detonate":
                assert rnd["winningTeam"] == attack
            if rnd["roundResultCode"] in ("Defuse", ""):
                assert rnd["winningTeam"] != attack


def test_round_times_follow_the_round_and_spike_timers(sample: list[Doc]) -> None:
    for doc in sample[:50]:
        previous_start = -1
        for rnd in doc["roundResults"]:
            kills = round_kills(rnd)
            plant = rnd["plantRoundTime"]
            starts = {k["timeSinceGameStartMillis"] - k["timeSinceRoundStartMillis"] for k in kills}
            assert len(starts) <= 1
            for start in starts:
                assert start > previous_start
                previous_start = start
            for kill in kills:
                t_ms = kill["timeSinceRoundStartMillis"]
                if kill["finishingDamage"]["damageType"] == "Bomb":
                    assert t_ms >= plant + 45_000
                else:
                    assert t_ms < (plant + 45_000 if rnd["bombPlanter"] else 100_000)
            if rnd["bombDefuser"]:
                assert plant + 7000 <= rnd["defuseRoundTime"] <= plant + 45_000


def test_first_kills_and_plants_come_at_realistic_times(sample: list[Doc]) -> None:
    rounds = [r for doc in sample[:50] for r in doc["roundResults"]]
    first_kills = sorted(k[0]["timeSinceRoundStartMillis"] for r in rounds if (k := round_kills(r)))
    plants = sorted(r["plantRoundTime"] for r in rounds if r["bombPlanter"])
    assert 10_000 <= first_kills[len(first_kills) // 2] <= 40_000
    assert 35_000 <= plants[len(plants) // 2] <= 80_000


# --- events -----------------------------------------------------------------------------------


def test_no_dead_player_kills_or_dies_unless_a_sage_revived_him(sample: list[Doc]) -> None:
    revive_rounds = rounds = 0
    for doc in sample:
        team = teams_of(doc)
        sage_teams = {p["teamId"] for p in doc["players"] if p["characterId"] == SAGE}
        for rnd in doc["roundResults"]:
            rounds += 1
            revived = [p for _, back in replay_deaths(round_kills(rnd)) for p in back]
            assert all(team[p] in sage_teams for p in revived)
            assert len(revived) == len({team[p] for p in revived}), "one Sage ultimate a round"
            revive_rounds += bool(revived)
    assert 0 < revive_rounds <= rounds * 0.03


def test_assistants_are_teammates_of_the_killer(sample: list[Doc]) -> None:
    for doc in sample:
        team = teams_of(doc)
        for rnd in doc["roundResults"]:
            for kill in round_kills(rnd):
                assert len(kill["assistants"]) <= 3
                assert kill["killer"] not in kill["assistants"]
                if kill["killer"] != kill["victim"]:
                    assert {team[p] for p in kill["assistants"]} <= {team[kill["killer"]]}


def test_published_stats_equal_the_official_recount(sample: list[Doc]) -> None:
    for doc in sample:
        team = teams_of(doc)
        counts: dict[str, Counter[str]] = {"kills": Counter(), "deaths": Counter()}
        counts["assists"] = Counter()
        for rnd in doc["roundResults"]:
            for kill in round_kills(rnd):
                self_death = kill["killer"] == kill["victim"]
                if kill["finishingDamage"]["damageType"] != "Bomb":
                    counts["deaths"][kill["victim"]] += 1
                    counts["kills"][kill["killer"]] += not self_death
                for p in kill["assistants"]:
                    counts["assists"][p] += not (self_death and team[p] == team[kill["victim"]])
        for player in doc["players"]:
            for stat, counter in counts.items():
                assert player["stats"][stat] == counter[player["puuid"]], stat
            assert player["stats"]["roundsPlayed"] == len(doc["roundResults"])


def test_score_is_the_sum_of_round_scores(sample: list[Doc]) -> None:
    for doc in sample:
        totals: Counter[str] = Counter()
        for rnd in doc["roundResults"]:
            totals.update({ps["puuid"]: ps["score"] for ps in rnd["playerStats"]})
        assert {p["puuid"]: p["stats"]["score"] for p in doc["players"]} == totals


def combat_scores(rnd: Doc, team: dict[str, str]) -> Counter[str]:
    """STAT_DEFINITIONS §5.1 from the round's events."""
    damage = {
        (ps["puuid"], d["receiver"]): d["damage"] for ps in rnd["playerStats"] for d in ps["damage"]
    }
    scores: Counter[str] = Counter()
    for (attacker, receiver), amount in damage.items():
        scores[attacker] += amount if team[attacker] != team[receiver] else 0
    alive = Counter(team.values())
    enemy_kills: Counter[str] = Counter()
    dead: set[str] = set()
    for kill, back in replay_deaths(round_kills(rnd)):
        for p in back:
            dead.discard(p)
            alive[team[p]] += 1
        killer, victim = kill["killer"], kill["victim"]
        if is_enemy_kill(kill, team):
            scores[killer] += 50 + 20 * alive[team[victim]]
            enemy_kills[killer] += 1
            for p in kill["assistants"]:
                scores[p] += 25 if damage.get((p, victim), 0) == 0 else 0
        if victim not in dead:
            dead.add(victim)
            alive[team[victim]] -= 1
    for p, count in enemy_kills.items():
        scores[p] += 50 * (count - 1)
    return scores


def test_round_scores_follow_the_combat_score_formula(sample: list[Doc]) -> None:
    for doc in sample[:60]:
        team = teams_of(doc)
        for rnd in doc["roundResults"]:
            expected = combat_scores(rnd, team)
            assert {ps["puuid"]: ps["score"] for ps in rnd["playerStats"]} == {
                p: expected[p] for p in team
            }


def test_damage_is_never_negative_and_kills_follow_damage(sample: list[Doc]) -> None:
    for doc in sample:
        team = teams_of(doc)
        for rnd in doc["roundResults"]:
            received: Counter[str] = Counter()
            for ps in rnd["playerStats"]:
                for d in ps["damage"]:
                    assert min(d["damage"], d["legshots"], d["bodyshots"], d["headshots"]) >= 0
                    if team[d["receiver"]] != team[ps["puuid"]]:
                        received[d["receiver"]] += d["damage"]
            kills = round_kills(rnd)
            for kill in kills:
                if is_enemy_kill(kill, team):
                    assert received[kill["victim"]] >= 100
            died = {k["victim"] for k in kills}
            assert all(received[p] < 150 for p in team if p not in died)


@pytest.mark.parametrize(
    ("round_nums", "credits"),
    [((0, 12), 800), ((24, 25, 26, 27, 28, 29), 5000)],
    ids=["pistol", "overtime"],
)
def test_every_player_starts_fixed_rounds_with_fixed_credits(
    sample: list[Doc], round_nums: tuple[int, ...], credits: int
) -> None:
    checked = 0
    for doc in sample:
        for rnd in doc["roundResults"]:
            if rnd["roundNum"] in round_nums:
                for ps in rnd["playerStats"]:
                    assert ps["economy"]["spent"] + ps["economy"]["remaining"] == credits
                    checked += 1
    assert checked


def test_credits_stay_within_the_cap_and_loadouts_cover_purchases(sample: list[Doc]) -> None:
    for doc in sample:
        for rnd in doc["roundResults"]:
            for ps in rnd["playerStats"]:
                economy = ps["economy"]
                assert 0 <= economy["spent"] <= economy["loadoutValue"]
                assert economy["remaining"] >= 0
                assert economy["spent"] + economy["remaining"] <= 9000


def feature_counts(doc: Doc) -> Counter[str]:
    team = teams_of(doc)
    found: Counter[str] = Counter()
    found["overtime"] += len(doc["roundResults"]) > 24
    found["surrender"] += surrendered(doc)
    for rnd in doc["roundResults"]:
        found[f"result:{rnd['roundResultCode']}"] += 1
        kills = round_kills(rnd)
        found["revive"] += any(back for _, back in replay_deaths(kills))
        for kill in kills:
            damage_type = kill["finishingDamage"]["damageType"]
            found[f"damage:{damage_type}"] += 1
            found["team kill"] += (
                damage_type != "Bomb"
                and team[kill["killer"]] == team[kill["victim"]]
                and kill["killer"] != kill["victim"]
            )
        for before, after in pairwise(kills):
            gap_ms = after["timeSinceRoundStartMillis"] - before["timeSinceRoundStartMillis"]
            found["simultaneous"] += gap_ms == 0
            found["trade"] += after["victim"] == before["killer"] and 0 < gap_ms <= TRADE_WINDOW_MS
    return found


FEATURES: tuple[tuple[str, Callable[[int, int], bool]], ...] = (
    ("overtime", lambda n, matches: 0.05 * matches <= n <= 0.25 * matches),
    ("surrender", lambda n, matches: 0 < n <= 0.06 * matches),
    ("revive", lambda n, _: n > 0),
    ("team kill", lambda n, _: n > 0),
    ("simultaneous", lambda n, _: n > 0),
    ("trade", lambda n, matches: n > 5 * matches),
    ("result:Elimination", lambda n, _: n > 0),
    ("result:Detonate", lambda n, _: n > 0),
    ("result:Defuse", lambda n, _: n > 0),
    ("result:", lambda n, _: n > 0),
    ("damage:Bomb", lambda n, _: n > 0),
    ("damage:Fall", lambda n, _: n > 0),
    ("damage:Ability", lambda n, _: n > 0),
    ("damage:Melee", lambda n, _: n > 0),
)


@pytest.fixture(scope="module")
def features(sample: list[Doc]) -> Counter[str]:
    return sum((feature_counts(doc) for doc in sample), Counter())


@pytest.mark.parametrize(("feature", "expected"), FEATURES, ids=[f for f, _ in FEATURES])
def test_sample_has_realistic_rare_events(
    sample: list[Doc],
    features: Counter[str],
    feature: str,
    expected: Callable[[int, int], bool],
) -> None:
    assert expected(features[feature], len(sample)), f"{feature}: {features[feature]}"


def test_riot_adapter_parses_generated_documents(sample: list[Doc]) -> None:
    sources = pytest.importorskip("scoreline.ingest.sources")
    for doc in sample[:10]:
        (match,) = sources.parse_source(orjson.dumps(doc), "x")
        assert match.match_id == doc["matchInfo"]["matchId"]
        assert len(match.players) == 10
        assert len(match.rounds) == len(doc["roundResults"])
        published = {t.player_id: (t.kills, t.deaths, t.assists, t.score) for t in match.published}
        assert published == {
            p["puuid"]: tuple(p["stats"][s] for s in ("kills", "deaths", "assists", "score"))
            for p in doc["players"]
        }
