"""Per-round-player counters of one match as flat columns, and the round rows built from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, repeat
from operator import add

from scoreline.domain.rounds import Game, Match, PlayerRound, Side
from scoreline.stats.rounds.economy import BuyType, classify_buys
from scoreline.stats.rounds.results import RoundPlayerStats, RoundSummary
from scoreline.stats.rounds.rules import StatRules

ATTACK = Side.ATTACK.value
DEFENSE = Side.DEFENSE.value
PISTOL = BuyType.PISTOL.value
OVERTIME = BuyType.OVERTIME.value
# Stands for the record of a player without one in the round: every field None, so that
# reading a slot's record needs no None check (see PlayerRoundColumns.finish).
NO_RECORD = PlayerRound("")

# Rows are built with tuple.__new__ over zipped columns rather than RoundPlayerStats._make,
# a Python call per row (measured, 250 rows of 34 fields: 77 us against 116 us).
_new_round_player_row = partial(tuple.__new__, RoundPlayerStats)


def side_of(team: str | None, attacker: str | None) -> str | None:
    """The side of `team` in a round that `attacker` attacks; None where sides are unknown."""
    if attacker is None:
        return None
    return ATTACK if team == attacker else DEFENSE


def round_buy_type(summary: RoundSummary, game: Game) -> str | None:
    """The buy type every player and team has in this round, if any (§14): pistol, overtime."""
    if summary.pistol:
        return PISTOL
    if summary.overtime and game is Game.VALORANT:
        return OVERTIME
    return None


@dataclass(frozen=True, slots=True)
class Roster:
    """The match's players in row order (team, then id), each with a slot in every round.

    Slot `stranger`, the last of each round, gathers the events of ids that are not in
    match.players: those count in weapon rows (kept by id) and in no player's round row.
    """

    team_ids: tuple[str, str]  # sorted
    opponent_of: dict[str, str]
    team_of: dict[str, str]
    player_ids: list[str]
    index_of: dict[str | None, int]  # None (the killer of a world death) is never a key
    player_teams: list[str]  # by player index
    agents: list[str]  # by player index; "" where the game has none
    stranger: int  # = len(player_ids)
    stride: int  # slots per round = len(player_ids) + 1
    slot_teams: list[str | None]  # by slot in a round; None for the stranger slot
    is_enemy: list[bool]  # by pair code `attacker slot * stride + receiver slot`
    team_blocks: list[tuple[str, int, int]]  # (team, first index, end index): players sit together

    @classmethod
    def of(cls, match: Match, team_ids: tuple[str, str]) -> Roster:
        team_of = {p.player_id: p.team_id for p in match.players}
        agent_of = {p.player_id: p.agent for p in match.players}
        player_ids = sorted(team_of, key=lambda pid: (team_of[pid], pid))
        player_teams = [team_of[pid] for pid in player_ids]
        slot_teams: list[str | None] = [*player_teams, None]
        stride = len(slot_teams)
        is_enemy = [
            attacker is not None and receiver is not None and attacker != receiver
            for attacker in slot_teams
            for receiver in slot_teams
        ]
        index_of: dict[str | None, int] = {pid: i for i, pid in enumerate(player_ids)}
        blocks = []
        for team in team_ids:
            indexes = [i for i, t in enumerate(player_teams) if t == team]
            start = indexes[0] if indexes else 0
            blocks.append((team, start, start + len(indexes)))
        return cls(
            team_ids,
            {team_ids[0]: team_ids[1], team_ids[1]: team_ids[0]},
            team_of,
            player_ids,
            index_of,
            player_teams,
            [agent_of[pid] or "" for pid in player_ids],
            len(player_ids),
            stride,
            slot_teams,
            is_enemy,
            blocks,
        )


class PlayerRoundColumns:
    """Every player's counters in every round: one flat list per stat.

    The value of player index p in round index r is at `r * stride + p`. Counting touches
    one list item per event, and the rows are built at the end by zipping the columns: a
    tally object and a row per player-round took a quarter of the old engine's time
    (sampled with py-spy). Slots that no record or event touched stay zero and make no row.
    """

    __slots__ = (
        "assists",
        "bodyshots",
        "buy_type",
        "clutch_opponents",
        "clutch_won",
        "damage",
        "damage_received",
        "deaths",
        "defused",
        "duel_damage",
        "duel_first_kills",
        "duel_kills",
        "enemy_kills",
        "first_death",
        "first_kill",
        "headshot_kills",
        "headshots",
        "kast",
        "kills",
        "legshots",
        "loadout_value",
        "official_score",
        "planted",
        "played",
        "record",
        "remaining",
        "round_number",
        "score",
        "score_bonus",
        "score_formula",
        "side",
        "spent",
        "spike_deaths",
        "suicides",
        "survived",
        "team_kills",
        "touched",
        "trade_kills",
        "traded_deaths",
    )

    def __init__(self, rounds: int, stride: int) -> None:
        size = rounds * stride
        zeros = [0] * size
        falses = [False] * size
        self.touched = falses.copy()  # has a record or an event: the slot makes a row
        self.played = falses.copy()
        self.record: list[PlayerRound] = [NO_RECORD] * size  # the player's round record
        self.score_bonus = zeros.copy()  # combat score by formula, beyond damage (§5)
        self.kills = zeros.copy()
        self.deaths = zeros.copy()
        self.assists = zeros.copy()
        self.enemy_kills = zeros.copy()
        self.damage = zeros.copy()
        self.damage_received = zeros.copy()
        self.headshots = zeros.copy()
        self.bodyshots = zeros.copy()
        self.legshots = zeros.copy()
        self.headshot_kills = zeros.copy()
        self.first_kill = falses.copy()
        self.first_death = falses.copy()
        self.trade_kills = zeros.copy()
        self.traded_deaths = zeros.copy()
        self.survived = falses.copy()
        self.kast = falses.copy()
        self.team_kills = zeros.copy()
        self.suicides = zeros.copy()
        self.spike_deaths = zeros.copy()
        self.planted = falses.copy()
        self.defused = falses.copy()
        self.clutch_opponents = zeros.copy()
        self.clutch_won = falses.copy()
        # Set by finish(), from the summaries and the records.
        self.round_number: list[int] = []
        self.side: list[str | None] = []
        self.official_score: list[int | None] = []
        self.loadout_value: list[int | None] = []
        self.spent: list[int | None] = []
        self.remaining: list[int | None] = []
        self.buy_type: list[str | None] = []
        self.score_formula: list[int] = []
        self.score: list[int] = []
        # Match-wide, by pair code `player slot * stride + opponent slot`.
        pairs = stride * stride
        self.duel_kills = [0] * pairs
        self.duel_first_kills = [0] * pairs
        self.duel_damage = [0] * pairs

    def finish(
        self, roster: Roster, summaries: Sequence[RoundSummary], rules: StatRules, game: Game
    ) -> None:
        """Settle the columns that follow from the counts, the summaries and the records."""
        stride = roster.stride
        rounds = len(summaries)
        self.touched[roster.stranger :: stride] = [False] * rounds
        self.round_number = list(
            chain.from_iterable(repeat(s.round_number, stride) for s in summaries)
        )
        side_rows: dict[str | None, list[str | None]] = {}
        sides: list[str | None] = []
        for summary in summaries:
            attacker = summary.attacking_team_id
            row = side_rows.get(attacker)
            if row is None:
                row = side_rows[attacker] = [side_of(t, attacker) for t in roster.slot_teams]
            sides += row
        self.side = sides
        records = self.record
        # Comprehensions: attribute loads on slotted records measured faster than attrgetter.
        self.official_score = [record.score for record in records]
        self.loadout_value = [record.loadout_value for record in records]
        self.spent = [record.spent for record in records]
        self.remaining = [record.remaining for record in records]
        buy_types = classify_buys(self.loadout_value, rules.player_buy_thresholds)
        for index, summary in enumerate(summaries):
            shared = round_buy_type(summary, game)
            if shared is not None:
                buy_types[index * stride : (index + 1) * stride] = [shared] * stride
        self.buy_type = buy_types
        self.score_formula = formula = list(map(add, self.damage, self.score_bonus))
        # The publisher's own per-round score where the record has it, else the formula.
        self.score = [
            computed if official is None else official
            for computed, official in zip(formula, self.official_score, strict=True)
        ]

    def build_rows(self, roster: Roster) -> tuple[RoundPlayerStats, ...]:
        """The round rows in round order, then player order; after finish()."""
        rounds = len(self.touched) // roster.stride
        player_ids: list[str] = [*roster.player_ids, ""]
        teams: list[str] = [*roster.player_teams, ""]
        rows = zip(
            self.round_number,
            player_ids * rounds,
            teams * rounds,
            self.side,
            self.played,
            self.score,
            self.score_formula,
            self.kills,
            self.deaths,
            self.assists,
            self.enemy_kills,
            self.damage,
            self.damage_received,
            self.headshots,
            self.bodyshots,
            self.legshots,
            self.headshot_kills,
            self.first_kill,
            self.first_death,
            self.trade_kills,
            self.traded_deaths,
            self.survived,
            self.kast,
            self.team_kills,
            self.suicides,
            self.spike_deaths,
            self.planted,
            self.defused,
            self.clutch_opponents,
            self.clutch_won,
            self.loadout_value,
            self.spent,
            self.remaining,
            self.buy_type,
            strict=True,
        )
        return tuple(map(_new_round_player_row, compress(rows, self.touched)))
