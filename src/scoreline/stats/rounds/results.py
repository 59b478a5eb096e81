"""Result rows of the round stats: immutable NamedTuples, one class per aggregate table.

Rows are NamedTuples rather than frozen dataclasses because a match yields ~400 of them and
construction dominates: measured here, 0.4 us per 25-field NamedTuple against 3.5 us for a
frozen slotted dataclass (the 1 ms per match budget of the engine).
"""

from __future__ import annotations

from typing import NamedTuple

from scoreline.domain.rounds import Match


class RoundPlayerStats(NamedTuple):
    round_number: int
    player_id: str
    team_id: str
    side: str | None  # "attack" | "defense"
    played: bool  # had a record at round start (the denominator of every per-round rate)
    score: int  # the publisher's per-round combat score, else the formula
    score_formula: int
    kills: int  # as the preset counts them
    deaths: int
    assists: int
    enemy_kills: int  # the per-round multi-kill bucket
    damage: int  # to enemies
    damage_received: int  # from enemies
    headshots: int
    bodyshots: int
    legshots: int
    headshot_kills: int
    first_kill: bool
    first_death: bool
    trade_kills: int
    traded_deaths: int  # a revived player can die, and be traded, twice
    survived: bool
    kast: bool
    team_kills: int
    suicides: int
    spike_deaths: int
    planted: bool
    defused: bool
    clutch_opponents: int  # X of a counted 1vX attempt, else 0
    clutch_won: bool
    loadout_value: int | None
    spent: int | None
    remaining: int | None
    buy_type: str | None


class MatchPlayerStats(NamedTuple):
    player_id: str
    name: str
    team_id: str
    agent: str | None
    rounds_played: int
    attack_rounds: int
    defense_rounds: int
    kills: int
    deaths: int
    assists: int
    score: int
    acs: float | None
    kd: float
    kda: float
    plus_minus: int
    kpr: float | None
    dpr: float | None
    apr: float | None
    kast_rounds: int
    kast: float | None  # percent of rounds played
    damage: int
    damage_received: int
    adr: float | None
    headshots: int
    bodyshots: int
    legshots: int
    hs_pct_hits: float | None
    headshot_kills: int
    hs_pct_kills: float | None  # None where the source has no headshot flag on kills
    first_kills: int
    first_deaths: int
    opening_win_pct: float | None
    entry_kills: int  # first kills on attack
    multikills: tuple[int, int, int, int, int]  # rounds with exactly 2, 3, 4, 5 and 6+ kills
    kill_chains: tuple[int, int, int, int, int]  # windowed chains of 2, 3, 4, 5 and 6+ kills
    clutch_attempts: tuple[int, int, int, int, int]  # 1v1 .. 1v5
    clutch_wins: tuple[int, int, int, int, int]
    clutch_kills: int
    trade_kills: int
    traded_deaths: int
    survived_rounds: int
    team_kills: int
    suicides: int
    spike_deaths: int
    plants: int
    defuses: int
    spent: int
    loadout_value: int
    economy_rounds: int  # rounds with economy data
    rating_v1: float | None
    rating2_approx: float | None

    @property
    def clutches_attempted(self) -> int:
        return sum(self.clutch_attempts)

    @property
    def clutches_won(self) -> int:
        return sum(self.clutch_wins)


class RoundTeamStats(NamedTuple):
    round_number: int
    team_id: str
    side: str | None
    won: bool
    players: int
    alive_at_end: int
    kills: int
    deaths: int
    damage: int
    first_kill: bool
    planted: bool
    defused: bool
    loadout_value: int | None
    buy_type: str | None
    composition: tuple[str, ...]  # sorted agents present


class TeamMatchStats(NamedTuple):
    team_id: str
    name: str
    won: bool
    rounds_played: int
    rounds_won: int
    rounds_lost: int
    kills: int
    deaths: int
    assists: int
    damage: int
    avg_acs: float | None
    first_kill_rounds: int
    first_kill_rounds_won: int
    fk_conversion: float | None
    first_death_rounds: int
    first_death_rounds_won: int
    pistols_played: int
    pistols_won: int
    plants: int
    defuses: int
    post_plant_rounds: int  # rounds this team planted in
    post_plant_won: int
    retake_rounds: int  # rounds the opponent planted in
    retakes_won: int  # of those, won by defusing
    eco_rounds: int  # eco or semi-eco
    eco_wins: int  # won on eco or semi-eco against semi-buy or full buy
    flawless_rounds: int
    clutches_attempted: int
    clutches_won: int
    trade_kills: int
    team_kills: int
    multikills: tuple[int, int, int, int, int]
    buy_rounds: dict[str, tuple[int, int]]  # buy type -> (played, won)


class TeamSideStats(NamedTuple):
    team_id: str
    side: str  # "attack" | "defense"
    rounds_played: int
    rounds_won: int
    rounds_lost: int
    kills: int
    deaths: int
    first_kills: int
    first_deaths: int
    plants: int
    defuses: int
    pistols_played: int
    pistols_won: int
    clutches_attempted: int
    clutches_won: int


class TeamPeriodStats(NamedTuple):
    team_id: str
    period: str  # "first_half" | "second_half" | "overtime"
    rounds_played: int
    rounds_won: int
    rounds_lost: int


class Clutch(NamedTuple):
    round_number: int
    player_id: str
    team_id: str
    side: str | None
    opponents: int
    start_ms: int
    end_ms: int
    won: bool
    survived: bool
    kills: int
    ended_by: str
    void: bool


class Duel(NamedTuple):
    player_id: str
    opponent_id: str
    kills: int
    deaths: int
    damage_dealt: int
    damage_taken: int
    first_kills: int
    first_deaths: int


class WeaponStats(NamedTuple):
    player_id: str
    weapon: str
    kills: int
    headshot_kills: int
    deaths_by: int  # deaths of this player to this weapon
    damage: int
    headshots: int
    bodyshots: int
    legshots: int
    hs_pct_hits: float | None
    damage_attributed: bool  # damage assigned by heuristic: the source has no weapon on damage
    secondary_fire_kills: int


class RoundSummary(NamedTuple):
    round_number: int
    winning_team_id: str | None
    result_code: str
    attacking_team_id: str | None
    side_inferred: bool
    pistol: bool
    overtime: bool
    duration_ms: int | None


class MatchStats(NamedTuple):
    match: Match
    preset: str
    stat_version: int
    rounds: tuple[RoundSummary, ...]
    round_players: tuple[RoundPlayerStats, ...]
    round_teams: tuple[RoundTeamStats, ...]
    players: tuple[MatchPlayerStats, ...]
    teams: tuple[TeamMatchStats, ...]
    sides: tuple[TeamSideStats, ...]
    periods: tuple[TeamPeriodStats, ...]
    clutches: tuple[Clutch, ...]
    duels: tuple[Duel, ...]
    weapons: tuple[WeaponStats, ...]
    side_conflicts: int
