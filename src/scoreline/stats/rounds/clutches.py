"""Clutches 1v1-1v5 (STAT_DEFINITIONS §10): attempts, outcomes and the optional filters.

An attempt opens when a death leaves a team with one player alive against X >= 1 opponents,
at most once per player per round; X is fixed then. When it becomes 1v1 the opponent's last
player gets an attempt too. The attempt is won when the clutcher's team wins the round, by
any end. A teammate revived while the attempt is open voids it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from scoreline.domain.rounds import Game, ResultCode, Round
from scoreline.stats.rounds.classification import DeathClass
from scoreline.stats.rounds.replay import Death, Revive

# Valorant spike: 45 s fuse, 7 s defuse. CS2 C4: 40 s fuse, 10 s defuse without a kit.
FUSE_MS = {Game.VALORANT: 45_000, Game.CS2: 40_000}
DEFUSE_MS = {Game.VALORANT: 7_000, Game.CS2: 10_000}


class ClutchAttempt(NamedTuple):
    player_id: str
    team_id: str
    opponents: int
    start_ms: int
    start_order: int


class ClutchOutcome(NamedTuple):
    attempt: ClutchAttempt
    won: bool
    survived: bool
    kills: int
    end_ms: int
    void: bool


def find_clutch_attempts(deaths: Sequence[Death]) -> list[ClutchAttempt]:
    attempts: list[ClutchAttempt] = []
    opened: set[str] = set()
    for death in deaths:
        clutcher = death.last_alive
        if clutcher is not None and clutcher not in opened and death.opponents_alive >= 1:
            opened.add(clutcher)
            attempts.append(
                ClutchAttempt(
                    clutcher,
                    death.victim_team,
                    death.opponents_alive,
                    death.kill.t_ms,
                    death.order,
                )
            )
    return attempts


def estimate_round_end_ms(round_: Round, deaths: Sequence[Death], game: Game) -> int:
    """The round's end: stated by the source, else implied by detonation, defuse or last kill."""
    if round_.duration_ms is not None:
        return round_.duration_ms
    if round_.result_code is ResultCode.DETONATE and round_.plant is not None:
        return round_.plant.t_ms + FUSE_MS[game]
    if round_.result_code is ResultCode.DEFUSE and round_.defuse is not None:
        return round_.defuse.t_ms
    in_round = [d.kill.t_ms for d in deaths if d.in_events]
    return max(in_round, default=0)


def settle_clutch(
    attempt: ClutchAttempt,
    deaths: Sequence[Death],
    revives: Sequence[Revive],
    winner: str | None,
    survived: bool,
    round_end_ms: int,
) -> ClutchOutcome:
    kills = 0
    end_ms: int | None = None
    for death in deaths:
        if death.order <= attempt.start_order or not death.in_events:
            continue
        kill = death.kill
        if kill.killer_id == attempt.player_id and death.death_class is DeathClass.KILL:
            kills += 1
        if end_ms is None and kill.victim_id == attempt.player_id:
            end_ms = kill.t_ms
    end = round_end_ms if end_ms is None else end_ms
    void = any(
        r.team_id == attempt.team_id
        and r.player_id != attempt.player_id
        and attempt.start_order < r.order
        and (end_ms is None or r.t_ms <= end_ms)
        for r in revives
    )
    return ClutchOutcome(attempt, winner == attempt.team_id, survived, kills, max(end, 0), void)


def is_winnable_at_start(
    attempt: ClutchAttempt, round_: Round, defending: bool, game: Game
) -> bool:
    """HLTV's cut-off, adapted: a defender clutch after the plant must leave time to defuse."""
    if not defending or round_.plant is None or attempt.start_ms < round_.plant.t_ms:
        return True
    return attempt.start_ms <= round_.plant.t_ms + FUSE_MS[game] - DEFUSE_MS[game]


def is_counted(
    outcome: ClutchOutcome, round_: Round, confirm_ms: int, skip_surrender: bool
) -> bool:
    if skip_surrender and round_.result_code is ResultCode.SURRENDERED:
        return False
    return outcome.end_ms - outcome.attempt.start_ms >= confirm_ms
