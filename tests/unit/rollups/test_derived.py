"""Derived figures: their definitions, None for a zero denominator, agreement with a match."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scoreline.ingest import parse_source
from scoreline.rollups.derived import (
    compute_acs,
    compute_adr,
    compute_clutch_figures,
    compute_clutch_win_pct,
    compute_composition_figures,
    compute_damage_delta_per_round,
    compute_duel_figures,
    compute_economy_figures,
    compute_hs_pct_hits,
    compute_hs_pct_kills,
    compute_kast,
    compute_kd,
    compute_kda,
    compute_opening_win_pct,
    compute_per_round,
    compute_player_figures,
    compute_rating_average,
    compute_survival_pct,
    compute_team_agent_figures,
    compute_team_figures,
    compute_weapon_figures,
    compute_win_pct,
)
from scoreline.rollups.specs import PLAYER_MEASURES, TEAM_MEASURES
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.stats.rounds.results import MatchPlayerStats, TeamMatchStats
from scoreline.synthetic.valorant import generate_match

Figure = Callable[..., float | None]


@pytest.mark.parametrize(
    ("compute", "args", "expected"),
    [
        (compute_acs, (4800, 20), 240.0),
        (compute_acs, (0, 0), None),
        (compute_kast, (15, 20), 75.0),
        (compute_kast, (5, 8), 62.5),  # KAST-1 of §8.4 at W=3000
        (compute_kast, (0, 0), None),
        (compute_adr, (3000, 20), 150.0),
        (compute_adr, (10, 0), None),
        (compute_kd, (20, 10, 24), 2.0),
        (compute_kd, (7, 0, 24), 7.0),  # deaths floored at 1 (§2)
        (compute_kd, (0, 0, 0), None),  # nothing played
        (compute_kda, (20, 10, 15, 24), 2.0),
        (compute_kda, (3, 2, 0, 10), 5.0),
        (compute_kda, (0, 0, 0, 0), None),
        (compute_per_round, (18, 24), 0.75),
        (compute_per_round, (1, 0), None),
        (compute_hs_pct_hits, (25, 70, 5), 25.0),
        (compute_hs_pct_hits, (0, 0, 0), None),
        (compute_hs_pct_kills, (9, 18), 50.0),
        (compute_hs_pct_kills, (0, 0), None),  # no kill of the period had a headshot flag
        (compute_opening_win_pct, (3, 1), 75.0),
        (compute_opening_win_pct, (0, 0), None),
        (compute_clutch_win_pct, (1, 4), 25.0),
        (compute_clutch_win_pct, (0, 0), None),
        (compute_win_pct, (3, 4), 75.0),
        (compute_win_pct, (0, 0), None),
        (compute_survival_pct, (6, 24), 25.0),
        (compute_rating_average, (2250, 2), 1.125),
        (compute_rating_average, (0, 0), None),
        (compute_damage_delta_per_round, (3000, 3600, 20), -30.0),
        (compute_damage_delta_per_round, (1, 1, 0), None),
    ],
)
def test_figure_definitions(compute: Figure, args: tuple[int, ...], expected: float | None) -> None:
    assert compute(*args) == expected


def test_equal_ratios_of_integers_are_equal_floats() -> None:
    # Leaderboard ties must be real ties: 100 x a / b is exact for equal fractions.
    assert compute_kast(7, 21) == compute_kast(1, 3) == compute_kast(1000, 3000)
    assert compute_acs(700, 3) == compute_acs(1400, 6)


def test_every_figure_of_empty_sums_is_none_or_zero_count() -> None:
    shapes = {
        compute_player_figures: dict.fromkeys(PLAYER_MEASURES, 0),
        compute_team_figures: dict.fromkeys(TEAM_MEASURES, 0),
    }
    for compute, sums in shapes.items():
        figures = compute(sums)
        assert figures
        assert all(value in (None, 0) for value in figures.values()), figures


def test_figures_missing_an_input_are_none() -> None:
    # A side split has rounds but no match count, wins or ratings.
    side_sums = {"rounds_played": 10, "rounds_won": 6, "score": 2000, "kills": 8, "deaths": 5}
    figures = compute_player_figures(side_sums)
    assert figures["acs"] == 200.0
    assert figures["round_win_pct"] == 60.0
    assert figures["kd"] == 1.6
    assert figures["win_pct"] is None
    assert figures["rating_v1"] is None
    assert figures["multikills"] is None
    assert figures["kast"] is None


def _match_player_sums(player: MatchPlayerStats, won: bool, hs_flags: bool) -> dict[str, int]:
    """One match line as the rollups sum it (scoreline.rollups.specs.PLAYER_MEASURES)."""
    sums = {
        name: getattr(player, name)
        for name in PLAYER_MEASURES
        if name in MatchPlayerStats._fields and isinstance(getattr(player, name), int)
    }
    sums.update(
        matches=1,
        wins=int(won),
        clutch_attempts=player.clutches_attempted,
        clutch_wins=player.clutches_won,
        hs_known_kills=sum(player.multikills) if hs_flags else 0,
        rating_v1_milli=round((player.rating_v1 or 0) * 1000),
        rating_v1_matches=int(player.rating_v1 is not None),
        rating2_milli=round((player.rating2_approx or 0) * 1000),
        rating2_matches=int(player.rating2_approx is not None),
    )
    for n, count in enumerate(player.multikills, start=2):
        sums[f"multikill_{n}"] = count
    return sums


@pytest.mark.parametrize("index", range(4))
def test_one_match_gives_the_engine_figures(index: int) -> None:
    data = json.dumps(generate_match(7, index)).encode()
    (match,) = parse_source(data, "synthetic.json")
    stats = compute_match_stats(match, preset("official"))
    teams: dict[str, TeamMatchStats] = {team.team_id: team for team in stats.teams}
    for player in stats.players:
        figures = compute_player_figures(
            _match_player_sums(player, teams[player.team_id].won, False)
        )
        assert figures["acs"] == player.acs
        assert figures["kast"] == player.kast
        assert figures["adr"] == player.adr
        assert figures["kd"] == player.kd
        assert figures["kda"] == player.kda
        assert figures["kpr"] == player.kpr
        assert figures["dpr"] == player.dpr
        assert figures["apr"] == player.apr
        assert figures["plus_minus"] == player.plus_minus
        assert figures["hs_pct_hits"] == player.hs_pct_hits
        assert figures["opening_win_pct"] == player.opening_win_pct
        assert figures["hs_pct_kills"] is None  # Riot kills carry no headshot flag
        assert figures["rating_v1"] == pytest.approx(player.rating_v1, abs=0.0005)
        assert figures["win_pct"] == (100.0 if teams[player.team_id].won else 0.0)
    for team in stats.teams:
        sums = {
            name: getattr(team, name) for name in TEAM_MEASURES if name not in ("matches", "wins")
        }
        sums.update(matches=1, wins=int(team.won))
        team_figures = compute_team_figures(sums)
        if team.first_kill_rounds:
            assert team_figures["fk_conversion_pct"] == pytest.approx(team.fk_conversion)
        assert team_figures["round_win_pct"] == 100 * team.rounds_won / team.rounds_played


@pytest.mark.parametrize(
    ("compute", "sums", "expected"),
    [
        (
            compute_economy_figures,
            {"rounds_played": 4, "rounds_won": 1, "kills": 2, "deaths": 4, "score": 400,
             "damage": 300, "spent": 8000, "loadout_value": 12000},
            {"round_win_pct": 25.0, "acs": 100.0, "adr": 75.0, "kd": 0.5, "kpr": 0.5,
             "avg_loadout": 3000.0, "avg_spent": 2000.0},
        ),
        (
            compute_weapon_figures,
            {"matches": 2, "kills": 10, "damage": 1500, "headshots": 5, "bodyshots": 15,
             "legshots": 0},
            {"hs_pct_hits": 25.0, "kills_per_match": 5.0, "damage_per_match": 750.0,
             "damage_per_kill": 150.0},
        ),
        (
            compute_clutch_figures,
            {"attempts": 4, "wins": 1, "kills": 6, "survived": 2},
            {"win_pct": 25.0, "survival_pct": 50.0, "kills_per_attempt": 1.5},
        ),
        (
            compute_team_agent_figures,
            {"picks": 4, "wins": 3, "rounds_played": 80, "kills": 60, "deaths": 40,
             "score": 16000, "damage": 12000},
            {"win_pct": 75.0, "acs": 200.0, "adr": 150.0, "kd": 1.5},
        ),
        (
            compute_composition_figures,
            {"matches": 5, "wins": 2, "rounds_played": 100, "rounds_won": 45},
            {"win_pct": 40.0, "round_win_pct": 45.0},
        ),
        (
            compute_duel_figures,
            {"kills": 3, "deaths": 1},
            {"kill_share_pct": 75.0, "net_kills": 2},
        ),
        (
            compute_duel_figures,
            {"kills": 0, "deaths": 0},
            {"kill_share_pct": None, "net_kills": 0},
        ),
    ],
)  # fmt: skip
def test_split_figures(
    compute: Callable[[dict[str, int]], dict[str, float | int | None]],
    sums: dict[str, int],
    expected: dict[str, float | None],
) -> None:
    assert compute(sums) == expected


def test_team_figures() -> None:
    sums = dict.fromkeys(TEAM_MEASURES, 0) | {
        "matches": 4, "wins": 3, "rounds_played": 80, "rounds_won": 50, "kills": 300,
        "deaths": 250, "damage": 40000, "first_kill_rounds": 40, "first_kill_rounds_won": 30,
        "pistols_played": 8, "pistols_won": 6, "post_plant_rounds": 20, "post_plant_won": 15,
        "retake_rounds": 10, "retakes_won": 2, "eco_rounds": 5, "eco_wins": 1,
        "flawless_rounds": 5, "clutches_attempted": 10, "clutches_won": 3,
    }  # fmt: skip
    assert compute_team_figures(sums) == {
        "win_pct": 75.0,
        "round_win_pct": 62.5,
        "kd": 1.2,
        "plus_minus": 50,
        "kills_per_round": 3.75,
        "damage_per_round": 500.0,
        "fk_conversion_pct": 75.0,
        "pistol_win_pct": 75.0,
        "post_plant_win_pct": 75.0,
        "retake_win_pct": 20.0,
        "eco_win_pct": 20.0,
        "flawless_pct": 10.0,
        "clutch_win_pct": 30.0,
    }
