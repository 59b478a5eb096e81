"""Each team's stats per round (STAT_DEFINITIONS §14), summed from its players' round stats."""

from __future__ import annotations

from itertools import compress

from scoreline.domain.rounds import Game
from scoreline.stats.rounds.columns import PlayerRoundColumns, Roster, round_buy_type, side_of
from scoreline.stats.rounds.economy import classify_buy
from scoreline.stats.rounds.results import RoundSummary, RoundTeamStats
from scoreline.stats.rounds.rules import StatRules


class TeamRoundRows:
    """Builds both teams' row of each round as the round is counted.

    Kills and damage are the enemy kills and damage of the team's players; deaths are every
    death of its players; the team first-killed, planted or defused if one of its players did.
    Players, survivors, loadout and composition count the players with a round record. The
    players of a team sit together in a round's slots, so each sum is over one short slice.
    """

    def __init__(self, roster: Roster, columns: PlayerRoundColumns, rules: StatRules) -> None:
        self.roster = roster
        self.columns = columns
        self.thresholds = rules.team_buy_thresholds
        self.rows: list[RoundTeamStats] = []
        self.buy_of: dict[int, str] = {}  # loadout value -> buy type, for the match
        # By team and who played: the sorted agents, as rosters rarely change within a match.
        self.compositions: dict[tuple[str, tuple[bool, ...]], tuple[str, ...]] = {}

    def add_round(
        self, base: int, summary: RoundSummary, game: Game, deaths_by_team: tuple[int, int]
    ) -> None:
        """The two rows of the round whose slots start at `base`, once it is fully counted."""
        columns = self.columns
        roster = self.roster
        shared_buy = round_buy_type(summary, game)
        attacker = summary.attacking_team_id
        winner = summary.winning_team_id
        for (team, start, end), deaths in zip(roster.team_blocks, deaths_by_team, strict=True):
            low = base + start
            high = base + end
            played = columns.played[low:high]
            loadouts = [
                record.loadout_value
                for record in columns.record[low:high]  # no record: a NO_RECORD, all None
                if record.loadout_value is not None
            ]
            loadout = sum(loadouts) if loadouts else None
            self.rows.append(
                RoundTeamStats(
                    summary.round_number,
                    team,
                    side_of(team, attacker),
                    winner == team,
                    played.count(True),
                    sum(compress(columns.survived[low:high], played)),
                    sum(columns.enemy_kills[low:high]),
                    deaths,
                    sum(columns.damage[low:high]),
                    True in columns.first_kill[low:high],
                    True in columns.planted[low:high],
                    True in columns.defused[low:high],
                    loadout,
                    shared_buy or self._buy_type(loadout),
                    self._composition(team, start, end, played),
                )
            )

    def _buy_type(self, loadout: int | None) -> str | None:
        if loadout is None:
            return None
        buy = self.buy_of.get(loadout)
        if buy is None:
            buy = self.buy_of[loadout] = classify_buy(loadout, self.thresholds).value
        return buy

    def _composition(self, team: str, start: int, end: int, played: list[bool]) -> tuple[str, ...]:
        key = (team, tuple(played))
        agents = self.compositions.get(key)
        if agents is None:
            present = compress(self.roster.agents[start:end], played)
            agents = self.compositions[key] = tuple(sorted(present))
        return agents
