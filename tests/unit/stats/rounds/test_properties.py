"""Invariants of the engine on generated matches (hypothesis picks the matches)."""

from __future__ import annotations

import dataclasses
import random
from typing import TypeVar

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.stats.rounds import PRESETS, compute_match_stats
from scoreline.stats.rounds.results import MatchStats
from scoreline.stats.rounds.rules import COMMUNITY, StatRules
from scoreline.synthetic.valorant import generate_match

matches = st.builds(
    lambda seed, index: parse_source(orjson.dumps(generate_match(seed, index)), "generated")[0],
    st.integers(min_value=0, max_value=2**16),
    st.integers(min_value=0, max_value=500),
)
presets = st.sampled_from(sorted(PRESETS.values(), key=lambda r: r.name))
examples = settings(max_examples=25, deadline=None)
T = TypeVar("T")

SUMMED_ROUND_FIELDS = (
    "kills",
    "deaths",
    "assists",
    "score",
    "damage",
    "headshots",
    "trade_kills",
    "traded_deaths",
    "team_kills",
    "suicides",
    "spike_deaths",
)


@examples
@given(matches)
def test_every_death_is_counted_exactly_once(match: Match) -> None:
    stats = compute_match_stats(match, COMMUNITY)
    deaths = sum(len(r.kills) for r in match.rounds)
    assert sum(p.deaths for p in stats.players) == deaths
    assert sum(r.deaths for r in stats.round_teams) == deaths


@examples
@given(matches, presets)
def test_round_rows_sum_to_match_rows(match: Match, rules: StatRules) -> None:
    stats = compute_match_stats(match, rules)
    for player in stats.players:
        rows = [r for r in stats.round_players if r.player_id == player.player_id]
        for field in SUMMED_ROUND_FIELDS:
            assert sum(getattr(r, field) for r in rows) == getattr(player, field), field
        assert sum(r.first_kill for r in rows) == player.first_kills
        assert sum(r.played for r in rows) == player.rounds_played
        assert sum(r.kast for r in rows if r.played) == player.kast_rounds


@examples
@given(matches, presets)
def test_team_totals_are_the_sum_of_their_players(match: Match, rules: StatRules) -> None:
    stats = compute_match_stats(match, rules)
    for team in stats.teams:
        members = [p for p in stats.players if p.team_id == team.team_id]
        member_rows = [r for r in stats.round_players if r.team_id == team.team_id]
        assert team.kills == sum(r.enemy_kills for r in member_rows)
        assert team.damage == sum(p.damage for p in members)
        assert team.assists == sum(p.assists for p in members)
        assert team.first_kill_rounds == sum(p.first_kills for p in members)
        assert team.clutches_attempted == sum(p.clutches_attempted for p in members)
    assert sum(t.rounds_won for t in stats.teams) == len(match.rounds)


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


def without_match(stats: MatchStats) -> MatchStats:
    return stats._replace(match=None)  # type: ignore[arg-type]


@examples
@given(matches, presets, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_input_lists(
    match: Match, rules: StatRules, rng: random.Random
) -> None:
    expected = without_match(compute_match_stats(match, rules))
    assert without_match(compute_match_stats(shuffled(match, rng), rules)) == expected
