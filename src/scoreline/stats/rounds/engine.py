"""Compute every round-based stat of one match in one pass over its rounds (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from scoreline.domain.errors import MalformedInputError
from scoreline.domain.rounds import DamageType, Game, Kill, Match, PlayerRound, Round, Side
from scoreline.stats.rounds.classification import DeathClass
from scoreline.stats.rounds.clutches import (
    estimate_round_end_ms,
    find_clutch_attempts,
    is_counted,
    is_winnable_at_start,
    settle_clutch,
)
from scoreline.stats.rounds.combat_score import compute_combat_score
from scoreline.stats.rounds.counting import SELF_DEATHS, AssistRule, Credit, credit_rules
from scoreline.stats.rounds.economy import HIGH_BUYS, LOW_BUYS, BuyType, classify_buy
from scoreline.stats.rounds.multikills import find_kill_chains
from scoreline.stats.rounds.ratings import compute_rating2_approx, compute_rating_v1
from scoreline.stats.rounds.replay import Death, RoundReplay, replay_round
from scoreline.stats.rounds.results import (
    Clutch,
    Duel,
    MatchPlayerStats,
    MatchStats,
    RoundPlayerStats,
    RoundSummary,
    RoundTeamStats,
    TeamMatchStats,
    TeamPeriodStats,
    TeamSideStats,
    WeaponStats,
)
from scoreline.stats.rounds.rules import COMMUNITY, STAT_VERSION, StatRules, SurvivalMode
from scoreline.stats.rounds.sides import regulation_half_rounds, resolve_sides
from scoreline.stats.rounds.trades import EnemyKill, find_trades

MULTIKILL_BUCKETS = 5  # 2K, 3K, 4K, 5K, 6K+ (a revived enemy can die twice: §6.1)
CLUTCH_BUCKETS = 5  # 1v1 .. 1v5


@dataclass(slots=True)
class _Tally:
    """One player's counters in one round."""

    kills: int = 0
    deaths: int = 0
    assists: int = 0
    enemy_kills: int = 0
    team_kills: int = 0
    suicides: int = 0
    spike_deaths: int = 0
    headshot_kills: int = 0
    damage: int = 0
    damage_received: int = 0
    headshots: int = 0
    bodyshots: int = 0
    legshots: int = 0
    first_kill: bool = False
    first_death: bool = False
    trade_kills: int = 0
    traded_deaths: int = 0
    kast_assist: bool = False
    non_damaging_assists: int = 0
    planted: bool = False
    defused: bool = False
    clutch_opponents: int = 0
    clutch_won: bool = False
    enemies_alive_at_kills: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _WeaponTally:
    kills: int = 0
    headshot_kills: int = 0
    deaths_by: int = 0
    damage: int = 0
    headshots: int = 0
    bodyshots: int = 0
    legshots: int = 0
    eligible_headshots: int = 0
    eligible_hits: int = 0
    attributed: bool = False
    secondary_fire_kills: int = 0


@dataclass(slots=True)
class _MatchTally:
    """Match-wide accumulators that round rows do not carry."""

    chains: dict[str, list[int]] = field(default_factory=dict)
    hs_hits: dict[str, list[int]] = field(default_factory=dict)  # eligible [headshots, hits]
    clutch_kills: Counter[str] = field(default_factory=Counter)
    duel_kills: Counter[tuple[str, str]] = field(default_factory=Counter)
    duel_first_kills: Counter[tuple[str, str]] = field(default_factory=Counter)
    duel_damage: Counter[tuple[str, str]] = field(default_factory=Counter)
    weapons: dict[tuple[str, str], _WeaponTally] = field(default_factory=dict)
    has_headshot_flags: bool = False


def compute_match_stats(match: Match, rules: StatRules = COMMUNITY) -> MatchStats:
    """Every round, player, team, side, clutch, duel and weapon stat of `match` under `rules`."""
    team_ids = sorted(t.team_id for t in match.teams)
    if len(team_ids) != 2:
        raise MalformedInputError(match.match_id, "teams", "round stats need exactly two teams")
    opponent_of = {team_ids[0]: team_ids[1], team_ids[1]: team_ids[0]}
    team_of = {p.player_id: p.team_id for p in match.players}
    player_ids = sorted(team_of, key=lambda pid: (team_of[pid], pid))
    agent_of = {p.player_id: p.agent for p in match.players}
    sides = resolve_sides(match, team_of, opponent_of)
    half_rounds = regulation_half_rounds(match)
    ctx = _RoundContext(match, rules, team_of, opponent_of, player_ids, agent_of, half_rounds)
    tally = _MatchTally()
    summaries: list[RoundSummary] = []
    round_rows: list[RoundPlayerStats] = []
    team_rows: list[RoundTeamStats] = []
    clutch_rows: list[Clutch] = []
    for index, round_ in enumerate(match.rounds):
        attacker = sides.attackers[index]
        summary = ctx.summarize(round_, attacker, sides.inferred[index])
        summaries.append(summary)
        ctx.compute_round(round_, summary, tally, round_rows, team_rows, clutch_rows)
    players = _compute_player_totals(match, rules, round_rows, clutch_rows, tally, player_ids)
    return MatchStats(
        match=match,
        preset=rules.name,
        stat_version=STAT_VERSION,
        rounds=tuple(summaries),
        round_players=tuple(round_rows),
        round_teams=tuple(team_rows),
        players=players,
        teams=_compute_team_totals(match, team_rows, round_rows, players, clutch_rows, opponent_of),
        sides=_compute_side_totals(team_ids, team_rows, round_rows, summaries, clutch_rows),
        periods=_compute_period_totals(team_ids, team_rows, half_rounds),
        clutches=tuple(clutch_rows),
        duels=_compute_duels(tally, player_ids, team_of),
        weapons=_compute_weapons(tally),
        side_conflicts=sides.conflicts,
    )


@dataclass(slots=True)
class _RoundContext:
    match: Match
    rules: StatRules
    team_of: Mapping[str, str]
    opponent_of: Mapping[str, str]
    player_ids: list[str]
    agent_of: Mapping[str, str | None]
    half_rounds: int

    def summarize(self, round_: Round, attacker: str | None, inferred: bool) -> RoundSummary:
        regulation = 2 * self.half_rounds
        number = round_.number
        return RoundSummary(
            round_number=number,
            winning_team_id=round_.winning_team_id,
            result_code=round_.result_code.value,
            attacking_team_id=attacker,
            side_inferred=inferred,
            pistol=number < regulation and number % self.half_rounds == 0,
            overtime=number >= regulation,
            duration_ms=round_.duration_ms,
        )

    def side_of(self, team: str, summary: RoundSummary) -> str | None:
        if summary.attacking_team_id is None:
            return None
        return Side.ATTACK.value if team == summary.attacking_team_id else Side.DEFENSE.value

    def buy_type(self, loadout: int | None, summary: RoundSummary, team: bool) -> str | None:
        if summary.pistol:
            return BuyType.PISTOL.value
        if summary.overtime and self.match.game is Game.VALORANT:
            return BuyType.OVERTIME.value
        if loadout is None:
            return None
        thresholds = self.rules.team_buy_thresholds if team else self.rules.player_buy_thresholds
        return classify_buy(loadout, thresholds).value

    def compute_round(
        self,
        round_: Round,
        summary: RoundSummary,
        tally: _MatchTally,
        round_rows: list[RoundPlayerStats],
        team_rows: list[RoundTeamStats],
        clutch_rows: list[Clutch],
    ) -> None:
        rules = self.rules
        team_of = self.team_of
        present = {
            pr.player_id: pr
            for pr in round_.players
            if not (rules.exclude_afk_rounds and pr.was_afk)
        }
        replay = replay_round(
            _in_processing_order(round_),
            team_of,
            self.opponent_of,
            rules.post_round_kills_in_events,
        )
        tallies: dict[str, _Tally] = {}

        def tally_of(player_id: str) -> _Tally:
            found = tallies.get(player_id)
            if found is None:
                found = tallies[player_id] = _Tally()
            return found

        for player_id in present:
            tally_of(player_id)
        kill_weapons, assists = self._count_deaths(replay, tally, tally_of)
        damaged = self._count_damage(round_, present, kill_weapons, tally, tally_of)
        for assistant, victim in assists:
            if (assistant, victim) not in damaged:
                tally_of(assistant).non_damaging_assists += 1
        if round_.plant is not None and round_.plant.planter_id in team_of:
            tally_of(round_.plant.planter_id).planted = True
        if round_.defuse is not None and round_.defuse.defuser_id in team_of:
            tally_of(round_.defuse.defuser_id).defused = True
        survivors = _find_survivors(present, replay)
        self._find_clutches(round_, summary, replay, survivors, tallies, clutch_rows)
        self._emit_rows(round_, summary, present, replay, survivors, tallies, round_rows, team_rows)

    def _count_deaths(
        self,
        replay: RoundReplay,
        tally: _MatchTally,
        tally_of: _TallyLookup,
    ) -> tuple[dict[tuple[str, str], str], list[tuple[str, str]]]:
        """K, D, A, first kill, trades, chains, duel kills and weapon kills of one round.

        Returns the weapon of each (killer, victim) weapon kill and the (assistant, victim)
        pairs of enemy kills, which the damage pass needs.
        """
        rules = self.rules
        team_of = self.team_of
        credit = credit_rules(self.match.game, rules.counting)
        enemy_kills: list[EnemyKill] = []
        chain_kills: dict[str, list[tuple[int, int]]] = {}
        death_orders: dict[str, list[int]] = {}
        kill_weapons: dict[tuple[str, str], str] = {}
        assists: list[tuple[str, str]] = []
        first_kill_done = False
        for death in replay.deaths:
            kill = death.kill
            killer = kill.killer_id
            victim = kill.victim_id
            death_class = death.death_class
            victim_tally = tally_of(victim)
            _credit_death(death, credit, team_of, tally_of)
            death_orders.setdefault(victim, []).append(death.order)
            if kill.headshot is not None:
                tally.has_headshot_flags = True
            if death_class is not DeathClass.KILL or killer is None:
                continue
            killer_tally = tally_of(killer)
            killer_team = death.killer_team or ""
            killer_tally.enemy_kills += 1
            killer_tally.enemies_alive_at_kills.append(death.enemies_alive)
            if kill.headshot:
                killer_tally.headshot_kills += 1
            for assistant in kill.assistant_ids:
                if assistant != killer and team_of.get(assistant) == killer_team:
                    tally_of(assistant).kast_assist = True
                    assists.append((assistant, victim))
            tally.duel_kills[killer, victim] += 1
            if kill.damage_type is DamageType.WEAPON and kill.weapon:
                kill_weapons[killer, victim] = kill.weapon
            _count_weapon_kill(tally, killer, kill)
            if not death.in_events:
                continue
            enemy_kills.append(EnemyKill(kill.t_ms, killer, victim, killer_team, death.victim_team))
            chain_kills.setdefault(killer, []).append((death.order, kill.t_ms))
            if not first_kill_done:
                first_kill_done = True
                killer_tally.first_kill = True
                victim_tally.first_death = True
                tally.duel_first_kills[killer, victim] += 1
        self._count_trades_and_chains(enemy_kills, chain_kills, death_orders, tally, tally_of)
        return kill_weapons, assists

    def _count_trades_and_chains(
        self,
        enemy_kills: list[EnemyKill],
        chain_kills: dict[str, list[tuple[int, int]]],
        death_orders: dict[str, list[int]],
        tally: _MatchTally,
        tally_of: _TallyLookup,
    ) -> None:
        rules = self.rules
        trades = find_trades(
            enemy_kills,
            rules.trade_window_ms,
            rules.trade_window_inclusive,
            rules.trade_mode,
            rules.trade_credit,
        )
        for enemy_kill, is_trade, is_traded in zip(
            enemy_kills, trades.trade_kills, trades.traded_deaths, strict=True
        ):
            if is_trade:
                tally_of(enemy_kill.killer_id).trade_kills += 1
            if is_traded:
                tally_of(enemy_kill.victim_id).traded_deaths += 1
        for player_id, kills in chain_kills.items():
            tally.chains.setdefault(player_id, []).extend(
                find_kill_chains(
                    kills,
                    death_orders.get(player_id, ()),
                    rules.multikill_window_ms,
                    rules.multikill_window_inclusive,
                    rules.multikill_break_on_death,
                )
            )

    def _count_damage(
        self,
        round_: Round,
        present: Mapping[str, PlayerRound],
        kill_weapons: dict[tuple[str, str], str],
        tally: _MatchTally,
        tally_of: _TallyLookup,
    ) -> set[tuple[str, str]]:
        """Enemy damage, hits, duel damage and weapon damage; returns the damaged pairs."""
        team_of = self.team_of
        excluded = self.rules.hs_excluded_weapons
        damaged: set[tuple[str, str]] = set()
        for hit in round_.damage:
            attacker = hit.attacker_id
            receiver = hit.receiver_id
            attacker_team = team_of.get(attacker)
            if attacker_team is None or attacker_team == team_of.get(receiver, attacker_team):
                continue  # self, team and world damage are not damage to enemies (§3)
            amount = hit.amount
            attacker_tally = tally_of(attacker)
            attacker_tally.damage += amount
            attacker_tally.headshots += hit.headshots
            attacker_tally.bodyshots += hit.bodyshots
            attacker_tally.legshots += hit.legshots
            tally_of(receiver).damage_received += amount
            tally.duel_damage[attacker, receiver] += amount
            if amount > 0:
                damaged.add((attacker, receiver))
            weapon = hit.weapon
            attributed = weapon is None
            if weapon is None:
                # Riot damage has no weapon: the killing weapon, else the round-start weapon (§12)
                record = present.get(attacker)
                weapon = kill_weapons.get((attacker, receiver)) or (
                    record.weapon if record is not None else None
                )
            key = weapon or "Unknown"
            weapon_tally = _weapon_tally(tally, attacker, key)
            weapon_tally.damage += amount
            weapon_tally.headshots += hit.headshots
            weapon_tally.bodyshots += hit.bodyshots
            weapon_tally.legshots += hit.legshots
            weapon_tally.attributed |= attributed
            if key not in excluded:
                hits = hit.headshots + hit.bodyshots + hit.legshots
                weapon_tally.eligible_headshots += hit.headshots
                weapon_tally.eligible_hits += hits
                player_hits = tally.hs_hits.setdefault(attacker, [0, 0])
                player_hits[0] += hit.headshots
                player_hits[1] += hits
        return damaged

    def _find_clutches(
        self,
        round_: Round,
        summary: RoundSummary,
        replay: RoundReplay,
        survivors: set[str],
        tallies: dict[str, _Tally],
        clutch_rows: list[Clutch],
    ) -> None:
        attempts = find_clutch_attempts(replay.deaths)
        if not attempts:
            return
        rules = self.rules
        game = self.match.game
        round_end = estimate_round_end_ms(round_, replay.deaths, game)
        for attempt in attempts:
            outcome = settle_clutch(
                attempt,
                replay.deaths,
                replay.revives,
                round_.winning_team_id,
                attempt.player_id in survivors,
                round_end,
            )
            if not is_counted(
                outcome, round_, rules.clutch_confirm_ms, rules.clutch_exclude_surrendered
            ):
                continue
            side = self.side_of(attempt.team_id, summary)
            defending = side == Side.DEFENSE.value
            if rules.clutch_unwinnable_cutoff and not is_winnable_at_start(
                attempt, round_, defending, game
            ):
                continue
            won = outcome.won and (outcome.survived or not rules.clutch_requires_survival)
            clutch_rows.append(
                Clutch(
                    round_number=round_.number,
                    player_id=attempt.player_id,
                    team_id=attempt.team_id,
                    side=side,
                    opponents=attempt.opponents,
                    start_ms=attempt.start_ms,
                    end_ms=outcome.end_ms,
                    won=won,
                    survived=outcome.survived,
                    kills=outcome.kills,
                    ended_by=round_.result_code.value,
                    void=outcome.void,
                )
            )
            if not outcome.void:
                clutcher = tallies.setdefault(attempt.player_id, _Tally())
                clutcher.clutch_opponents = attempt.opponents
                clutcher.clutch_won = won

    def _emit_rows(
        self,
        round_: Round,
        summary: RoundSummary,
        present: Mapping[str, PlayerRound],
        replay: RoundReplay,
        survivors: set[str],
        tallies: dict[str, _Tally],
        round_rows: list[RoundPlayerStats],
        team_rows: list[RoundTeamStats],
    ) -> None:
        rules = self.rules
        winner = round_.winning_team_id
        never_died = rules.kast_survival_mode is SurvivalMode.NEVER_DIED
        by_team: dict[str, list[RoundPlayerStats]] = {team: [] for team in self.opponent_of}
        for player_id in self.player_ids:
            t = tallies.get(player_id)
            if t is None:
                continue
            team = self.team_of[player_id]
            record = present.get(player_id)
            survived = player_id in survivors
            survival_credit = (player_id not in replay.died) if never_died else survived
            if rules.kast_no_survival_credit_in_lost_rounds and winner != team:
                survival_credit = False
            formula = compute_combat_score(
                t.damage, t.enemies_alive_at_kills, t.non_damaging_assists
            )
            official = record.score if record is not None else None
            loadout = record.loadout_value if record is not None else None
            row = RoundPlayerStats(
                round_number=round_.number,
                player_id=player_id,
                team_id=team,
                side=self.side_of(team, summary),
                played=record is not None,
                score=formula if official is None else official,
                score_formula=formula,
                kills=t.kills,
                deaths=t.deaths,
                assists=t.assists,
                enemy_kills=t.enemy_kills,
                damage=t.damage,
                damage_received=t.damage_received,
                headshots=t.headshots,
                bodyshots=t.bodyshots,
                legshots=t.legshots,
                headshot_kills=t.headshot_kills,
                first_kill=t.first_kill,
                first_death=t.first_death,
                trade_kills=t.trade_kills,
                traded_death=t.traded_deaths > 0,
                survived=survived,
                kast=bool(t.enemy_kills or t.kast_assist or survival_credit or t.traded_deaths),
                team_kills=t.team_kills,
                suicides=t.suicides,
                spike_deaths=t.spike_deaths,
                planted=t.planted,
                defused=t.defused,
                clutch_opponents=t.clutch_opponents,
                clutch_won=t.clutch_won,
                loadout_value=loadout,
                spent=record.spent if record is not None else None,
                remaining=record.remaining if record is not None else None,
                buy_type=self.buy_type(loadout, summary, team=False),
            )
            round_rows.append(row)
            by_team[team].append(row)
        for team in sorted(by_team):
            rows = by_team[team]
            played = [r for r in rows if r.played]
            loadouts = [r.loadout_value for r in played if r.loadout_value is not None]
            loadout = sum(loadouts) if loadouts else None
            team_rows.append(
                RoundTeamStats(
                    round_number=round_.number,
                    team_id=team,
                    side=self.side_of(team, summary),
                    won=winner == team,
                    players=len(played),
                    alive_at_end=sum(1 for r in played if r.survived),
                    kills=sum(r.enemy_kills for r in rows),
                    deaths=sum(1 for d in replay.deaths if d.victim_team == team),
                    damage=sum(r.damage for r in rows),
                    first_kill=any(r.first_kill for r in rows),
                    planted=any(r.planted for r in rows),
                    defused=any(r.defused for r in rows),
                    loadout_value=loadout,
                    buy_type=self.buy_type(loadout, summary, team=True),
                    composition=tuple(sorted(self.agent_of[r.player_id] or "" for r in played)),
                )
            )


_TallyLookup = Callable[[str], _Tally]


def _find_survivors(present: Mapping[str, PlayerRound], replay: RoundReplay) -> set[str]:
    """Alive at round end: as the source states it, else as the kills replay it."""
    survivors = set(replay.alive_at_end)
    for player_id, record in present.items():
        if record.alive_at_end is True:
            survivors.add(player_id)
        elif record.alive_at_end is False:
            survivors.discard(player_id)
    return survivors


def _in_processing_order(round_: Round) -> Round:
    kills = round_.kills
    if all(a.t_ms <= b.t_ms for a, b in pairwise(kills)):
        return round_
    ordered = tuple(sorted(kills, key=lambda k: k.t_ms))  # stable: ties keep source order
    return Round(
        number=round_.number,
        winning_team_id=round_.winning_team_id,
        result_code=round_.result_code,
        players=round_.players,
        kills=ordered,
        damage=round_.damage,
        plant=round_.plant,
        defuse=round_.defuse,
        attacking_team_id=round_.attacking_team_id,
        ceremony=round_.ceremony,
        duration_ms=round_.duration_ms,
    )


def _credit_death(
    death: Death, credit: Credit, team_of: Mapping[str, str], tally_of: _TallyLookup
) -> None:
    """K, D, A and the class counters (team kills, suicides, spike deaths) of one death."""
    kill = death.kill
    killer = kill.killer_id
    death_class = death.death_class
    victim_tally = tally_of(kill.victim_id)
    if killer is not None and death_class in credit.kill_classes:
        tally_of(killer).kills += 1
    if death_class in credit.death_classes:
        victim_tally.deaths += 1
    for assistant in _credited_assistants(death, team_of, credit.assists is AssistRule.RIOT):
        tally_of(assistant).assists += 1
    if death_class is DeathClass.TEAM_KILL and killer is not None:
        tally_of(killer).team_kills += 1
    elif death_class is DeathClass.SUICIDE:
        victim_tally.suicides += 1
    elif death_class is DeathClass.SPIKE_DEATH:
        victim_tally.spike_deaths += 1


def _credited_assistants(death: Death, team_of: Mapping[str, str], riot_assists: bool) -> list[str]:
    """The assistants credited with an assist on this death (§2, §20)."""
    kill = death.kill
    credited: list[str] = []
    for assistant in kill.assistant_ids:
        if assistant == kill.killer_id or assistant not in team_of:
            continue
        on_victim_team = team_of[assistant] == death.victim_team
        if riot_assists:
            if not (on_victim_team and death.death_class in SELF_DEATHS):
                credited.append(assistant)
        elif death.death_class is DeathClass.KILL and not on_victim_team:
            credited.append(assistant)
    return credited


def _count_weapon_kill(tally: _MatchTally, killer: str, kill: Kill) -> None:
    weapon = kill.weapon or kill.damage_type.value or "Unknown"
    killer_weapon = _weapon_tally(tally, killer, weapon)
    killer_weapon.kills += 1
    killer_weapon.headshot_kills += bool(kill.headshot)
    killer_weapon.secondary_fire_kills += kill.secondary_fire
    _weapon_tally(tally, kill.victim_id, weapon).deaths_by += 1


def _weapon_tally(tally: _MatchTally, player_id: str, weapon: str) -> _WeaponTally:
    key = (player_id, weapon)
    found = tally.weapons.get(key)
    if found is None:
        found = tally.weapons[key] = _WeaponTally()
    return found


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _percent(numerator: float, denominator: float) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def _bucket(counts: list[int], value: int, first: int) -> None:
    """Add one to the bucket of `value` (buckets start at `first`; the last is open-ended)."""
    if value >= first:
        counts[min(value - first, len(counts) - 1)] += 1


def _five(counts: list[int]) -> tuple[int, int, int, int, int]:
    return (counts[0], counts[1], counts[2], counts[3], counts[4])


def _compute_player_totals(
    match: Match,
    rules: StatRules,
    round_rows: list[RoundPlayerStats],
    clutch_rows: list[Clutch],
    tally: _MatchTally,
    player_ids: list[str],
) -> tuple[MatchPlayerStats, ...]:
    rows_of: dict[str, list[RoundPlayerStats]] = {pid: [] for pid in player_ids}
    for row in round_rows:
        rows_of[row.player_id].append(row)
    clutches_of: dict[str, list[Clutch]] = {}
    for clutch in clutch_rows:
        if not clutch.void:
            clutches_of.setdefault(clutch.player_id, []).append(clutch)
    by_id = {p.player_id: p for p in match.players}
    totals: list[MatchPlayerStats] = []
    for player_id in player_ids:
        player = by_id[player_id]
        rows = rows_of[player_id]
        played = [r for r in rows if r.played]
        rounds = len(played)
        kills = sum(r.kills for r in rows)
        deaths = sum(r.deaths for r in rows)
        assists = sum(r.assists for r in rows)
        score = sum(r.score for r in rows)
        damage = sum(r.damage for r in rows)
        enemy_kills = sum(r.enemy_kills for r in rows)
        headshot_kills = sum(r.headshot_kills for r in rows)
        first_kills = sum(r.first_kill for r in rows)
        first_deaths = sum(r.first_death for r in rows)
        kast_rounds = sum(r.kast for r in played)
        kill_rounds = [0] * 7  # rounds with exactly n enemy kills, 6 = 6+
        for r in rows:
            kill_rounds[min(r.enemy_kills, 6)] += 1
        chains = [0] * MULTIKILL_BUCKETS
        for length in tally.chains.get(player_id, ()):
            _bucket(chains, length, 2)
        attempts = [0] * CLUTCH_BUCKETS
        wins = [0] * CLUTCH_BUCKETS
        clutch_kills = 0
        for clutch in clutches_of.get(player_id, ()):
            _bucket(attempts, clutch.opponents, 1)
            if clutch.won:
                _bucket(wins, clutch.opponents, 1)
            clutch_kills += clutch.kills
        headshots, eligible_hits = tally.hs_hits.get(player_id, (0, 0))
        kpr = _ratio(kills, rounds)
        dpr = _ratio(deaths, rounds)
        apr = _ratio(assists, rounds)
        adr = _ratio(damage, rounds)
        kast = _percent(kast_rounds, rounds)
        economy = [r for r in played if r.loadout_value is not None]
        with_ratings = rules.ratings and rounds > 0
        totals.append(
            MatchPlayerStats(
                player_id=player_id,
                name=player.name,
                team_id=player.team_id,
                agent=player.agent,
                rounds_played=rounds,
                attack_rounds=sum(r.side == Side.ATTACK.value for r in played),
                defense_rounds=sum(r.side == Side.DEFENSE.value for r in played),
                kills=kills,
                deaths=deaths,
                assists=assists,
                score=score,
                acs=_ratio(score, rounds),
                kd=kills / max(deaths, 1),
                kda=(kills + assists) / max(deaths, 1),
                plus_minus=kills - deaths,
                kpr=kpr,
                dpr=dpr,
                apr=apr,
                kast_rounds=kast_rounds,
                kast=kast,
                damage=damage,
                damage_received=sum(r.damage_received for r in rows),
                adr=adr,
                headshots=sum(r.headshots for r in rows),
                bodyshots=sum(r.bodyshots for r in rows),
                legshots=sum(r.legshots for r in rows),
                hs_pct_hits=_percent(headshots, eligible_hits),
                headshot_kills=headshot_kills,
                hs_pct_kills=(
                    _percent(headshot_kills, enemy_kills) if tally.has_headshot_flags else None
                ),
                first_kills=first_kills,
                first_deaths=first_deaths,
                opening_win_pct=_percent(first_kills, first_kills + first_deaths),
                entry_kills=sum(r.first_kill and r.side == Side.ATTACK.value for r in rows),
                multikills=(
                    kill_rounds[2],
                    kill_rounds[3],
                    kill_rounds[4],
                    kill_rounds[5],
                    kill_rounds[6],
                ),
                kill_chains=_five(chains),
                clutch_attempts=_five(attempts),
                clutch_wins=_five(wins),
                clutch_kills=clutch_kills,
                trade_kills=sum(r.trade_kills for r in rows),
                traded_deaths=sum(r.traded_death for r in rows),
                survived_rounds=sum(r.survived for r in played),
                team_kills=sum(r.team_kills for r in rows),
                suicides=sum(r.suicides for r in rows),
                spike_deaths=sum(r.spike_deaths for r in rows),
                plants=sum(r.planted for r in rows),
                defuses=sum(r.defused for r in rows),
                spent=sum(r.spent or 0 for r in played),
                loadout_value=sum(r.loadout_value or 0 for r in played),
                economy_rounds=len(economy),
                rating_v1=(
                    compute_rating_v1(kills, deaths, rounds, kill_rounds) if with_ratings else None
                ),
                rating2_approx=(
                    compute_rating2_approx(
                        kast or 0.0, kpr or 0.0, dpr or 0.0, apr or 0.0, adr or 0.0
                    )
                    if with_ratings
                    else None
                ),
            )
        )
    return tuple(totals)


def _compute_team_totals(
    match: Match,
    team_rows: list[RoundTeamStats],
    round_rows: list[RoundPlayerStats],
    players: tuple[MatchPlayerStats, ...],
    clutch_rows: list[Clutch],
    opponent_of: Mapping[str, str],
) -> tuple[TeamMatchStats, ...]:
    names = {t.team_id: t.name for t in match.teams}
    rows_by_round = {(r.round_number, r.team_id): r for r in team_rows}
    totals: list[TeamMatchStats] = []
    for team in sorted(opponent_of):
        mine = [r for r in team_rows if r.team_id == team]
        theirs = {
            r.round_number: rows_by_round.get((r.round_number, opponent_of[team])) for r in mine
        }
        members = [p for p in players if p.team_id == team]
        member_rounds = [r for r in round_rows if r.team_id == team]
        won = sum(r.won for r in mine)
        lost = sum(1 for r in mine if not r.won and _has_winner(theirs[r.round_number]))
        fk_rounds = [r for r in mine if r.first_kill]
        fd_rounds = [r for r in mine if (o := theirs[r.round_number]) is not None and o.first_kill]
        pistols = [r for r in mine if r.buy_type == BuyType.PISTOL.value]
        planted = [r for r in mine if r.planted]
        retakes = [r for r in mine if (o := theirs[r.round_number]) is not None and o.planted]
        low = [r for r in mine if r.buy_type in LOW_BUYS]
        buy_rounds: dict[str, tuple[int, int]] = {}
        for r in mine:
            if r.buy_type is not None:
                played_count, won_count = buy_rounds.get(r.buy_type, (0, 0))
                buy_rounds[r.buy_type] = (played_count + 1, won_count + r.won)
        multikills = [0] * MULTIKILL_BUCKETS
        for row in member_rounds:
            _bucket(multikills, row.enemy_kills, 2)
        acs_values = [p.acs for p in members if p.acs is not None]
        team_clutches = [c for c in clutch_rows if c.team_id == team and not c.void]
        totals.append(
            TeamMatchStats(
                team_id=team,
                name=names.get(team, team),
                won=_team_won(match, team, won, lost),
                rounds_played=len(mine),
                rounds_won=won,
                rounds_lost=lost,
                kills=sum(r.kills for r in mine),
                deaths=sum(r.deaths for r in mine),
                assists=sum(p.assists for p in members),
                damage=sum(r.damage for r in mine),
                avg_acs=sum(acs_values) / len(acs_values) if acs_values else None,
                first_kill_rounds=len(fk_rounds),
                first_kill_rounds_won=sum(r.won for r in fk_rounds),
                fk_conversion=_percent(sum(r.won for r in fk_rounds), len(fk_rounds)),
                first_death_rounds=len(fd_rounds),
                first_death_rounds_won=sum(r.won for r in fd_rounds),
                pistols_played=len(pistols),
                pistols_won=sum(r.won for r in pistols),
                plants=len(planted),
                defuses=sum(r.defused for r in mine),
                post_plant_rounds=len(planted),
                post_plant_won=sum(r.won for r in planted),
                retake_rounds=len(retakes),
                retakes_won=sum(r.won and r.defused for r in retakes),
                eco_rounds=len(low),
                eco_wins=sum(
                    r.won and (o := theirs[r.round_number]) is not None and o.buy_type in HIGH_BUYS
                    for r in low
                ),
                flawless_rounds=sum(r.won and r.deaths == 0 for r in mine),
                clutches_attempted=len(team_clutches),
                clutches_won=sum(c.won for c in team_clutches),
                trade_kills=sum(p.trade_kills for p in members),
                team_kills=sum(p.team_kills for p in members),
                multikills=_five(multikills),
                buy_rounds=dict(sorted(buy_rounds.items())),
            )
        )
    return tuple(totals)


def _has_winner(opponent_row: RoundTeamStats | None) -> bool:
    return opponent_row is not None and opponent_row.won


def _team_won(match: Match, team: str, won: int, lost: int) -> bool:
    stated = {t.team_id: t.won for t in match.teams}.get(team)
    return stated if stated is not None else won > lost


def _compute_side_totals(
    team_ids: list[str],
    team_rows: list[RoundTeamStats],
    round_rows: list[RoundPlayerStats],
    summaries: list[RoundSummary],
    clutch_rows: list[Clutch],
) -> tuple[TeamSideStats, ...]:
    pistol_rounds = {s.round_number for s in summaries if s.pistol}
    totals: list[TeamSideStats] = []
    for team in team_ids:
        for side in (Side.ATTACK.value, Side.DEFENSE.value):
            mine = [r for r in team_rows if r.team_id == team and r.side == side]
            if not mine:
                continue
            numbers = {r.round_number for r in mine}
            players = [r for r in round_rows if r.team_id == team and r.round_number in numbers]
            clutches = [
                c for c in clutch_rows if c.team_id == team and c.side == side and not c.void
            ]
            pistols = [r for r in mine if r.round_number in pistol_rounds]
            won = sum(r.won for r in mine)
            totals.append(
                TeamSideStats(
                    team_id=team,
                    side=side,
                    rounds_played=len(mine),
                    rounds_won=won,
                    rounds_lost=len(mine) - won,
                    kills=sum(r.kills for r in mine),
                    deaths=sum(r.deaths for r in mine),
                    first_kills=sum(r.first_kill for r in players),
                    first_deaths=sum(r.first_death for r in players),
                    plants=sum(r.planted for r in mine),
                    defuses=sum(r.defused for r in mine),
                    pistols_played=len(pistols),
                    pistols_won=sum(r.won for r in pistols),
                    clutches_attempted=len(clutches),
                    clutches_won=sum(c.won for c in clutches),
                )
            )
    return tuple(totals)


def _compute_period_totals(
    team_ids: list[str], team_rows: list[RoundTeamStats], half_rounds: int
) -> tuple[TeamPeriodStats, ...]:
    def period_of(number: int) -> str:
        if number < half_rounds:
            return "first_half"
        if number < 2 * half_rounds:
            return "second_half"
        return "overtime"

    totals: list[TeamPeriodStats] = []
    for team in team_ids:
        for period in ("first_half", "second_half", "overtime"):
            mine = [
                r for r in team_rows if r.team_id == team and period_of(r.round_number) == period
            ]
            if mine:
                won = sum(r.won for r in mine)
                totals.append(TeamPeriodStats(team, period, len(mine), won, len(mine) - won))
    return tuple(totals)


def _compute_duels(
    tally: _MatchTally, player_ids: list[str], team_of: Mapping[str, str]
) -> tuple[Duel, ...]:
    duels: list[Duel] = []
    kills = tally.duel_kills
    first = tally.duel_first_kills
    damage = tally.duel_damage
    for player in player_ids:
        for opponent in player_ids:
            if team_of[player] == team_of[opponent]:
                continue
            duels.append(
                Duel(
                    player_id=player,
                    opponent_id=opponent,
                    kills=kills[player, opponent],
                    deaths=kills[opponent, player],
                    damage_dealt=damage[player, opponent],
                    damage_taken=damage[opponent, player],
                    first_kills=first[player, opponent],
                    first_deaths=first[opponent, player],
                )
            )
    return tuple(duels)


def _compute_weapons(tally: _MatchTally) -> tuple[WeaponStats, ...]:
    return tuple(
        WeaponStats(
            player_id=player_id,
            weapon=weapon,
            kills=w.kills,
            headshot_kills=w.headshot_kills,
            deaths_by=w.deaths_by,
            damage=w.damage,
            headshots=w.headshots,
            bodyshots=w.bodyshots,
            legshots=w.legshots,
            hs_pct_hits=_percent(w.eligible_headshots, w.eligible_hits),
            damage_attributed=w.attributed,
            secondary_fire_kills=w.secondary_fire_kills,
        )
        for (player_id, weapon), w in sorted(tally.weapons.items())
    )
