"""Figures derived at read time from summed measures (STAT_DEFINITIONS.md), never stored.

Every figure is a ratio of two sums over the same matches, rounds or attempts, so it is
the same whether the sums come from one match, from daily rollups or from a period of
them. Integers are multiplied before they are divided, so two equal ratios of integers give
the same float exactly (leaderboard ties are real ties). A figure whose denominator is 0 is
None, never 0 or infinite; so is a figure whose inputs the sums do not hold (a side split
has no match count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

Sums = Mapping[str, int]
Figures = dict[str, float | int | None]

MILLI = 1000
MULTIKILL_MEASURES = ("multikill_2", "multikill_3", "multikill_4", "multikill_5", "multikill_6")


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator; None when the denominator is 0."""
    return None if denominator == 0 else numerator / denominator


def percent(numerator: int, denominator: int) -> float | None:
    """100 x numerator / denominator; None when the denominator is 0."""
    return None if denominator == 0 else 100 * numerator / denominator


def compute_acs(score: int, rounds_played: int) -> float | None:
    """Average combat score (§5.2): Σ per-round combat score / rounds played."""
    return ratio(score, rounds_played)


def compute_kast(kast_rounds: int, rounds_played: int) -> float | None:
    """KAST (§8): 100 x rounds with a kill, an assist, survival or a traded death / rounds
    played (each round counted once)."""
    return percent(kast_rounds, rounds_played)


def compute_adr(damage: int, rounds_played: int) -> float | None:
    """Average damage per round (§3): damage dealt to enemies / rounds played."""
    return ratio(damage, rounds_played)


def compute_kd(kills: int, deaths: int, rounds_played: int) -> float | None:
    """K/D (§2): kills / max(deaths, 1); None when no round was played (nothing to rate)."""
    return None if rounds_played == 0 else kills / max(deaths, 1)


def compute_kda(kills: int, assists: int, deaths: int, rounds_played: int) -> float | None:
    """KDA (§2): (kills + assists) / max(deaths, 1); None when no round was played."""
    return None if rounds_played == 0 else (kills + assists) / max(deaths, 1)


def compute_per_round(count: int, rounds_played: int) -> float | None:
    """A count per round played (§2 KPR, DPR, APR; §9 FKPR, FDPR)."""
    return ratio(count, rounds_played)


def compute_hs_pct_hits(headshots: int, bodyshots: int, legshots: int) -> float | None:
    """Headshot % by hits (§4.1, the Valorant convention): 100 x headshot hits / all hits on
    enemies. Daily rollups sum every hit; the per-match figure leaves out the preset's
    excluded weapons (none by default), so the two differ only under such a preset."""
    return percent(headshots, headshots + bodyshots + legshots)


def compute_hs_pct_kills(headshot_kills: int, hs_known_kills: int) -> float | None:
    """Headshot % by kills (§4.2, the CS convention): 100 x headshot kills / kills in
    matches whose source flags headshots on kills (Riot's does not: None for Valorant)."""
    return percent(headshot_kills, hs_known_kills)


def compute_opening_win_pct(first_kills: int, first_deaths: int) -> float | None:
    """Opening duel win % (§9): 100 x first kills / (first kills + first deaths)."""
    return percent(first_kills, first_kills + first_deaths)


def compute_clutch_win_pct(clutch_wins: int, clutch_attempts: int) -> float | None:
    """Clutch success % (§10.5): 100 x 1vX attempts won / attempts (void ones left out)."""
    return percent(clutch_wins, clutch_attempts)


def compute_win_pct(wins: int, played: int) -> float | None:
    """Win % : 100 x matches (or rounds, or picks) won / played."""
    return percent(wins, played)


def compute_survival_pct(survived_rounds: int, rounds_played: int) -> float | None:
    """Survival % (§2): 100 x rounds alive at the end / rounds played (not 1 - DPR, which
    revives can push below 0)."""
    return percent(survived_rounds, rounds_played)


def compute_rating_average(rating_milli: int, rated_matches: int) -> float | None:
    """The mean of the per-match ratings (§15): their sum in thousandths / 1000 / matches
    that had one. Each match weighs the same, as on the sites that average ratings."""
    return ratio(rating_milli, MILLI * rated_matches)


def compute_average_per_round(value: int, rounds: int) -> float | None:
    """An economy value (credits spent, loadout value) per round that has one."""
    return ratio(value, rounds)


def compute_damage_delta_per_round(
    damage: int, damage_received: int, rounds_played: int
) -> float | None:
    """Damage delta per round (§3, tracker.gg DDΔ): (dealt - received) / rounds played."""
    return ratio(damage - damage_received, rounds_played)


def compute_duel_kill_share(kills: int, deaths: int) -> float | None:
    """A head-to-head's kill share (§11): 100 x kills of the pair's player / kills either
    way."""
    return percent(kills, kills + deaths)


def compute_difference(plus: int, minus: int) -> int:
    """A net count: K - D (the "+/-" of §2), a duel's net kills (§11)."""
    return plus - minus


def compute_total(*counts: int) -> int:
    """A sum of counts (rounds with 2, 3, 4, 5 and 6+ kills: multi-kill rounds, §6)."""
    return sum(counts)


# A figure: how it is computed and from which sums, in the order ``compute`` takes them.
FigureRule = tuple[Callable[..., float | int | None], tuple[str, ...]]


def derive_figures(
    rules: Mapping[str, FigureRule], sums: Sums, names: Iterable[str] | None = None
) -> Figures:
    """The figures ``names`` (all of ``rules`` by default) of ``sums``; None for a figure
    whose inputs ``sums`` lacks (a side split has no match count)."""
    figures: Figures = {}
    for name in rules if names is None else names:
        compute, inputs = rules[name]
        try:
            values = [sums[measure] for measure in inputs]
        except KeyError:
            figures[name] = None
        else:
            figures[name] = compute(*values)
    return figures


_ROUNDS = "rounds_played"

# A player's figures from scoreline.rollups.specs.PLAYER_MEASURES (and rounds_won, which side
# splits have).
PLAYER_FIGURES: dict[str, FigureRule] = {
    "acs": (compute_acs, ("score", _ROUNDS)),
    "kast": (compute_kast, ("kast_rounds", _ROUNDS)),
    "adr": (compute_adr, ("damage", _ROUNDS)),
    "kd": (compute_kd, ("kills", "deaths", _ROUNDS)),
    "kda": (compute_kda, ("kills", "assists", "deaths", _ROUNDS)),
    "plus_minus": (compute_difference, ("kills", "deaths")),
    "kpr": (compute_per_round, ("kills", _ROUNDS)),
    "dpr": (compute_per_round, ("deaths", _ROUNDS)),
    "apr": (compute_per_round, ("assists", _ROUNDS)),
    "hs_pct_hits": (compute_hs_pct_hits, ("headshots", "bodyshots", "legshots")),
    "hs_pct_kills": (compute_hs_pct_kills, ("headshot_kills", "hs_known_kills")),
    "fk_per_round": (compute_per_round, ("first_kills", _ROUNDS)),
    "fd_per_round": (compute_per_round, ("first_deaths", _ROUNDS)),
    "opening_win_pct": (compute_opening_win_pct, ("first_kills", "first_deaths")),
    "clutch_win_pct": (compute_clutch_win_pct, ("clutch_wins", "clutch_attempts")),
    "win_pct": (compute_win_pct, ("wins", "matches")),
    "round_win_pct": (compute_win_pct, ("rounds_won", _ROUNDS)),
    "survival_pct": (compute_survival_pct, ("survived_rounds", _ROUNDS)),
    "multikills": (compute_total, MULTIKILL_MEASURES),
    "damage_delta_per_round": (
        compute_damage_delta_per_round,
        ("damage", "damage_received", _ROUNDS),
    ),
    "rating_v1": (compute_rating_average, ("rating_v1_milli", "rating_v1_matches")),
    "rating2": (compute_rating_average, ("rating2_milli", "rating2_matches")),
    "avg_loadout": (compute_average_per_round, ("loadout_value", "economy_rounds")),
    "avg_spent": (compute_average_per_round, ("spent", "economy_rounds")),
}

# A player's figures on one buy type (PLAYER_ECONOMY_MEASURES): every round of such a split
# has economy data, so loadout and spend average over its rounds played.
ECONOMY_FIGURES: dict[str, FigureRule] = {
    "round_win_pct": (compute_win_pct, ("rounds_won", _ROUNDS)),
    "acs": (compute_acs, ("score", _ROUNDS)),
    "adr": (compute_adr, ("damage", _ROUNDS)),
    "kd": (compute_kd, ("kills", "deaths", _ROUNDS)),
    "kpr": (compute_per_round, ("kills", _ROUNDS)),
    "avg_loadout": (compute_average_per_round, ("loadout_value", _ROUNDS)),
    "avg_spent": (compute_average_per_round, ("spent", _ROUNDS)),
}

# A player's figures with one weapon (rollup_player_weapon_day): per match the weapon was
# used in. Headshot % by kills is left out: Valorant kills carry no headshot flag.
WEAPON_FIGURES: dict[str, FigureRule] = {
    "hs_pct_hits": (compute_hs_pct_hits, ("headshots", "bodyshots", "legshots")),
    "kills_per_match": (ratio, ("kills", "matches")),
    "damage_per_match": (ratio, ("damage", "matches")),
    "damage_per_kill": (ratio, ("damage", "kills")),
}

# Figures of 1vX attempts (rollup_player_clutch_day).
CLUTCH_FIGURES: dict[str, FigureRule] = {
    "win_pct": (compute_win_pct, ("wins", "attempts")),
    "survival_pct": (compute_survival_pct, ("survived", "attempts")),
    "kills_per_attempt": (ratio, ("kills", "attempts")),
}

# A team's figures from TEAM_MEASURES (§14).
TEAM_FIGURES: dict[str, FigureRule] = {
    "win_pct": (compute_win_pct, ("wins", "matches")),
    "round_win_pct": (compute_win_pct, ("rounds_won", _ROUNDS)),
    "kd": (compute_kd, ("kills", "deaths", _ROUNDS)),
    "plus_minus": (compute_difference, ("kills", "deaths")),
    "kills_per_round": (compute_per_round, ("kills", _ROUNDS)),
    "damage_per_round": (compute_adr, ("damage", _ROUNDS)),
    # FK conversion: rounds won / rounds in which the team made the first kill.
    "fk_conversion_pct": (compute_win_pct, ("first_kill_rounds_won", "first_kill_rounds")),
    "pistol_win_pct": (compute_win_pct, ("pistols_won", "pistols_played")),
    # Post-plant: rounds won / rounds the team planted in.
    "post_plant_win_pct": (compute_win_pct, ("post_plant_won", "post_plant_rounds")),
    # Retake: rounds won by defusing / rounds the opponent planted in.
    "retake_win_pct": (compute_win_pct, ("retakes_won", "retake_rounds")),
    # Eco: rounds won on eco or semi-eco against a semi-buy or full buy / such rounds.
    "eco_win_pct": (compute_win_pct, ("eco_wins", "eco_rounds")),
    # Flawless: rounds won without a death, per round won.
    "flawless_pct": (compute_win_pct, ("flawless_rounds", "rounds_won")),
    "clutch_win_pct": (compute_clutch_win_pct, ("clutches_won", "clutches_attempted")),
}

# A team's players on one agent (rollup_team_agent_day): win % per pick, and the agent's
# players' ACS, ADR and K/D over their rounds.
TEAM_AGENT_FIGURES: dict[str, FigureRule] = {
    "win_pct": (compute_win_pct, ("wins", "picks")),
    "acs": (compute_acs, ("score", _ROUNDS)),
    "adr": (compute_adr, ("damage", _ROUNDS)),
    "kd": (compute_kd, ("kills", "deaths", _ROUNDS)),
}

# A composition's win % by matches and by rounds.
COMPOSITION_FIGURES: dict[str, FigureRule] = {
    "win_pct": (compute_win_pct, ("wins", "matches")),
    "round_win_pct": (compute_win_pct, ("rounds_won", _ROUNDS)),
}

# A head-to-head (rollup_player_duel_day, §11): kill share and net kills.
DUEL_FIGURES: dict[str, FigureRule] = {
    "kill_share_pct": (compute_duel_kill_share, ("kills", "deaths")),
    "net_kills": (compute_difference, ("kills", "deaths")),
}


def compute_player_figures(sums: Sums) -> Figures:
    return derive_figures(PLAYER_FIGURES, sums)


def compute_economy_figures(sums: Sums) -> Figures:
    return derive_figures(ECONOMY_FIGURES, sums)


def compute_weapon_figures(sums: Sums) -> Figures:
    return derive_figures(WEAPON_FIGURES, sums)


def compute_clutch_figures(sums: Sums) -> Figures:
    return derive_figures(CLUTCH_FIGURES, sums)


def compute_team_figures(sums: Sums) -> Figures:
    return derive_figures(TEAM_FIGURES, sums)


def compute_team_agent_figures(sums: Sums) -> Figures:
    return derive_figures(TEAM_AGENT_FIGURES, sums)


def compute_composition_figures(sums: Sums) -> Figures:
    return derive_figures(COMPOSITION_FIGURES, sums)


def compute_duel_figures(sums: Sums) -> Figures:
    return derive_figures(DUEL_FIGURES, sums)
