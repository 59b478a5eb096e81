"""Edge cases STAT_DEFINITIONS calls out, each run through the whole engine."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from scoreline.domain.rounds import DamageType, Kill, Match, Player, ResultCode, Team
from scoreline.stats.rounds import compute_match_stats
from scoreline.stats.rounds.results import MatchPlayerStats, MatchStats
from scoreline.stats.rounds.rules import COMMUNITY, OFFICIAL, SEED
from vector_matches import make_match, make_round


def player(stats: MatchStats, player_id: str) -> MatchPlayerStats:
    return next(p for p in stats.players if p.player_id == player_id)


def kill(t_ms: int, killer: str | None, victim: str, **extra: Any) -> dict[str, Any]:
    return {"t_ms": t_ms, "killer": killer, "victim": victim, **extra}


@pytest.mark.parametrize(
    ("death", "official", "community"),
    [
        # (K of killer, D of victim) per preset: STAT_DEFINITIONS §1 and §20
        (kill(1000, "a1", "b1"), (1, 1), (1, 1)),
        (kill(1000, "a1", "a2"), (1, 1), (0, 1)),  # Riot credits team kills
        (kill(1000, "a1", "a1", damage_type="Bomb"), (0, 0), (0, 1)),  # spike death
        (kill(1000, "a1", "a1", damage_type="Weapon"), (0, 1), (0, 1)),  # suicide
        (kill(1000, "a1", "a1", damage_type="Fall"), (0, 1), (0, 1)),  # fall
    ],
    ids=["enemy", "team-kill", "spike", "suicide", "fall"],
)
def test_death_classes_credit_k_and_d_by_preset(
    death: dict[str, Any], official: tuple[int, int], community: tuple[int, int]
) -> None:
    match = make_match([make_round(0, [death])])
    for rules, expected in ((OFFICIAL, official), (COMMUNITY, community)):
        stats = compute_match_stats(match, rules)
        killer = player(stats, death["killer"])
        victim = player(stats, death["victim"])
        assert (killer.kills, victim.deaths) == expected, rules.name


def test_non_enemy_deaths_are_never_first_kills_or_trades() -> None:
    kills = [
        kill(1000, "a1", "a2"),  # team kill
        kill(2000, "b1", "b1", damage_type="Bomb"),
        kill(3000, "b2", "a3"),
        kill(3500, "a4", "b2"),
    ]
    stats = compute_match_stats(make_match([make_round(0, kills)]), COMMUNITY)
    assert [p.player_id for p in stats.players if p.first_kills] == ["b2"]
    assert player(stats, "a4").trade_kills == 1
    assert player(stats, "a1").trade_kills == 0


def test_a_player_killed_twice_in_a_round_was_revived() -> None:
    kills = [
        kill(10_000, "b1", "a1"),
        kill(30_000, "a1", "b2", damage_type="Weapon"),  # fires a gun after dying: revived
        kill(40_000, "b3", "a1"),
    ]
    stats = compute_match_stats(make_match([make_round(0, kills)]), COMMUNITY)
    a1 = player(stats, "a1")
    assert (a1.kills, a1.deaths) == (1, 2)
    row = next(r for r in stats.round_players if r.player_id == "a1")
    assert row.survived is False


def test_a_revived_player_who_survives_counts_as_alive_at_end() -> None:
    kills = [kill(10_000, "b1", "a1"), kill(30_000, "a1", "b2", damage_type="Weapon")]
    stats = compute_match_stats(make_match([make_round(0, kills)]), COMMUNITY)
    row = next(r for r in stats.round_players if r.player_id == "a1")
    assert (row.survived, row.kast) == (True, True)


def test_kill_by_a_dead_players_utility_is_not_a_revive() -> None:
    kills = [kill(10_000, "b1", "a1"), kill(12_000, "a1", "b1", damage_type="Ability")]
    stats = compute_match_stats(make_match([make_round(0, kills)]), COMMUNITY)
    row = next(r for r in stats.round_players if r.player_id == "a1")
    assert (row.kills, row.survived) == (1, False)


def test_exit_frags_count_as_kills_but_not_as_events() -> None:
    kills = [
        kill(5_000, "a1", "b1"),
        kill(6_000, "a1", "b2"),
        kill(7_000, "a1", "b3"),
        kill(8_000, "a1", "b4"),
        kill(9_000, "a1", "b5"),
        {**kill(12_000, "a2", "b5"), "after_round_end": True},
    ]
    round_ = make_round(0, kills[:-1])
    late = Kill(12_000, "b5", "a2", after_round_end=True)
    match = make_match([dataclasses.replace(round_, kills=(*round_.kills, late))])
    stats = compute_match_stats(match, COMMUNITY)
    b5 = player(stats, "b5")
    assert b5.kills == 1
    assert b5.first_kills == 0
    a2 = next(r for r in stats.round_players if r.player_id == "a2")
    assert a2.survived is True  # alive when the round ended; the exit frag came after


def three_player_match() -> Match:
    round_ = make_round(
        0,
        [kill(5_000, "b1", "a1"), kill(9_000, "a2", "b1")],
        winner="A",
        players=("a1", "a2", "b1"),
    )
    return Match(
        match_id="three",
        game=make_match([]).game,
        source_format="test",
        map_name="Test",
        mode="custom",
        started_at=make_match([]).started_at,
        players=(Player("a1", "A1", "A"), Player("a2", "A2", "A"), Player("b1", "B1", "B")),
        teams=(Team("A", "A"), Team("B", "B")),
        rounds=(round_,),
    )


def test_three_player_match_counts_per_team_and_rounds() -> None:
    stats = compute_match_stats(three_player_match(), COMMUNITY)
    assert {p.player_id: p.rounds_played for p in stats.players} == {"a1": 1, "a2": 1, "b1": 1}
    a2 = player(stats, "a2")
    assert (a2.kills, a2.trade_kills, a2.clutches_attempted, a2.clutches_won) == (1, 1, 1, 1)
    team_a = next(t for t in stats.teams if t.team_id == "A")
    assert (team_a.rounds_won, team_a.kills, team_a.deaths) == (1, 1, 1)


def test_a_player_alone_from_the_start_gets_a_1v1_when_it_becomes_one() -> None:
    stats = compute_match_stats(three_player_match(), COMMUNITY)
    assert [(c.player_id, c.opponents, c.won) for c in stats.clutches] == [
        ("a2", 1, True),
        ("b1", 1, False),
    ]


def test_a_mutual_kill_at_the_same_ms_is_two_deaths_and_no_revive() -> None:
    kills = [kill(15_000, "b1", "a1"), kill(15_000, "a1", "b1")]
    stats = compute_match_stats(make_match([make_round(0, kills)]), COMMUNITY)
    rows = {r.player_id: r for r in stats.round_players}
    assert (rows["a1"].survived, rows["b1"].survived) == (False, False)
    assert (rows["a1"].kills, rows["b1"].kills) == (1, 1)


def test_surrendered_round_is_played_but_holds_no_clutch() -> None:
    kills = [kill(1000 * i, f"b{i}", f"a{i}") for i in range(1, 5)]
    surrendered = make_round(0, kills, winner="B", result=ResultCode.SURRENDERED)
    stats = compute_match_stats(make_match([surrendered]), COMMUNITY)
    assert player(stats, "a5").rounds_played == 1
    assert stats.clutches == ()
    kept = compute_match_stats(
        make_match([surrendered]), COMMUNITY.with_changes(clutch_exclude_surrendered=False)
    )
    assert [c.player_id for c in kept.clutches] == ["a5"]


def test_clutch_confirmation_boundary_is_inclusive() -> None:
    kills = [kill(1000 * i, f"b{i}", f"a{i}") for i in range(1, 5)]  # a5 alone at 4000
    kills.append(kill(7_000, "b5", "a5"))  # 3000 ms later
    stats = compute_match_stats(make_match([make_round(0, kills, winner="B")]), SEED)
    assert [(c.player_id, c.end_ms - c.start_ms) for c in stats.clutches] == [("a5", 3000)]


def overtime_match(rounds: int) -> Match:
    """A plants in every first-half round; nothing else says who attacks."""
    built = []
    for number in range(rounds):
        plant = {"t_ms": 30_000, "planter": "a1"} if number < 12 else None
        built.append(make_round(number, [], winner="A" if number % 2 else "B", plant=plant))
    return make_match(built)


def test_overtime_sides_alternate_every_round_after_regulation() -> None:
    stats = compute_match_stats(overtime_match(28), COMMUNITY)
    attackers = [s.attacking_team_id for s in stats.rounds]
    assert attackers[:12] == ["A"] * 12
    assert attackers[12:24] == ["B"] * 12
    assert attackers[24:] == ["A", "B", "A", "B"]
    assert [s.side_inferred for s in stats.rounds][11:13] == [False, True]
    assert [s.overtime for s in stats.rounds].count(True) == 4
    assert [s.round_number for s in stats.rounds if s.pistol] == [0, 12]


def with_planter(match: Match, number: int, planter: str) -> Match:
    rounds = list(match.rounds)
    plant = make_round(0, [], plant={"t_ms": 1, "planter": planter}).plant
    rounds[number] = dataclasses.replace(rounds[number], plant=plant)
    return dataclasses.replace(match, rounds=tuple(rounds))


def test_a_plant_in_overtime_wins_over_the_rule() -> None:
    stats = compute_match_stats(with_planter(overtime_match(26), 25, "a2"), COMMUNITY)
    assert stats.rounds[25].attacking_team_id == "A"
    assert stats.rounds[25].side_inferred is False
    assert stats.side_conflicts == 0  # each overtime round is a segment of its own


def test_evidence_against_the_rest_of_its_half_is_kept_and_counted() -> None:
    stats = compute_match_stats(with_planter(overtime_match(24), 5, "b1"), COMMUNITY)
    assert stats.rounds[5].attacking_team_id == "B"
    assert stats.rounds[6].attacking_team_id == "A"
    assert stats.side_conflicts == 1


def test_spike_death_is_not_survival_and_not_tradeable() -> None:
    kills = [kill(85_000, "a2", "a2", damage_type=DamageType.BOMB.value)]
    stats = compute_match_stats(
        make_match([make_round(0, kills, winner="B", result=ResultCode.DETONATE)]), COMMUNITY
    )
    row = next(r for r in stats.round_players if r.player_id == "a2")
    assert (row.survived, row.traded_deaths, row.kast, row.spike_deaths) == (False, 0, False, 1)
