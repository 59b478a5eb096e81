"""On the real match files, every table the engine returns agrees with every other one."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoreline.domain.rounds import Game, Match
from scoreline.ingest import parse_source
from scoreline.stats.rounds import PRESETS, compute_match_stats
from scoreline.stats.rounds.results import MatchStats, RoundPlayerStats
from scoreline.stats.rounds.rules import Counting, StatRules
from shared_data import DATA_DIR

T = TypeVar("T")

REAL_FILES = sorted((DATA_DIR / "valorant").glob("*.json")) + sorted(
    (DATA_DIR / "cs2").glob("*.log")
)
CASES = [
    pytest.param(path, name, id=f"{path.name}-{name}")
    for path in REAL_FILES
    for name in sorted(PRESETS)
]
# Round fields whose sum over a player's round rows is the match field of the same name.
SUMMED_FIELDS = (
    "kills",
    "deaths",
    "assists",
    "score",
    "damage",
    "damage_received",
    "headshots",
    "bodyshots",
    "legshots",
    "headshot_kills",
    "trade_kills",
    "traded_deaths",
    "team_kills",
    "suicides",
    "spike_deaths",
)
# Round flags whose count over a player's round rows is the named match field.
COUNTED_FLAGS = (
    ("first_kill", "first_kills"),
    ("first_death", "first_deaths"),
    ("planted", "plants"),
    ("defused", "defuses"),
    ("played", "rounds_played"),
)


@cache
def parse_real(path: Path) -> Match:
    (match,) = parse_source(path.read_bytes(), str(path))
    return match


@cache
def stats_of(path: Path, preset_name: str) -> MatchStats:
    return compute_match_stats(parse_real(path), PRESETS[preset_name])


def rows_by_player(stats: MatchStats) -> dict[str, list[RoundPlayerStats]]:
    rows: dict[str, list[RoundPlayerStats]] = {p.player_id: [] for p in stats.players}
    for row in stats.round_players:
        rows[row.player_id].append(row)
    return rows


def test_there_are_real_files_to_check() -> None:
    assert any(p.suffix == ".json" for p in REAL_FILES), f"no Valorant files under {DATA_DIR}"
    assert any(p.suffix == ".log" for p in REAL_FILES), f"no CS2 logs under {DATA_DIR}"


@pytest.mark.parametrize(("path", "preset_name"), CASES)
def test_every_death_is_counted_once_under_enemy_only_counting(
    path: Path, preset_name: str
) -> None:
    match = parse_real(path)
    rules = PRESETS[preset_name].with_changes(counting=Counting.ENEMY_ONLY)
    stats = compute_match_stats(match, rules)
    deaths = sum(len(r.kills) for r in match.rounds)
    assert sum(p.deaths for p in stats.players) == deaths
    assert sum(r.deaths for r in stats.round_players) == deaths
    assert sum(r.deaths for r in stats.round_teams) == deaths


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_the_publishers_counting_leaves_out_only_valorant_spike_deaths(path: Path) -> None:
    match = parse_real(path)
    stats = stats_of(path, "official")
    deaths = sum(len(r.kills) for r in match.rounds)
    uncounted = sum(p.spike_deaths for p in stats.players) if match.game is Game.VALORANT else 0
    assert sum(p.deaths for p in stats.players) == deaths - uncounted


@pytest.mark.parametrize(("path", "preset_name"), CASES)
def test_round_rows_sum_to_each_players_match_row(path: Path, preset_name: str) -> None:
    stats = stats_of(path, preset_name)
    rows_of = rows_by_player(stats)
    for player in stats.players:
        rows = rows_of[player.player_id]
        played = [r for r in rows if r.played]
        for field in SUMMED_FIELDS:
            assert sum(getattr(r, field) for r in rows) == getattr(player, field), field
        for flag, total in COUNTED_FLAGS:
            assert sum(getattr(r, flag) for r in rows) == getattr(player, total), total
        assert sum(r.kast for r in played) == player.kast_rounds
        assert sum(r.survived for r in played) == player.survived_rounds
        assert sum(r.side == "attack" for r in played) == player.attack_rounds
        assert sum(r.first_kill and r.side == "attack" for r in rows) == player.entry_kills
        assert sum(r.spent or 0 for r in played) == player.spent
        kill_rounds = Counter(min(r.enemy_kills, 6) for r in rows)
        assert player.multikills == tuple(kill_rounds[n] for n in range(2, 7))


@pytest.mark.parametrize(("path", "preset_name"), CASES)
def test_each_team_round_row_sums_its_players_round_rows(path: Path, preset_name: str) -> None:
    stats = stats_of(path, preset_name)
    by_round_and_team: dict[tuple[int, str], list[RoundPlayerStats]] = {}
    for row in stats.round_players:
        by_round_and_team.setdefault((row.round_number, row.team_id), []).append(row)
    assert len(stats.round_teams) == 2 * len(stats.rounds)
    for team_row in stats.round_teams:
        rows = by_round_and_team.get((team_row.round_number, team_row.team_id), [])
        played = [r for r in rows if r.played]
        assert team_row.kills == sum(r.enemy_kills for r in rows)
        assert team_row.damage == sum(r.damage for r in rows)
        assert team_row.players == len(played)
        assert team_row.alive_at_end == sum(r.survived for r in played)
        assert team_row.first_kill == any(r.first_kill for r in rows)
        assert team_row.planted == any(r.planted for r in rows)
        assert team_row.defused == any(r.defused for r in rows)


@pytest.mark.parametrize(("path", "preset_name"), CASES)
def test_team_totals_sum_their_rounds_and_their_players(path: Path, preset_name: str) -> None:
    stats = stats_of(path, preset_name)
    for team in stats.teams:
        members = [p for p in stats.players if p.team_id == team.team_id]
        rounds = [r for r in stats.round_teams if r.team_id == team.team_id]
        assert team.rounds_played == len(rounds)
        assert team.rounds_won == sum(r.won for r in rounds)
        assert team.kills == sum(r.kills for r in rounds)
        assert team.deaths == sum(r.deaths for r in rounds)
        assert team.damage == sum(p.damage for p in members)
        assert team.assists == sum(p.assists for p in members)
        assert team.trade_kills == sum(p.trade_kills for p in members)
        assert team.first_kill_rounds == sum(p.first_kills for p in members)
        assert team.clutches_attempted == sum(p.clutches_attempted for p in members)
        assert team.clutches_won == sum(p.clutches_won for p in members)
        for bucket in range(5):
            assert team.multikills[bucket] == sum(p.multikills[bucket] for p in members)
    won_by_someone = sum(1 for s in stats.rounds if s.winning_team_id is not None)
    assert sum(t.rounds_won for t in stats.teams) == won_by_someone


@pytest.mark.parametrize(("path", "preset_name"), CASES)
def test_sides_and_periods_split_each_teams_rounds(path: Path, preset_name: str) -> None:
    stats = stats_of(path, preset_name)
    for team in stats.teams:
        rounds = [r for r in stats.round_teams if r.team_id == team.team_id]
        sided = [r for r in rounds if r.side is not None]
        sides = [s for s in stats.sides if s.team_id == team.team_id]
        assert sum(s.rounds_played for s in sides) == len(sided)
        assert sum(s.rounds_won for s in sides) == sum(r.won for r in sided)
        assert sum(s.kills for s in sides) == sum(r.kills for r in sided)
        assert sum(s.deaths for s in sides) == sum(r.deaths for r in sided)
        periods = [p for p in stats.periods if p.team_id == team.team_id]
        assert sum(p.rounds_played for p in periods) == team.rounds_played
        assert sum(p.rounds_won for p in periods) == team.rounds_won


@pytest.mark.parametrize(("path", "preset_name"), CASES)
def test_duels_and_weapons_agree_with_each_players_row(path: Path, preset_name: str) -> None:
    stats = stats_of(path, preset_name)
    rows_of = rows_by_player(stats)
    for player in stats.players:
        pid = player.player_id
        duels = [d for d in stats.duels if d.player_id == pid]
        weapons = [w for w in stats.weapons if w.player_id == pid]
        enemy_kills = sum(r.enemy_kills for r in rows_of[pid])
        assert sum(d.kills for d in duels) == enemy_kills
        assert sum(d.damage_dealt for d in duels) == player.damage
        assert sum(d.damage_taken for d in duels) == player.damage_received
        assert sum(d.first_kills for d in duels) == player.first_kills
        assert sum(w.kills for w in weapons) == enemy_kills
        assert sum(w.damage for w in weapons) == player.damage
        assert sum(w.headshots for w in weapons) == player.headshots
    # A duel is seen from both sides: one player's kills are the other's deaths.
    seen = {(d.player_id, d.opponent_id): d for d in stats.duels}
    for (pid, oid), duel in seen.items():
        assert seen[oid, pid].deaths == duel.kills
        assert seen[oid, pid].damage_taken == duel.damage_dealt


def shuffled(match: Match, rng: random.Random) -> Match:
    def mix(items: tuple[T, ...]) -> tuple[T, ...]:
        copy = list(items)
        rng.shuffle(copy)
        return tuple(copy)

    rounds = tuple(
        dataclasses.replace(r, players=mix(r.players), damage=mix(r.damage)) for r in match.rounds
    )
    return dataclasses.replace(
        match, players=mix(match.players), teams=mix(match.teams), rounds=rounds
    )


@pytest.mark.parametrize(("path", "preset_name"), CASES)
@settings(max_examples=5, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_input_lists(
    path: Path, preset_name: str, rng: random.Random
) -> None:
    rules: StatRules = PRESETS[preset_name]
    expected = stats_of(path, preset_name)
    reordered = compute_match_stats(shuffled(parse_real(path), rng), rules)
    assert reordered[1:] == expected[1:]  # all but the `match` field
