"""What one match adds to every daily rollup (scoreline.rollups.specs), and net changes.

A contribution maps each rollup's name to its rows, ``{(day, game, *keys): measures}``,
measures in the spec's order, all integers. Rows of one match that share a key are summed
(two players of a team on one agent, both teams on one composition).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from scoreline.stats.rounds.results import (
    Clutch,
    Duel,
    MatchPlayerStats,
    MatchStats,
    RoundPlayerStats,
    RoundTeamStats,
    TeamMatchStats,
    WeaponStats,
)

RollupKey = tuple[date | str | int, ...]
Measures = tuple[int, ...]
RollupRows = dict[RollupKey, Measures]
Contribution = dict[str, RollupRows]

# How an unknown agent is keyed (specs: text keys are never NULL).
UNKNOWN_AGENT = ""
# Joins a composition's sorted agents (the separator of the aggregate tables' joined text).
COMPOSITION_SEPARATOR = ","
# Ratings are summed in thousandths.
RATING_MILLI_PER_POINT = 1000


@dataclass(frozen=True, slots=True)
class MatchFacts:
    """What a match contributes from: the day it counts on, its game and map, and the
    result rows of its stats (as computed, or as read back from the aggregate tables)."""

    day: date
    game: str
    map_name: str
    players: Sequence[MatchPlayerStats]
    teams: Sequence[TeamMatchStats]
    round_players: Sequence[RoundPlayerStats]
    round_teams: Sequence[RoundTeamStats]
    clutches: Sequence[Clutch]
    duels: Sequence[Duel]
    weapons: Sequence[WeaponStats]

    @classmethod
    def from_stats(cls, stats: MatchStats, day: date, *, map_name: str | None = None) -> MatchFacts:
        """The facts of freshly computed ``stats``; ``map_name`` overrides the match's."""
        match = stats.match
        return cls(
            day,
            match.game.value,
            match.map_name if map_name is None else map_name,
            stats.players,
            stats.teams,
            stats.round_players,
            stats.round_teams,
            stats.clutches,
            stats.duels,
            stats.weapons,
        )


def compute_contributions(facts: MatchFacts) -> Contribution:
    """Every rollup row the match adds, by rollup name; rollups it adds nothing to are absent.

    Player lines come from MatchPlayerStats (``wins`` from the team's TeamMatchStats.won,
    ``hs_known_kills`` the player's enemy kills where the source flags headshots on kills,
    ratings in thousandths beside the count of rated matches); side and economy lines from
    the RoundPlayerStats rows with ``played`` (``rounds_won`` from the team's round);
    clutches from the non-void attempts; a team's composition is its players' agents,
    sorted and joined by ",", and the match has none for the team when an agent is unknown.
    """
    contribution: Contribution = {}
    enemy_kills = _add_round_lines(contribution, facts)
    _add_player_lines(contribution, facts, enemy_kills)
    _add_pair_lines(contribution, facts)
    _add_team_lines(contribution, facts)
    return {name: rows for name, rows in contribution.items() if rows}


def _add_round_lines(contribution: Contribution, facts: MatchFacts) -> dict[str, int]:
    """The side and economy rollups; returns each player's enemy kills over all rounds."""
    day, game = facts.day, facts.game
    round_won = {(row.round_number, row.team_id): row.won for row in facts.round_teams}
    enemy_kills: defaultdict[str, int] = defaultdict(int)
    by_side: defaultdict[RollupKey, _RoundGroup] = defaultdict(_RoundGroup)
    by_buy: defaultdict[RollupKey, _RoundGroup] = defaultdict(_RoundGroup)
    for row in facts.round_players:
        enemy_kills[row.player_id] += row.enemy_kills
        if not row.played:
            continue
        won = round_won.get((row.round_number, row.team_id), False)
        if row.side is not None:
            by_side[(day, game, row.player_id, row.side)].add(row, won)
        if row.buy_type is not None:
            by_buy[(day, game, row.player_id, row.buy_type)].add(row, won)
    contribution["rollup_player_side_day"] = {
        key: group.side_line() for key, group in by_side.items()
    }
    contribution["rollup_player_economy_day"] = {
        key: group.economy_line() for key, group in by_buy.items()
    }
    return enemy_kills


def _add_player_lines(
    contribution: Contribution, facts: MatchFacts, enemy_kills: Mapping[str, int]
) -> None:
    """The rollups of a player's match line, and the team x agent picks."""
    day, game, map_name = facts.day, facts.game, facts.map_name
    team_won = {team.team_id: team.won for team in facts.teams}
    player_day = contribution["rollup_player_day"] = {}
    player_map = contribution["rollup_player_map_day"] = {}
    player_agent = contribution["rollup_player_agent_day"] = {}
    team_agent = contribution["rollup_team_agent_day"] = {}
    for player in facts.players:
        player_id, team_id = player.player_id, player.team_id
        won = team_won.get(team_id, False)
        line = _player_line(player, won, enemy_kills.get(player_id, 0))
        agent = UNKNOWN_AGENT if player.agent is None else player.agent
        _put(player_day, (day, game, player_id), line)
        _put(player_map, (day, game, player_id, map_name), line)
        _put(player_agent, (day, game, player_id, agent), line)
        _put(
            team_agent,
            (day, game, team_id, agent),
            (
                1,  # picks
                int(won),
                player.rounds_played,
                player.kills,
                player.deaths,
                player.score,
                player.damage,
            ),
        )


def _add_pair_lines(contribution: Contribution, facts: MatchFacts) -> None:
    """The rollups keyed by a player and a second key: weapons, clutches, duels."""
    day, game = facts.day, facts.game
    weapons = contribution["rollup_player_weapon_day"] = {}
    for weapon in facts.weapons:
        _put(
            weapons,
            (day, game, weapon.player_id, weapon.weapon),
            (
                1,  # matches
                weapon.kills,
                weapon.headshot_kills,
                weapon.deaths_by,
                weapon.damage,
                weapon.headshots,
                weapon.bodyshots,
                weapon.legshots,
                weapon.secondary_fire_kills,
            ),
        )
    clutches = contribution["rollup_player_clutch_day"] = {}
    for clutch in facts.clutches:
        if not clutch.void:
            _put(
                clutches,
                (day, game, clutch.player_id, clutch.opponents),
                (1, int(clutch.won), clutch.kills, int(clutch.survived)),
            )
    duels = contribution["rollup_player_duel_day"] = {}
    for duel in facts.duels:
        _put(
            duels,
            (day, game, duel.player_id, duel.opponent_id),
            (
                1,  # matches
                duel.kills,
                duel.deaths,
                duel.damage_dealt,
                duel.damage_taken,
                duel.first_kills,
                duel.first_deaths,
            ),
        )


def _add_team_lines(contribution: Contribution, facts: MatchFacts) -> None:
    """The rollups of a team's match line and of its composition."""
    day, game, map_name = facts.day, facts.game, facts.map_name
    agents_by_team: defaultdict[str, list[str | None]] = defaultdict(list)
    for player in facts.players:
        agents_by_team[player.team_id].append(player.agent)
    outcomes = team_outcomes({team.team_id: team.won for team in facts.teams})
    team_day = contribution["rollup_team_day"] = {}
    team_map = contribution["rollup_team_map_day"] = {}
    team_outcome = contribution["rollup_team_outcome_day"] = {}
    composition_map = contribution["rollup_composition_map_day"] = {}
    compositions: dict[str, str] = {}
    for team in facts.teams:
        team_id = team.team_id
        line = _team_line(team)
        _put(team_day, (day, game, team_id), line)
        _put(team_map, (day, game, team_id, map_name), line)
        _put(team_outcome, (day, game, team_id, outcomes[team_id]), line)
        composition = team_composition(agents_by_team.get(team_id, ()))
        if composition is not None:
            compositions[team_id] = composition
            _put(
                composition_map,
                (day, game, composition, map_name),
                (1, int(team.won), team.rounds_played, team.rounds_won),
            )
    composition_economy = contribution["rollup_composition_economy_day"] = {}
    for row in facts.round_teams:
        composition = compositions.get(row.team_id)
        if composition is not None and row.buy_type is not None:
            _put(composition_economy, (day, game, composition, row.buy_type), (1, int(row.won)))


def net_change(new: Contribution, previous: Contribution) -> Contribution:
    """``new - previous``, row by row, with rows whose every measure is unchanged left out:
    what the rollup tables need added when a match's contribution is replaced."""
    change: Contribution = {}
    for name in new.keys() | previous.keys():
        added, removed = new.get(name, {}), previous.get(name, {})
        rows: RollupRows = {}
        for key, measures in added.items():
            before = removed.get(key)
            if before is None:
                rows[key] = measures
            elif measures != before:
                rows[key] = tuple(a - b for a, b in zip(measures, before, strict=True))
        for key, before in removed.items():
            if key not in added:
                rows[key] = tuple(-value for value in before)
        if rows:
            change[name] = rows
    return change


def negate(contribution: Contribution) -> Contribution:
    """What removes ``contribution`` from the rollups (a deleted match)."""
    return net_change({}, contribution)


def add_into(totals: Contribution, contribution: Contribution) -> None:
    """Add ``contribution`` to ``totals`` in place (rebuilding rollups from many matches)."""
    for name, rows in contribution.items():
        target = totals.setdefault(name, {})
        for key, measures in rows.items():
            before = target.get(key)
            target[key] = (
                measures
                if before is None
                else tuple(a + b for a, b in zip(before, measures, strict=True))
            )


def _put(rows: RollupRows, key: RollupKey, line: Measures) -> None:
    before = rows.get(key)
    rows[key] = line if before is None else tuple(a + b for a, b in zip(before, line, strict=True))


_ROUND_FIELDS = RoundPlayerStats._fields
# RoundPlayerStats fields summed as they are into PLAYER_SIDE_MEASURES, from `kills` to
# `defuses` (booleans count 1 each).
_SIDE_SUMMED = tuple(
    _ROUND_FIELDS.index(name)
    for name in (
        "kills",
        "deaths",
        "assists",
        "score",
        "kast",
        "damage",
        "damage_received",
        "headshots",
        "bodyshots",
        "legshots",
        "headshot_kills",
        "first_kill",
        "first_death",
        "trade_kills",
        "traded_deaths",
        "survived",
        "planted",
        "defused",
    )
)
_ECONOMY_SUMMED = tuple(
    _ROUND_FIELDS.index(name) for name in ("kills", "deaths", "score", "damage")
)
_CLUTCH_OPPONENTS = _ROUND_FIELDS.index("clutch_opponents")
_CLUTCH_WON = _ROUND_FIELDS.index("clutch_won")
_SPENT = _ROUND_FIELDS.index("spent")
_LOADOUT_VALUE = _ROUND_FIELDS.index("loadout_value")


class _RoundGroup:
    """The played round rows of one player under one key (a side or a buy type), summed
    column by column at the end: a dozen rows per key, so one zip beats a tuple per row."""

    __slots__ = ("rows", "won")

    def __init__(self) -> None:
        self.rows: list[RoundPlayerStats] = []
        self.won = 0

    def add(self, row: RoundPlayerStats, won: bool) -> None:
        self.rows.append(row)
        self.won += won

    def side_line(self) -> Measures:
        """The rounds in the order of specs.PLAYER_SIDE_MEASURES."""
        columns = list(zip(*self.rows, strict=True))
        return (
            len(self.rows),  # rounds_played
            self.won,
            *(sum(columns[index]) for index in _SIDE_SUMMED),
            # clutch_attempts: only a counted attempt sets the number of opponents.
            sum(opponents > 0 for opponents in columns[_CLUTCH_OPPONENTS]),
            sum(columns[_CLUTCH_WON]),
        )

    def economy_line(self) -> Measures:
        """The rounds in the order of specs.PLAYER_ECONOMY_MEASURES (no data counts 0)."""
        columns = list(zip(*self.rows, strict=True))
        return (
            len(self.rows),  # rounds_played
            self.won,
            *(sum(columns[index]) for index in _ECONOMY_SUMMED),
            sum(filter(None, columns[_SPENT])),
            sum(filter(None, columns[_LOADOUT_VALUE])),
        )


def _player_line(player: MatchPlayerStats, won: bool, enemy_kills: int) -> Measures:
    """The player's match in the order of specs.PLAYER_MEASURES."""
    flagged = player.hs_pct_kills is not None
    return (
        1,  # matches
        int(won),
        player.rounds_played,
        player.attack_rounds,
        player.defense_rounds,
        player.kills,
        player.deaths,
        player.assists,
        player.score,
        player.kast_rounds,
        player.damage,
        player.damage_received,
        player.headshots,
        player.bodyshots,
        player.legshots,
        player.headshot_kills,
        # HS % by kills divides by enemy kills (stats.rounds.totals), and only where the
        # source flags headshots on kills; hs_pct_kills is None exactly when it cannot.
        enemy_kills if flagged else 0,  # hs_known_kills
        player.first_kills,
        player.first_deaths,
        player.entry_kills,
        *player.multikills,
        player.clutches_attempted,
        player.clutches_won,
        player.clutch_kills,
        player.trade_kills,
        player.traded_deaths,
        player.survived_rounds,
        player.team_kills,
        player.suicides,
        player.plants,
        player.defuses,
        player.spent,
        player.loadout_value,
        player.economy_rounds,
        *_rating(player.rating_v1),
        *_rating(player.rating2_approx),
    )


def _rating(rating: float | None) -> tuple[int, int]:
    """(thousandths, rated matches) of one match's rating, the thousandths rounded half up:
    floor(x * 1000 + 0.5) is the same IEEE arithmetic in Python and in both SQL dialects,
    which ``rollups verify`` recomputes it in."""
    if rating is None:
        return 0, 0
    return math.floor(rating * RATING_MILLI_PER_POINT + 0.5), 1


def _team_line(team: TeamMatchStats) -> Measures:
    """The team's match in the order of specs.TEAM_MEASURES."""
    return (
        1,  # matches
        int(team.won),
        team.rounds_played,
        team.rounds_won,
        team.kills,
        team.deaths,
        team.assists,
        team.damage,
        team.first_kill_rounds,
        team.first_kill_rounds_won,
        team.pistols_played,
        team.pistols_won,
        team.plants,
        team.defuses,
        team.post_plant_rounds,
        team.post_plant_won,
        team.retake_rounds,
        team.retakes_won,
        team.eco_rounds,
        team.eco_wins,
        team.flawless_rounds,
        team.clutches_attempted,
        team.clutches_won,
        team.trade_kills,
    )


def team_outcomes(won_by_team: Mapping[str, bool]) -> dict[str, str]:
    """Each team's outcome in a match: "win", "loss", or "draw" when no team won it."""
    decided = any(won_by_team.values())
    return {
        team_id: ("win" if won else "loss") if decided else "draw"
        for team_id, won in won_by_team.items()
    }


def team_composition(agents: Sequence[str | None]) -> str | None:
    """A team's agents in a match, sorted and joined by ","; None when one is unknown."""
    if not agents or any(agent is None for agent in agents):
        return None
    return COMPOSITION_SEPARATOR.join(sorted(agent for agent in agents if agent is not None))
