"""Match totals of players, teams, sides and periods (STAT_DEFINITIONS §2-§14, §11)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress

from scoreline.domain.rounds import Match, Player
from scoreline.stats.rounds.columns import ATTACK, DEFENSE, PISTOL, PlayerRoundColumns, Roster
from scoreline.stats.rounds.economy import HIGH_BUYS, LOW_BUYS
from scoreline.stats.rounds.ratings import compute_rating2_approx, compute_rating_v1
from scoreline.stats.rounds.results import (
    Clutch,
    Duel,
    MatchPlayerStats,
    RoundSummary,
    RoundTeamStats,
    TeamMatchStats,
    TeamPeriodStats,
    TeamSideStats,
)
from scoreline.stats.rounds.rules import StatRules
from scoreline.stats.rounds.weapons import HitCounts

MULTIKILL_BUCKETS = 5  # 2K, 3K, 4K, 5K, 6K+ (a revived enemy can die twice: §6.1)
CLUTCH_BUCKETS = 5  # 1v1 .. 1v5
PERIODS = ("first_half", "second_half", "overtime")

# Stand-in for a missing opponent row: every flag false, so "the opponent did X" is false.
_NO_ROW = RoundTeamStats(-1, "", None, False, 0, 0, 0, 0, 0, False, False, False, None, None, ())


class _PlayerClutches:
    __slots__ = ("attempts", "kills", "wins")

    def __init__(self) -> None:
        self.attempts = [0] * CLUTCH_BUCKETS
        self.wins = [0] * CLUTCH_BUCKETS
        self.kills = 0


def compute_player_totals(
    match: Match,
    rules: StatRules,
    roster: Roster,
    columns: PlayerRoundColumns,
    clutch_rows: Sequence[Clutch],
    chain_buckets: Sequence[Sequence[int]],
    has_headshot_flags: bool,
    hits: dict[str, HitCounts],
) -> tuple[MatchPlayerStats, ...]:
    """Each player's match row: sums over their round rows, rates over the rounds played.

    Clutch counts leave out void attempts (§10). HS% over kills needs headshot flags on the
    source's kills (§4), HS% over hits leaves out the excluded weapons.
    """
    clutches: dict[str, _PlayerClutches] = {}
    for clutch in clutch_rows:
        if not clutch.void:
            found = clutches.get(clutch.player_id)
            if found is None:
                found = clutches[clutch.player_id] = _PlayerClutches()
            _bucket(found.attempts, clutch.opponents, 1)
            if clutch.won:
                _bucket(found.wins, clutch.opponents, 1)
            found.kills += clutch.kills
    sums = _PlayerSums(roster, columns)
    by_id = {p.player_id: p for p in match.players}
    no_clutches = _PlayerClutches()
    no_hits = HitCounts(0, 0, 0, 0, 0)
    return tuple(
        _compute_player_total(
            rules,
            columns,
            sums,
            index,
            roster.stride,
            by_id[player_id],
            clutches.get(player_id, no_clutches),
            chain_buckets[index],
            has_headshot_flags,
            hits.get(player_id, no_hits),
        )
        for index, player_id in enumerate(roster.player_ids)
    )


class _PlayerSums:
    """Every player's sum of each summed column, found column by column.

    Damage, kills and first kills come from the duel matrices (a player's damage is the sum
    of their duels'), which are short rows; a column of zeros (suicides, most matches) is
    found with one C-level count.
    """

    __slots__ = (
        "assists",
        "damage",
        "damage_received",
        "deaths",
        "defused",
        "first_deaths",
        "first_kills",
        "headshot_kills",
        "kills",
        "planted",
        "score",
        "spike_deaths",
        "suicides",
        "team_kills",
        "trade_kills",
        "traded_deaths",
    )

    def __init__(self, roster: Roster, columns: PlayerRoundColumns) -> None:
        step = roster.stride
        players = range(len(roster.player_ids))
        duel_damage = columns.duel_damage
        duel_first_kills = columns.duel_first_kills
        self.kills = [sum(columns.kills[p::step]) for p in players]
        self.deaths = [sum(columns.deaths[p::step]) for p in players]
        self.assists = [sum(columns.assists[p::step]) for p in players]
        self.score = [sum(columns.score[p::step]) for p in players]
        self.damage = [sum(duel_damage[p * step : (p + 1) * step]) for p in players]
        self.damage_received = [sum(duel_damage[p::step]) for p in players]
        self.first_kills = [sum(duel_first_kills[p * step : (p + 1) * step]) for p in players]
        self.first_deaths = [sum(duel_first_kills[p::step]) for p in players]
        self.headshot_kills = _sum_by_player(columns.headshot_kills, step, players)
        self.trade_kills = _sum_by_player(columns.trade_kills, step, players)
        self.traded_deaths = _sum_by_player(columns.traded_deaths, step, players)
        self.team_kills = _sum_by_player(columns.team_kills, step, players)
        self.suicides = _sum_by_player(columns.suicides, step, players)
        self.spike_deaths = _sum_by_player(columns.spike_deaths, step, players)
        self.planted = _count_by_player(columns.planted, step, players)
        self.defused = _count_by_player(columns.defused, step, players)


def _sum_by_player(column: list[int], step: int, players: range) -> list[int]:
    if column.count(0) == len(column):  # identity checks against the small-int 0: fast
        return [0] * len(players)
    return [sum(column[p::step]) for p in players]


def _count_by_player(column: list[bool], step: int, players: range) -> list[int]:
    if column.count(False) == len(column):
        return [0] * len(players)
    return [sum(column[p::step]) for p in players]


def _compute_player_total(
    rules: StatRules,
    columns: PlayerRoundColumns,
    sums: _PlayerSums,
    index: int,
    step: int,
    player: Player,
    clutches: _PlayerClutches,
    chains: Sequence[int],
    has_headshot_flags: bool,
    hits: HitCounts,
) -> MatchPlayerStats:
    """One player's totals. Their value in round r is at `r * step + index` of each column,
    so their column is the slice `[index::step]`; slots without a row hold zeros.
    """
    played = columns.played[index::step]
    rounds_played = sum(played)
    kills = sums.kills[index]
    deaths = sums.deaths[index]
    assists = sums.assists[index]
    damage = sums.damage[index]
    score = sums.score[index]
    kill_counts = columns.enemy_kills[index::step]
    enemy_kills = sum(kill_counts)
    headshot_kills = sums.headshot_kills[index]
    first_kills = sums.first_kills[index]
    first_deaths = sums.first_deaths[index]
    kast_rounds = sum(compress(columns.kast[index::step], played))
    sides = columns.side[index::step]
    sides_played = list(compress(sides, played))
    loadouts_played = list(compress(columns.loadout_value[index::step], played))
    kill_rounds = _count_kill_rounds(kill_counts, sum(columns.touched[index::step]))
    kpr = _ratio(kills, rounds_played)
    dpr = _ratio(deaths, rounds_played)
    apr = _ratio(assists, rounds_played)
    adr = _ratio(damage, rounds_played)
    kast = _percent(kast_rounds, rounds_played)
    rated = rules.ratings and rounds_played > 0
    # Positional: a 49-field NamedTuple measured 3.4 us with keywords, 0.6 us without.
    return MatchPlayerStats(
        player.player_id,
        player.name,
        player.team_id,
        player.agent,
        rounds_played,
        sides_played.count(ATTACK),  # attack_rounds
        sides_played.count(DEFENSE),  # defense_rounds
        kills,
        deaths,
        assists,
        score,
        _ratio(score, rounds_played),  # acs
        kills / max(deaths, 1),  # kd
        (kills + assists) / max(deaths, 1),  # kda
        kills - deaths,  # plus_minus
        kpr,
        dpr,
        apr,
        kast_rounds,
        kast,
        damage,
        sums.damage_received[index],
        adr,
        hits.headshots,
        hits.bodyshots,
        hits.legshots,
        _percent(hits.eligible_headshots, hits.eligible_hits),  # hs_pct_hits
        headshot_kills,
        _percent(headshot_kills, enemy_kills) if has_headshot_flags else None,  # hs_pct_kills
        first_kills,
        first_deaths,
        _percent(first_kills, first_kills + first_deaths),  # opening_win_pct
        list(compress(sides, columns.first_kill[index::step])).count(ATTACK),  # entry_kills
        _five(kill_rounds[2:]),  # multikills
        _five(chains),
        _five(clutches.attempts),
        _five(clutches.wins),
        clutches.kills,
        sums.trade_kills[index],
        sums.traded_deaths[index],
        sum(compress(columns.survived[index::step], played)),  # survived_rounds
        sums.team_kills[index],
        sums.suicides[index],
        sums.spike_deaths[index],
        sums.planted[index],  # plants
        sums.defused[index],  # defuses
        sum(filter(None, compress(columns.spent[index::step], played))),  # spent
        sum(filter(None, loadouts_played)),  # loadout_value
        len(loadouts_played) - loadouts_played.count(None),  # economy_rounds
        compute_rating_v1(kills, deaths, rounds_played, kill_rounds) if rated else None,
        (
            compute_rating2_approx(kast or 0.0, kpr or 0.0, dpr or 0.0, apr or 0.0, adr or 0.0)
            if rated
            else None
        ),
    )


def _count_kill_rounds(kill_counts: list[int], rows: int) -> list[int]:
    """Round rows with exactly n enemy kills, n = 0..5, then 6+.

    `kill_counts` also holds the rounds without a row (zero kills): `rows` leaves them out.
    """
    counts = [kill_counts.count(n) for n in range(6)]
    counts.append(len(kill_counts) - sum(counts))
    counts[0] -= len(kill_counts) - rows
    return counts


def compute_team_totals(
    match: Match,
    roster: Roster,
    team_rows: Sequence[RoundTeamStats],
    players: tuple[MatchPlayerStats, ...],
    clutch_rows: Sequence[Clutch],
) -> tuple[TeamMatchStats, ...]:
    """Each team's match row (§14), from its round rows and its players' match rows.

    Conversions pair each round row with the opponent's row of the same round number.
    """
    rows_of: dict[str, dict[int, RoundTeamStats]] = {team: {} for team in roster.team_ids}
    for row in team_rows:
        rows_of[row.team_id][row.round_number] = row
    names = {t.team_id: t.name for t in match.teams}
    stated_wins = {t.team_id: t.won for t in match.teams}
    totals: list[TeamMatchStats] = []
    for team in roster.team_ids:
        members = [p for p in players if p.team_id == team]
        acs_values = [p.acs for p in members if p.acs is not None]
        clutches = [c for c in clutch_rows if c.team_id == team and not c.void]
        rounds = _count_team_rounds(rows_of[team].values(), rows_of[roster.opponent_of[team]])
        stated = stated_wins.get(team)
        totals.append(
            TeamMatchStats(
                team,
                names.get(team, team),
                stated if stated is not None else rounds.won > rounds.lost,
                rounds.played,
                rounds.won,
                rounds.lost,
                rounds.kills,
                rounds.deaths,
                sum(p.assists for p in members),
                rounds.damage,
                sum(acs_values) / len(acs_values) if acs_values else None,  # avg_acs
                rounds.first_kill_rounds,
                rounds.first_kill_rounds_won,
                _percent(rounds.first_kill_rounds_won, rounds.first_kill_rounds),
                rounds.first_death_rounds,
                rounds.first_death_rounds_won,
                rounds.pistols_played,
                rounds.pistols_won,
                rounds.plants,
                rounds.defuses,
                rounds.plants,  # post_plant_rounds: the rounds it planted in
                rounds.post_plant_won,
                rounds.retake_rounds,
                rounds.retakes_won,
                rounds.eco_rounds,
                rounds.eco_wins,
                rounds.flawless_rounds,
                len(clutches),
                sum(c.won for c in clutches),
                sum(p.trade_kills for p in members),
                sum(p.team_kills for p in members),
                _five([sum(p.multikills[i] for p in members) for i in range(MULTIKILL_BUCKETS)]),
                {buy: rounds.buy_rounds[buy] for buy in sorted(rounds.buy_rounds)},
            )
        )
    return tuple(totals)


class _TeamRounds:
    """A team's round counts over a match, with the opponent's row of each round."""

    __slots__ = (
        "buy_rounds",
        "damage",
        "deaths",
        "defuses",
        "eco_rounds",
        "eco_wins",
        "first_death_rounds",
        "first_death_rounds_won",
        "first_kill_rounds",
        "first_kill_rounds_won",
        "flawless_rounds",
        "kills",
        "lost",
        "pistols_played",
        "pistols_won",
        "plants",
        "played",
        "post_plant_won",
        "retake_rounds",
        "retakes_won",
        "won",
    )

    def __init__(self) -> None:
        self.played = self.won = self.lost = self.kills = self.deaths = self.damage = 0
        self.first_kill_rounds = self.first_kill_rounds_won = 0
        self.first_death_rounds = self.first_death_rounds_won = 0
        self.pistols_played = self.pistols_won = self.plants = self.post_plant_won = 0
        self.defuses = self.retake_rounds = self.retakes_won = 0
        self.eco_rounds = self.eco_wins = self.flawless_rounds = 0
        self.buy_rounds: dict[str, tuple[int, int]] = {}  # buy type -> (played, won)


def _count_team_rounds(
    mine: Iterable[RoundTeamStats], theirs: dict[int, RoundTeamStats]
) -> _TeamRounds:
    counts = _TeamRounds()
    for row in mine:
        other = theirs.get(row.round_number, _NO_ROW)
        won = row.won
        counts.played += 1
        counts.won += won
        counts.lost += other.won
        counts.kills += row.kills
        counts.deaths += row.deaths
        counts.damage += row.damage
        counts.defuses += row.defused
        counts.flawless_rounds += won and row.deaths == 0
        if row.first_kill:
            counts.first_kill_rounds += 1
            counts.first_kill_rounds_won += won
        if other.first_kill:
            counts.first_death_rounds += 1
            counts.first_death_rounds_won += won
        if row.planted:
            counts.plants += 1
            counts.post_plant_won += won
        if other.planted:
            counts.retake_rounds += 1
            counts.retakes_won += won and row.defused
        _count_buy(counts, row, other)
    return counts


def _count_buy(counts: _TeamRounds, row: RoundTeamStats, other: RoundTeamStats) -> None:
    """Pistols, eco rounds (§14: eco or semi-eco) and their wins against a buy, per buy type."""
    buy = row.buy_type
    if buy is None:
        return
    won = row.won
    played, won_count = counts.buy_rounds.get(buy, (0, 0))
    counts.buy_rounds[buy] = (played + 1, won_count + won)
    if buy == PISTOL:
        counts.pistols_played += 1
        counts.pistols_won += won
    if buy in LOW_BUYS:
        counts.eco_rounds += 1
        counts.eco_wins += won and other.buy_type in HIGH_BUYS


def compute_side_totals(
    roster: Roster,
    team_rows: Sequence[RoundTeamStats],
    summaries: Sequence[RoundSummary],
    clutch_rows: Sequence[Clutch],
) -> tuple[TeamSideStats, ...]:
    """Each team's totals on attack and on defense (§13), for the sides it played."""
    pistol_rounds = {s.round_number for s in summaries if s.pistol}
    first_kill_by = {(r.round_number, r.team_id) for r in team_rows if r.first_kill}
    counts: dict[tuple[str, str | None], list[int]] = {}
    for row in team_rows:
        count = counts.get((row.team_id, row.side))
        if count is None:
            count = counts[row.team_id, row.side] = [0] * 12
        won = row.won
        count[0] += 1
        count[1] += won
        count[2] += row.kills
        count[3] += row.deaths
        count[4] += row.first_kill
        count[5] += (row.round_number, roster.opponent_of[row.team_id]) in first_kill_by
        count[6] += row.planted
        count[7] += row.defused
        if row.round_number in pistol_rounds:
            count[8] += 1
            count[9] += won
    for clutch in clutch_rows:
        count = counts.get((clutch.team_id, clutch.side))
        if count is not None and not clutch.void:
            count[10] += 1
            count[11] += clutch.won
    totals: list[TeamSideStats] = []
    for team in roster.team_ids:
        for side in (ATTACK, DEFENSE):
            count = counts.get((team, side))
            if count is not None:
                played, rounds_won, *rest = count
                totals.append(
                    TeamSideStats(team, side, played, rounds_won, played - rounds_won, *rest)
                )
    return tuple(totals)


def compute_period_totals(
    roster: Roster, team_rows: Sequence[RoundTeamStats], half_rounds: int
) -> tuple[TeamPeriodStats, ...]:
    """Each team's rounds in the first half, the second half and overtime."""
    regulation = 2 * half_rounds
    won_in: dict[tuple[str, str], list[bool]] = {}
    for row in team_rows:
        number = row.round_number
        if number < half_rounds:
            period = PERIODS[0]
        elif number < regulation:
            period = PERIODS[1]
        else:
            period = PERIODS[2]
        won_in.setdefault((row.team_id, period), []).append(row.won)
    totals: list[TeamPeriodStats] = []
    for team in roster.team_ids:
        for period in PERIODS:
            won = won_in.get((team, period))
            if won:
                rounds_won = sum(won)
                totals.append(
                    TeamPeriodStats(team, period, len(won), rounds_won, len(won) - rounds_won)
                )
    return tuple(totals)


def compute_duels(roster: Roster, columns: PlayerRoundColumns) -> tuple[Duel, ...]:
    """Head-to-head (§11) of every pair of opponents, in row order of both."""
    kills = columns.duel_kills
    first = columns.duel_first_kills
    damage = columns.duel_damage
    step = roster.stride
    teams = roster.player_teams
    duels: list[Duel] = []
    for player, player_id in enumerate(roster.player_ids):
        for opponent, opponent_id in enumerate(roster.player_ids):
            if teams[player] == teams[opponent]:
                continue
            forward = player * step + opponent
            backward = opponent * step + player
            duels.append(
                Duel(
                    player_id,
                    opponent_id,
                    kills[forward],
                    kills[backward],
                    damage[forward],
                    damage[backward],
                    first[forward],
                    first[backward],
                )
            )
    return tuple(duels)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _percent(numerator: float, denominator: float) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def _bucket(counts: list[int], value: int, first: int) -> None:
    """Add one to the bucket of `value` (buckets start at `first`; the last is open-ended)."""
    if value >= first:
        counts[min(value - first, len(counts) - 1)] += 1


def _five(counts: Sequence[int]) -> tuple[int, int, int, int, int]:
    return (counts[0], counts[1], counts[2], counts[3], counts[4])
