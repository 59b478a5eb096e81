"""What one match adds to each daily rollup, and the arithmetic of replacing it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoreline.ingest import parse_source
from scoreline.rollups.contributions import (
    Contribution,
    MatchFacts,
    add_into,
    compute_contributions,
    negate,
    net_change,
    team_composition,
    team_outcomes,
)
from scoreline.rollups.specs import ROLLUPS, ROLLUPS_BY_NAME
from scoreline.stats.rounds import PRESETS, compute_match_stats, preset
from scoreline.stats.rounds.results import MatchStats
from scoreline.synthetic.valorant import generate_match
from shared_data import DATA_DIR

DAY = date(2026, 3, 1)
RIOT_HAVEN = DATA_DIR / "valorant" / "riot_v1_galeforce_2_haven_unrated_9a640756.json"
CS2_INFERNO = DATA_DIR / "cs2" / "cs2_serverlog_seatlon_inferno_0f870999.log"
REAL_FILES = [*sorted((DATA_DIR / "valorant").glob("*.json")), CS2_INFERNO]


@cache
def stats_of_file(path: Path, preset_name: str = "official") -> MatchStats:
    (match,) = parse_source(path.read_bytes(), str(path))
    return compute_match_stats(match, preset(preset_name))


@cache
def stats_of_generated(seed: int, index: int, preset_name: str = "official") -> MatchStats:
    (match,) = parse_source(orjson.dumps(generate_match(seed, index)), "generated")
    return compute_match_stats(match, preset(preset_name))


def contribution_of(stats: MatchStats, day: date = DAY) -> Contribution:
    return compute_contributions(MatchFacts.from_stats(stats, day))


def named(rollup_name: str, measures: tuple[int, ...]) -> dict[str, int]:
    return dict(zip(ROLLUPS_BY_NAME[rollup_name].measures, measures, strict=True))


def totals(contribution: Contribution, rollup_name: str) -> Counter[str]:
    summed: Counter[str] = Counter()
    for measures in contribution.get(rollup_name, {}).values():
        summed.update(named(rollup_name, measures))
    return summed


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_every_row_is_keyed_and_measured_as_its_rollup_says(path: Path) -> None:
    stats = stats_of_file(path)
    contribution = contribution_of(stats)

    assert set(contribution) <= {rollup.name for rollup in ROLLUPS}
    for name, rows in contribution.items():
        rollup = ROLLUPS_BY_NAME[name]
        for key, measures in rows.items():
            assert len(key) == len(rollup.key_columns), name
            assert key[:2] == (DAY, stats.match.game.value)
            assert len(measures) == len(rollup.measures), name
            assert all(type(value) is int for value in measures), (name, measures)
            assert named(name, measures)[rollup.count] > 0, name


# Measures of a player's line that are a MatchPlayerStats field of the same value.
PLAYER_FIELDS = {
    "rounds_played": "rounds_played",
    "attack_rounds": "attack_rounds",
    "kills": "kills",
    "deaths": "deaths",
    "assists": "assists",
    "score": "score",
    "kast_rounds": "kast_rounds",
    "damage": "damage",
    "headshots": "headshots",
    "first_kills": "first_kills",
    "entry_kills": "entry_kills",
    "clutch_kills": "clutch_kills",
    "trade_kills": "trade_kills",
    "survived_rounds": "survived_rounds",
    "spent": "spent",
    "economy_rounds": "economy_rounds",
}


@pytest.mark.parametrize(("measure", "field"), sorted(PLAYER_FIELDS.items()))
def test_a_players_day_line_is_their_match_line(measure: str, field: str) -> None:
    stats = stats_of_file(RIOT_HAVEN)
    rows = contribution_of(stats)["rollup_player_day"]
    for player in stats.players:
        line = named("rollup_player_day", rows[(DAY, "valorant", player.player_id)])
        assert line[measure] == getattr(player, field), player.player_id


def test_a_players_line_splits_multikills_and_sums_clutches() -> None:
    stats = stats_of_generated(3, 7)
    rows = contribution_of(stats)["rollup_player_day"]
    for player in stats.players:
        line = named("rollup_player_day", rows[(DAY, "valorant", player.player_id)])
        assert [line[f"multikill_{n}"] for n in range(2, 7)] == list(player.multikills)
        assert line["clutch_attempts"] == sum(player.clutch_attempts)
        assert line["clutch_wins"] == sum(player.clutch_wins)
        assert line["matches"] == 1


def test_wins_come_from_the_players_team() -> None:
    stats = stats_of_file(RIOT_HAVEN)
    won = {team.team_id: team.won for team in stats.teams}
    rows = contribution_of(stats)["rollup_player_day"]
    for player in stats.players:
        line = named("rollup_player_day", rows[(DAY, "valorant", player.player_id)])
        assert line["wins"] == int(won[player.team_id])


@pytest.mark.parametrize(
    ("path", "flagged"),
    [(RIOT_HAVEN, False), (CS2_INFERNO, True)],
    ids=["riot kills carry no headshot flag", "cs2 kills do"],
)
def test_hs_known_kills_are_the_enemy_kills_of_a_flagged_source(path: Path, flagged: bool) -> None:
    stats = stats_of_file(path)
    enemy_kills = Counter[str]()
    for row in stats.round_players:
        enemy_kills[row.player_id] += row.enemy_kills
    rows = contribution_of(stats)["rollup_player_day"]
    for player in stats.players:
        line = named("rollup_player_day", rows[(DAY, stats.match.game.value, player.player_id)])
        assert line["hs_known_kills"] == (enemy_kills[player.player_id] if flagged else 0)


@pytest.mark.parametrize(
    ("rating", "milli", "rated"),
    [
        (None, 0, 0),
        (1.0, 1000, 1),
        (1.0625, 1063, 1),  # exactly 1062.5 thousandths: half rounds up
        (0.9375, 938, 1),
        (1.2344, 1234, 1),
        (0.0, 0, 1),
    ],
)
def test_ratings_are_summed_in_thousandths_beside_the_rated_matches(
    rating: float | None, milli: int, rated: int
) -> None:
    stats = stats_of_file(RIOT_HAVEN)
    first = stats.players[0]._replace(rating_v1=rating, rating2_approx=rating)
    changed = stats._replace(players=(first, *stats.players[1:]))
    line = named(
        "rollup_player_day",
        contribution_of(changed)["rollup_player_day"][(DAY, "valorant", first.player_id)],
    )
    assert (line["rating_v1_milli"], line["rating_v1_matches"]) == (milli, rated)
    assert (line["rating2_milli"], line["rating2_matches"]) == (milli, rated)


def test_an_unknown_agent_is_keyed_empty_and_leaves_no_composition() -> None:
    stats = stats_of_file(CS2_INFERNO)
    contribution = contribution_of(stats)

    assert {key[3] for key in contribution["rollup_player_agent_day"]} == {""}
    assert {key[3] for key in contribution["rollup_team_agent_day"]} == {""}
    assert "rollup_composition_map_day" not in contribution
    assert "rollup_composition_economy_day" not in contribution


def test_a_teams_composition_is_its_sorted_agents() -> None:
    stats = stats_of_file(RIOT_HAVEN)
    expected = {
        ",".join(sorted(p.agent for p in stats.players if p.team_id == team.team_id and p.agent))
        for team in stats.teams
    }
    rows = contribution_of(stats)["rollup_composition_map_day"]
    assert {key[2] for key in rows} == expected
    assert {key[3] for key in rows} == {stats.match.map_name}


def test_void_clutches_are_left_out() -> None:
    stats = stats_of_generated(0, 1)
    assert stats.clutches, "the generated match needs a clutch"
    counted = contribution_of(stats)["rollup_player_clutch_day"]
    voided = stats._replace(clutches=tuple(c._replace(void=True) for c in stats.clutches))

    assert sum(named("rollup_player_clutch_day", m)["attempts"] for m in counted.values()) == (
        len(stats.clutches) - sum(c.void for c in stats.clutches)
    )
    assert "rollup_player_clutch_day" not in contribution_of(voided)


@pytest.mark.parametrize(
    ("won_by_team", "outcomes"),
    [
        ({"Red": True, "Blue": False}, {"Red": "win", "Blue": "loss"}),
        ({"Red": False, "Blue": True}, {"Red": "loss", "Blue": "win"}),
        ({"Red": False, "Blue": False}, {"Red": "draw", "Blue": "draw"}),
        ({}, {}),
    ],
)
def test_team_outcomes(won_by_team: dict[str, bool], outcomes: dict[str, str]) -> None:
    assert team_outcomes(won_by_team) == outcomes


@pytest.mark.parametrize(
    ("agents", "composition"),
    [
        (["Sage", "Jett", "Omen"], "Jett,Omen,Sage"),
        (["Jett", "Jett"], "Jett,Jett"),
        (["Sage", None], None),
        ([], None),
    ],
)
def test_team_composition(agents: list[str | None], composition: str | None) -> None:
    assert team_composition(agents) == composition


K1 = (DAY, "valorant", "p1")
K2 = (DAY, "valorant", "p2")


@pytest.mark.parametrize(
    ("new", "previous", "change"),
    [
        ({"t": {K1: (1, 5)}}, {}, {"t": {K1: (1, 5)}}),
        ({}, {"t": {K1: (1, 5)}}, {"t": {K1: (-1, -5)}}),
        ({"t": {K1: (1, 5)}}, {"t": {K1: (1, 5)}}, {}),
        ({"t": {K1: (1, 7)}}, {"t": {K1: (1, 5)}}, {"t": {K1: (0, 2)}}),
        ({"t": {K2: (1, 7)}}, {"t": {K1: (1, 5)}}, {"t": {K1: (-1, -5), K2: (1, 7)}}),
    ],
    ids=["new", "gone", "unchanged", "changed", "moved"],
)
def test_net_change(new: Contribution, previous: Contribution, change: Contribution) -> None:
    assert net_change(new, previous) == change


def test_negate_takes_a_contribution_out() -> None:
    contribution = contribution_of(stats_of_file(RIOT_HAVEN))
    totals_after: Contribution = {}
    add_into(totals_after, contribution)
    add_into(totals_after, negate(contribution))
    assert all(not any(m) for rows in totals_after.values() for m in rows.values())


generated = st.tuples(st.integers(0, 2**10), st.integers(0, 300))
presets = st.sampled_from(sorted(PRESETS))


@settings(max_examples=20, deadline=None)
@given(generated, presets)
def test_summed_lines_equal_the_match_totals(seed_index: tuple[int, int], preset_name: str) -> None:
    stats = stats_of_generated(*seed_index, preset_name)
    contribution = contribution_of(stats)
    player_day = totals(contribution, "rollup_player_day")

    for measure in ("kills", "deaths", "assists", "damage", "score", "rounds_played"):
        assert player_day[measure] == sum(getattr(p, measure) for p in stats.players), measure
    for name in ("rollup_player_map_day", "rollup_player_agent_day"):
        assert totals(contribution, name) == player_day, name
    sides = totals(contribution, "rollup_player_side_day")
    played = [r for r in stats.round_players if r.played]
    assert sides["rounds_played"] == sum(p.attack_rounds + p.defense_rounds for p in stats.players)
    assert sides["kills"] == sum(r.kills for r in played if r.side is not None)
    assert sides["clutch_attempts"] == sum(p.clutches_attempted for p in stats.players)
    clutches = totals(contribution, "rollup_player_clutch_day")
    assert clutches["attempts"] == player_day["clutch_attempts"]
    assert clutches["wins"] == player_day["clutch_wins"]
    economy = totals(contribution, "rollup_player_economy_day")
    assert economy["rounds_played"] == sum(r.buy_type is not None for r in played)
    duels = totals(contribution, "rollup_player_duel_day")
    assert duels["kills"] == duels["deaths"]
    teams = totals(contribution, "rollup_team_day")
    assert teams["matches"] == len(stats.teams)
    assert teams["wins"] == sum(t.won for t in stats.teams)
    assert totals(contribution, "rollup_team_outcome_day") == teams
    assert totals(contribution, "rollup_team_agent_day")["picks"] == len(stats.players)


@settings(max_examples=10, deadline=None)
@given(generated, presets, presets)
def test_adding_the_net_change_to_the_previous_gives_the_new(
    seed_index: tuple[int, int], before: str, after: str
) -> None:
    previous = contribution_of(stats_of_generated(*seed_index, before))
    new = contribution_of(stats_of_generated(*seed_index, after), date(2026, 3, 2))
    rebuilt: Contribution = {}
    add_into(rebuilt, previous)
    add_into(rebuilt, net_change(new, previous))
    kept = {name: {key: m for key, m in rows.items() if any(m)} for name, rows in rebuilt.items()}
    assert {name: rows for name, rows in kept.items() if rows} == new
