"""Compute every round-based stat of one match in one pass over its rounds (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress

from scoreline.domain.errors import MalformedInputError
from scoreline.domain.rounds import DamageType, Match, Round
from scoreline.stats.rounds.classification import DeathClass
from scoreline.stats.rounds.clutches import (
    estimate_round_end_ms,
    find_clutch_attempts,
    is_counted,
    is_winnable_at_start,
    settle_clutch,
)
from scoreline.stats.rounds.columns import DEFENSE, PlayerRoundColumns, Roster, side_of
from scoreline.stats.rounds.combat_score import NON_DAMAGING_ASSIST_BONUS, kill_bonus
from scoreline.stats.rounds.counting import credit_table
from scoreline.stats.rounds.multikills import find_kill_chains
from scoreline.stats.rounds.replay import Death, RoundReplay, replay_round
from scoreline.stats.rounds.results import Clutch, MatchStats, RoundSummary
from scoreline.stats.rounds.rules import COMMUNITY, STAT_VERSION, StatRules, SurvivalMode
from scoreline.stats.rounds.sides import regulation_half_rounds, resolve_sides
from scoreline.stats.rounds.team_rounds import TeamRoundRows
from scoreline.stats.rounds.totals import (
    MULTIKILL_BUCKETS,
    compute_duels,
    compute_period_totals,
    compute_player_totals,
    compute_side_totals,
    compute_team_totals,
)
from scoreline.stats.rounds.trades import EnemyKill, find_trades
from scoreline.stats.rounds.weapons import (
    ATTRIBUTED,
    BODYSHOTS,
    DAMAGE,
    DEATHS_BY,
    HEADSHOT_KILLS,
    HEADSHOTS,
    KILLS,
    LEGSHOTS,
    SECONDARY_FIRE_KILLS,
    UNKNOWN_WEAPON,
    WeaponTallies,
    compute_weapons,
    count_hits,
    weapon_of_kill,
)

# Enum members resolved once: attribute access on an Enum class is a descriptor call
# (measured: 0.08 us), and these sit in the per-kill loops.
_KILL = DeathClass.KILL
_TEAM_KILL = DeathClass.TEAM_KILL
_SUICIDE = DeathClass.SUICIDE
_SPIKE_DEATH = DeathClass.SPIKE_DEATH
_WEAPON = DamageType.WEAPON


def compute_match_stats(match: Match, rules: StatRules = COMMUNITY) -> MatchStats:
    """Every round, player, team, side, clutch, duel and weapon stat of `match` under `rules`."""
    team_ids = sorted(t.team_id for t in match.teams)
    if len(team_ids) != 2:
        raise MalformedInputError(match.match_id, "teams", "round stats need exactly two teams")
    roster = Roster.of(match, (team_ids[0], team_ids[1]))
    sides = resolve_sides(match, roster.team_of, roster.opponent_of)
    half_rounds = regulation_half_rounds(match)
    summaries = [
        _summarize(round_, attacker, inferred, half_rounds)
        for round_, attacker, inferred in zip(
            match.rounds, sides.attackers, sides.inferred, strict=True
        )
    ]
    counter = _MatchCounter(match, rules, roster)
    for index, (round_, summary) in enumerate(zip(match.rounds, summaries, strict=True)):
        counter.count_round(index, round_, summary)
    columns = counter.columns
    columns.finish(roster, summaries, rules, match.game)
    players = compute_player_totals(
        match,
        rules,
        roster,
        columns,
        counter.clutch_rows,
        counter.chain_buckets,
        counter.has_headshot_flags,
        count_hits(counter.weapons, rules.hs_excluded_weapons),
    )
    team_rows = counter.team_rounds.rows
    clutch_rows = counter.clutch_rows
    return MatchStats(
        match=match,
        preset=rules.name,
        stat_version=STAT_VERSION,
        rounds=tuple(summaries),
        round_players=columns.build_rows(roster),
        round_teams=tuple(team_rows),
        players=players,
        teams=compute_team_totals(match, roster, team_rows, players, clutch_rows),
        sides=compute_side_totals(roster, team_rows, summaries, clutch_rows),
        periods=compute_period_totals(roster, team_rows, half_rounds),
        clutches=tuple(clutch_rows),
        duels=compute_duels(roster, columns),
        weapons=compute_weapons(counter.weapons, rules.hs_excluded_weapons),
        side_conflicts=sides.conflicts,
    )


def _summarize(
    round_: Round, attacker: str | None, inferred: bool, half_rounds: int
) -> RoundSummary:
    regulation = 2 * half_rounds
    number = round_.number
    return RoundSummary(
        number,
        round_.winning_team_id,
        round_.result_code.value,
        attacker,
        inferred,
        number < regulation and number % half_rounds == 0,
        number >= regulation,
        round_.duration_ms,
    )


class _RoundKills:
    """What the death pass of one round hands to the later passes."""

    __slots__ = ("assists", "chain_kills", "enemy_kills", "kill_weapons")

    def __init__(self) -> None:
        self.enemy_kills: list[EnemyKill] = []  # in the events, for trades
        self.chain_kills: dict[str, list[tuple[int, int]]] = {}  # killer -> (order, t_ms)
        self.kill_weapons: dict[int, str] = {}  # weapon of each (killer, victim) pair code
        self.assists: list[tuple[int, int]] = []  # (assistant slot, (assistant, victim) code)


class _MatchCounter:
    """Counts every round of one match into flat per-round-player columns.

    A player's counters in a round sit at `round_index * stride + player_index` of each
    column (see PlayerRoundColumns). Match-wide tallies (weapons, kill chains, clutches and
    the team rows) are kept beside them.
    """

    def __init__(self, match: Match, rules: StatRules, roster: Roster) -> None:
        self.match = match
        self.rules = rules
        self.roster = roster
        self.columns = PlayerRoundColumns(len(match.rounds), roster.stride)
        self.weapons = WeaponTallies()
        self.chain_buckets = [[0] * MULTIKILL_BUCKETS for _ in roster.player_ids]
        self.clutch_rows: list[Clutch] = []
        self.team_rounds = TeamRoundRows(roster, self.columns, rules)
        self.has_headshot_flags = False
        credit = credit_table(match.game, rules.counting)
        self.credits_kill = credit.kill
        self.credits_death = credit.death
        self.credits_assist = credit.assist

    def count_round(self, index: int, round_: Round, summary: RoundSummary) -> None:
        """Every pass over one round, in the order their inputs need."""
        base = index * self.roster.stride
        states_survival = self._count_records(round_, base)
        replay = replay_round(
            round_,
            self.roster.team_of,
            self.roster.opponent_of,
            self.rules.post_round_kills_in_events,
        )
        deaths = replay.deaths
        round_kills, first_team_deaths = self._count_deaths(deaths, base)
        self._count_trades(round_kills.enemy_kills, base)
        self._count_chains(round_kills.chain_kills, deaths)
        damaged = self._count_damage(round_, base, round_kills.kill_weapons)
        bonus = self.columns.score_bonus
        for slot, pair in round_kills.assists:
            if pair not in damaged:
                bonus[slot] += NON_DAMAGING_ASSIST_BONUS
        self._count_objectives(round_, base)
        survivors = replay.alive_at_end
        if states_survival:
            self._apply_stated_survival(base, survivors)
        self._count_survival(base, survivors, replay.died, round_.winning_team_id)
        self._count_clutches(round_, summary, base, replay, survivors)
        self.team_rounds.add_round(
            base, summary, self.match.game, (first_team_deaths, len(deaths) - first_team_deaths)
        )

    def _count_records(self, round_: Round, base: int) -> bool:
        """Note each player's round record (§0.3: a record makes the round played).

        Returns whether any record states survival. A later record of the same player
        overrides an earlier one.
        """
        columns = self.columns
        index_of = self.roster.index_of
        exclude_afk = self.rules.exclude_afk_rounds
        touched = columns.touched
        played = columns.played
        records = columns.record
        states_survival = False
        for record in round_.players:
            if exclude_afk and record.was_afk:
                continue
            if record.alive_at_end is not None:
                states_survival = True
            index = index_of.get(record.player_id)
            if index is not None:
                slot = base + index
                touched[slot] = played[slot] = True
                records[slot] = record
        return states_survival

    def _apply_stated_survival(self, base: int, survivors: set[str]) -> None:
        """The source's own alive-at-end flags win over the replayed ones."""
        records = self.columns.record
        played = self.columns.played
        for index, player_id in enumerate(self.roster.player_ids):
            slot = base + index
            if not played[slot]:
                continue
            stated = records[slot].alive_at_end
            if stated:
                survivors.add(player_id)
            elif stated is False:
                survivors.discard(player_id)

    def _count_deaths(self, deaths: list[Death], base: int) -> tuple[_RoundKills, int]:
        """K, D, A, class counters, enemy kills, first kill, duel and weapon kills of a round.

        Exit frags count in K/D/A, never in first kills, trades, chains or clutches (§0.5).
        """
        columns = self.columns
        roster = self.roster
        index_of = roster.index_of
        index_get = index_of.get
        stranger = roster.stranger
        stride = roster.stride
        first_team = roster.team_ids[0]
        touched = columns.touched
        kills = columns.kills
        deaths_of = columns.deaths
        enemy_kills = columns.enemy_kills
        score_bonus = columns.score_bonus
        kast = columns.kast
        headshot_kills = columns.headshot_kills
        duel_kills = columns.duel_kills
        weapons = self.weapons
        credits_death = self.credits_death
        credits_enemy_kill = self.credits_kill[_KILL]
        found = _RoundKills()
        in_event_kills = found.enemy_kills
        chain_kills = found.chain_kills
        kill_weapons = found.kill_weapons
        first_kill_pending = True
        first_team_deaths = 0
        for death in deaths:
            (_, kill, killer_team, victim_team, death_class, in_events, enemies_alive) = death[:7]
            killer = kill.killer_id
            victim = kill.victim_id
            victim_index = index_of[victim]
            victim_slot = base + victim_index
            killer_index = index_get(killer, stranger)  # None: a world death
            killer_slot = base + killer_index
            touched[victim_slot] = True
            if credits_death[death_class]:
                deaths_of[victim_slot] += 1
            if victim_team == first_team:
                first_team_deaths += 1
            if kill.headshot is not None:
                self.has_headshot_flags = True
            if kill.assistant_ids:
                self._credit_assists(death, base, victim_index, found)
            if death_class is not _KILL or killer is None:
                self._count_other_death(death, killer_slot, victim_slot)
                continue
            # An enemy kill (§1): K, the per-round multi-kill count and the combat score bonus.
            touched[killer_slot] = kast[killer_slot] = True
            if credits_enemy_kill:
                kills[killer_slot] += 1
            earlier = enemy_kills[killer_slot]
            enemy_kills[killer_slot] = earlier + 1
            score_bonus[killer_slot] += kill_bonus(enemies_alive, earlier)
            pair = killer_index * stride + victim_index
            duel_kills[pair] += 1
            weapon = kill.weapon
            if weapon and kill.damage_type is _WEAPON:
                kill_weapons[pair] = weapon
            key = weapon or weapon_of_kill(kill)  # the call only for a kill without weapon
            killer_weapon = weapons[killer][key]
            killer_weapon[KILLS] += 1
            killer_weapon[SECONDARY_FIRE_KILLS] += kill.secondary_fire
            if kill.headshot:
                headshot_kills[killer_slot] += 1
                killer_weapon[HEADSHOT_KILLS] += 1
            weapons[victim][key][DEATHS_BY] += 1
            if in_events:
                in_event_kills.append((kill.t_ms, killer, victim, killer_team or "", victim_team))
                chain_kills.setdefault(killer, []).append((death.order, kill.t_ms))
                if first_kill_pending:
                    first_kill_pending = False
                    self._count_first_kill(killer_slot, victim_slot, pair)
        return found, first_team_deaths

    def _count_first_kill(self, killer_slot: int, victim_slot: int, pair: int) -> None:
        """The round's first enemy kill in the events (§9): FK, FD and the duel's opening."""
        columns = self.columns
        columns.first_kill[killer_slot] = columns.first_death[victim_slot] = True
        columns.duel_first_kills[pair] += 1

    def _credit_assists(
        self, death: Death, base: int, victim_index: int, found: _RoundKills
    ) -> None:
        """A for the credited assistants (§2, §20); KAST's A and the combat score's pairs."""
        roster = self.roster
        team_of = roster.team_of
        index_of = roster.index_of
        columns = self.columns
        kill = death.kill
        killer = kill.killer_id
        victim_team = death.victim_team
        credited = self.credits_assist[death.death_class]
        enemy_kill = death.death_class is _KILL and killer is not None
        killer_team = death.killer_team or ""
        for assistant in kill.assistant_ids:
            if assistant == killer:
                continue
            assistant_team = team_of.get(assistant)
            if assistant_team is None:
                continue
            index = index_of[assistant]
            slot = base + index
            if credited[assistant_team == victim_team]:
                columns.touched[slot] = True
                columns.assists[slot] += 1
            if enemy_kill and assistant_team == killer_team:
                columns.touched[slot] = columns.kast[slot] = True
                found.assists.append((slot, index * roster.stride + victim_index))

    def _count_other_death(self, death: Death, killer_slot: int, victim_slot: int) -> None:
        """K where the counting credits it (§20), team kills, suicides and spike deaths (§1)."""
        columns = self.columns
        death_class = death.death_class
        has_killer = death.kill.killer_id is not None
        if has_killer and self.credits_kill[death_class]:
            columns.touched[killer_slot] = True
            columns.kills[killer_slot] += 1
        if death_class is _TEAM_KILL and has_killer:
            columns.touched[killer_slot] = True
            columns.team_kills[killer_slot] += 1
        elif death_class is _SUICIDE:
            columns.suicides[victim_slot] += 1
        elif death_class is _SPIKE_DEATH:
            columns.spike_deaths[victim_slot] += 1

    def _count_trades(self, enemy_kills: list[EnemyKill], base: int) -> None:
        if len(enemy_kills) < 2:
            return  # a trade takes two kills
        rules = self.rules
        trades = find_trades(
            enemy_kills,
            rules.trade_window_ms,
            rules.trade_window_inclusive,
            rules.trade_mode,
            rules.trade_credit,
        )
        index_of = self.roster.index_of
        stranger = self.roster.stranger
        columns = self.columns
        for _, killer, _, _, _ in compress(enemy_kills, trades.trade_kills):
            columns.trade_kills[base + index_of.get(killer, stranger)] += 1
        for _, _, victim, _, _ in compress(enemy_kills, trades.traded_deaths):
            slot = base + index_of[victim]
            columns.traded_deaths[slot] += 1
            columns.kast[slot] = True

    def _count_chains(
        self, chain_kills: dict[str, list[tuple[int, int]]], deaths: list[Death]
    ) -> None:
        """Windowed kill chains (§6) of the players with two or more kills in the round.

        A lone kill is a chain of one, which no bucket counts: skipping it saves a call.
        """
        index_of = self.roster.index_of
        rules = self.rules
        for killer, kills in chain_kills.items():
            if len(kills) < 2:
                continue
            index = index_of.get(killer)
            if index is None:
                continue
            chains = find_kill_chains(
                kills,
                [d.order for d in deaths if d.kill.victim_id == killer],
                rules.multikill_window_ms,
                rules.multikill_window_inclusive,
                rules.multikill_break_on_death,
            )
            buckets = self.chain_buckets[index]
            for length in chains:
                if length >= 2:
                    buckets[min(length - 2, MULTIKILL_BUCKETS - 1)] += 1

    def _count_damage(self, round_: Round, base: int, kill_weapons: dict[int, str]) -> set[int]:
        """Enemy damage, hits, duel and weapon damage; returns the damaged pair codes.

        Self, team and world damage are not damage to enemies (§3). Riot damage has no
        weapon: it goes to the pair's killing weapon, else the attacker's round-start
        weapon, and the weapon row is marked as attributed (§12).
        """
        columns = self.columns
        roster = self.roster
        index_get = roster.index_of.get
        stranger = roster.stranger
        stride = roster.stride
        is_enemy = roster.is_enemy
        touched = columns.touched
        damage = columns.damage
        received = columns.damage_received
        headshots = columns.headshots
        bodyshots = columns.bodyshots
        legshots = columns.legshots
        duel_damage = columns.duel_damage
        records = columns.record
        weapons = self.weapons
        damaged: set[int] = set()
        for hit in round_.damage:
            attacker = hit.attacker_id
            attacker_index = index_get(attacker, stranger)
            receiver_index = index_get(hit.receiver_id, stranger)
            pair = attacker_index * stride + receiver_index
            if not is_enemy[pair]:
                continue
            amount = hit.amount
            heads = hit.headshots
            bodies = hit.bodyshots
            legs = hit.legshots
            slot = base + attacker_index
            receiver_slot = base + receiver_index
            touched[slot] = touched[receiver_slot] = True
            damage[slot] += amount
            headshots[slot] += heads
            bodyshots[slot] += bodies
            legshots[slot] += legs
            received[receiver_slot] += amount
            duel_damage[pair] += amount
            if amount > 0:
                damaged.add(pair)
            weapon = hit.weapon
            if weapon is None:
                weapon = kill_weapons.get(pair) or records[slot].weapon
                tally = weapons[attacker][weapon or UNKNOWN_WEAPON]
                tally[ATTRIBUTED] = 1
            else:
                tally = weapons[attacker][weapon or UNKNOWN_WEAPON]
            tally[DAMAGE] += amount
            tally[HEADSHOTS] += heads
            tally[BODYSHOTS] += bodies
            tally[LEGSHOTS] += legs
        return damaged

    def _count_objectives(self, round_: Round, base: int) -> None:
        columns = self.columns
        index_of = self.roster.index_of
        if round_.plant is not None:
            index = index_of.get(round_.plant.planter_id)
            if index is not None:
                columns.touched[base + index] = columns.planted[base + index] = True
        if round_.defuse is not None:
            index = index_of.get(round_.defuse.defuser_id)
            if index is not None:
                columns.touched[base + index] = columns.defused[base + index] = True

    def _count_survival(
        self, base: int, survivors: set[str], died: set[str], winner: str | None
    ) -> None:
        """Survived, and KAST's S (§8): alive at the end, or never died, as the rules say."""
        columns = self.columns
        roster = self.roster
        index_of = roster.index_of
        survived = columns.survived
        kast = columns.kast
        for player_id in survivors:
            index = index_of.get(player_id)
            if index is not None:
                survived[base + index] = True
        rules = self.rules
        credited: Iterable[str] = survivors
        if rules.kast_survival_mode is SurvivalMode.NEVER_DIED:
            credited = [p for p in roster.player_ids if p not in died]
        no_save_credit = rules.kast_no_survival_credit_in_lost_rounds
        for player_id in credited:
            index = index_of.get(player_id)
            if index is None:
                continue
            if no_save_credit and winner != roster.player_teams[index]:
                continue
            kast[base + index] = True

    def _count_clutches(
        self,
        round_: Round,
        summary: RoundSummary,
        base: int,
        replay: RoundReplay,
        survivors: set[str],
    ) -> None:
        attempts = find_clutch_attempts(replay.lone_survivor_deaths, self.roster.opponent_of)
        if not attempts:
            return
        rules = self.rules
        game = self.match.game
        columns = self.columns
        index_of = self.roster.index_of
        deaths = replay.deaths
        round_end = estimate_round_end_ms(round_, deaths, game)
        for attempt in attempts:
            outcome = settle_clutch(
                attempt,
                deaths,
                replay.revives,
                round_.winning_team_id,
                attempt.player_id in survivors,
                round_end,
            )
            if not is_counted(
                outcome, round_, rules.clutch_confirm_ms, rules.clutch_exclude_surrendered
            ):
                continue
            side = side_of(attempt.team_id, summary.attacking_team_id)
            if rules.clutch_unwinnable_cutoff and not is_winnable_at_start(
                attempt, round_, side == DEFENSE, game
            ):
                continue
            won = outcome.won and (outcome.survived or not rules.clutch_requires_survival)
            self.clutch_rows.append(
                Clutch(
                    round_.number,
                    attempt.player_id,
                    attempt.team_id,
                    side,
                    attempt.opponents,
                    attempt.start_ms,
                    outcome.end_ms,
                    won,
                    outcome.survived,
                    outcome.kills,
                    round_.result_code.value,
                    outcome.void,
                )
            )
            if not outcome.void:
                slot = base + index_of[attempt.player_id]
                columns.touched[slot] = True
                columns.clutch_opponents[slot] = attempt.opponents
                columns.clutch_won[slot] = won
