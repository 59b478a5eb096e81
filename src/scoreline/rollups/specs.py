"""What each daily rollup is keyed by and sums: the one description the store, the rollup
writer, ``rollups verify`` and the read side all follow.

Every rollup row is keyed by (day, game, *keys) and holds sums and counts only, all
integers, so buckets merge by addition and a match's contribution can be subtracted exactly
(averages such as ACS or ADR are derived at read time, scoreline.rollups.derived). Ratings,
which are not integers, are summed in thousandths (``rating_v1_milli``) beside the number of
matches that had one. ``day`` is the match's start date in the deployment's timezone
(SCORELINE_TIMEZONE, UTC by default). A row whose ``count`` measure is zero holds nothing and
is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rollup:
    """One rollup table: ``name`` keyed by (day, game, *keys), summing ``measures``.

    ``integer_keys`` are the keys stored as integers (the rest are text, never NULL: an
    unknown agent is the empty string). ``count`` is the measure that is zero exactly when the
    bucket is empty.
    """

    name: str
    keys: tuple[str, ...]
    measures: tuple[str, ...]
    count: str
    integer_keys: tuple[str, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        return ("day", "game", *self.keys)


# A player's match line (scoreline.stats.rounds.results.MatchPlayerStats), summed.
# `wins` counts matches the player's team won; `hs_known_kills` counts enemy kills in matches
# whose source flags headshots on kills (the denominator of HS % by kills); multikill_N counts
# rounds with exactly N kills (multikill_6 is 6 or more).
PLAYER_MEASURES: tuple[str, ...] = (
    "matches",
    "wins",
    "rounds_played",
    "attack_rounds",
    "defense_rounds",
    "kills",
    "deaths",
    "assists",
    "score",
    "kast_rounds",
    "damage",
    "damage_received",
    "headshots",
    "bodyshots",
    "legshots",
    "headshot_kills",
    "hs_known_kills",
    "first_kills",
    "first_deaths",
    "entry_kills",
    "multikill_2",
    "multikill_3",
    "multikill_4",
    "multikill_5",
    "multikill_6",
    "clutch_attempts",
    "clutch_wins",
    "clutch_kills",
    "trade_kills",
    "traded_deaths",
    "survived_rounds",
    "team_kills",
    "suicides",
    "plants",
    "defuses",
    "spent",
    "loadout_value",
    "economy_rounds",
    "rating_v1_milli",
    "rating_v1_matches",
    "rating2_milli",
    "rating2_matches",
)

# A player's rounds on one side (RoundPlayerStats rows with played = true), summed.
PLAYER_SIDE_MEASURES: tuple[str, ...] = (
    "rounds_played",
    "rounds_won",
    "kills",
    "deaths",
    "assists",
    "score",
    "kast_rounds",
    "damage",
    "damage_received",
    "headshots",
    "bodyshots",
    "legshots",
    "headshot_kills",
    "first_kills",
    "first_deaths",
    "trade_kills",
    "traded_deaths",
    "survived_rounds",
    "plants",
    "defuses",
    "clutch_attempts",
    "clutch_wins",
)

# The PLAYER_SIDE_MEASURES that count a true flag of RoundPlayerStats, by the flag's field
# (the other side measures sum the field of the same name).
ROUND_FLAG_MEASURES: dict[str, str] = {
    "kast_rounds": "kast",
    "first_kills": "first_kill",
    "first_deaths": "first_death",
    "survived_rounds": "survived",
    "plants": "planted",
    "defuses": "defused",
    "clutch_wins": "clutch_won",
}

# A player's rounds of one buy type (RoundPlayerStats rows with a buy type), summed.
PLAYER_ECONOMY_MEASURES: tuple[str, ...] = (
    "rounds_played",
    "rounds_won",
    "kills",
    "deaths",
    "score",
    "damage",
    "spent",
    "loadout_value",
)

# A team's match line (TeamMatchStats), summed; `wins` counts won matches.
TEAM_MEASURES: tuple[str, ...] = (
    "matches",
    "wins",
    "rounds_played",
    "rounds_won",
    "kills",
    "deaths",
    "assists",
    "damage",
    "first_kill_rounds",
    "first_kill_rounds_won",
    "pistols_played",
    "pistols_won",
    "plants",
    "defuses",
    "post_plant_rounds",
    "post_plant_won",
    "retake_rounds",
    "retakes_won",
    "eco_rounds",
    "eco_wins",
    "flawless_rounds",
    "clutches_attempted",
    "clutches_won",
    "trade_kills",
)

ROLLUPS: tuple[Rollup, ...] = (
    Rollup("rollup_player_day", ("player_id",), PLAYER_MEASURES, "matches"),
    Rollup("rollup_player_map_day", ("player_id", "map_name"), PLAYER_MEASURES, "matches"),
    Rollup("rollup_player_agent_day", ("player_id", "agent"), PLAYER_MEASURES, "matches"),
    Rollup(
        "rollup_player_weapon_day",
        ("player_id", "weapon"),
        (
            "matches",
            "kills",
            "headshot_kills",
            "deaths_by",
            "damage",
            "headshots",
            "bodyshots",
            "legshots",
            "secondary_fire_kills",
        ),
        "matches",
    ),
    Rollup("rollup_player_side_day", ("player_id", "side"), PLAYER_SIDE_MEASURES, "rounds_played"),
    Rollup(
        "rollup_player_economy_day",
        ("player_id", "buy_type"),
        PLAYER_ECONOMY_MEASURES,
        "rounds_played",
    ),
    # Counted (non-void) clutch attempts by the number of opponents, the X of 1vX.
    Rollup(
        "rollup_player_clutch_day",
        ("player_id", "opponents"),
        ("attempts", "wins", "kills", "survived"),
        "attempts",
        integer_keys=("opponents",),
    ),
    # Both directions are stored: (a, b) and (b, a) each sum the pair from one side.
    Rollup(
        "rollup_player_duel_day",
        ("player_id", "opponent_id"),
        (
            "matches",
            "kills",
            "deaths",
            "damage_dealt",
            "damage_taken",
            "first_kills",
            "first_deaths",
        ),
        "matches",
    ),
    Rollup("rollup_team_day", ("team_id",), TEAM_MEASURES, "matches"),
    Rollup("rollup_team_map_day", ("team_id", "map_name"), TEAM_MEASURES, "matches"),
    # A team's players by agent: `picks` counts player-matches on the agent.
    Rollup(
        "rollup_team_agent_day",
        ("team_id", "agent"),
        ("picks", "wins", "rounds_played", "kills", "deaths", "score", "damage"),
        "picks",
    ),
    # outcome is "win", "loss" or "draw" (no team won the match).
    Rollup("rollup_team_outcome_day", ("team_id", "outcome"), TEAM_MEASURES, "matches"),
    # composition: the team's agents in the match, sorted and joined by ","; matches where
    # any player's agent is unknown (CS2) have none.
    Rollup(
        "rollup_composition_map_day",
        ("composition", "map_name"),
        ("matches", "wins", "rounds_played", "rounds_won"),
        "matches",
    ),
    Rollup(
        "rollup_composition_economy_day",
        ("composition", "buy_type"),
        ("rounds_played", "rounds_won"),
        "rounds_played",
    ),
)

ROLLUPS_BY_NAME: dict[str, Rollup] = {rollup.name: rollup for rollup in ROLLUPS}
