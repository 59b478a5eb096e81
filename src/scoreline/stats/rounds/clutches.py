"""Clutches 1v1-1v5 (STAT_DEFINITIONS §10): attempts, outcomes and the optional filters.

An attempt opens when a death leaves a team with one player alive against X >= 1 opponents,
at most once per player per round; X is fixed then. When it becomes 1v1 the opponent's last
player gets an attempt too. The attempt is won when the clutcher's team wins the round, by
any end. A teammate revived while the attempt is open voids it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from scoreline.domain.rounds import Game, ResultCode, Round
from scoreline.stats.rounds.classification import DeathClass
from scoreline.stats.rounds.replay import Death, Revive

# Valorant spike: 45 s fuse, 7 s defuse. CS2 C4: 40 s fuse, 10 s defuse without a kit.
FUSE_MS = {Game.VALORANT: 45_000, Game.CS2: 40_000}
DEFUSE_MS = {Game.VALORANT: 7_000, Game.CS2: 10_000}

_KILL = DeathClass.KILL  # resolved once: Enum class attribute access is a descriptor call


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


def find_clutch_attempts(
    deaths: Sequence[Death], opponent_of: Mapping[str, str]
) -> list[ClutchAttempt]:
    """Attempts opened by `deaths` (those after which some team has one player alive).

    Both teams are looked at after each death: the victim's, and the other one, whose sole
    player may have been alone from the round's start (a team of one in a custom game).
    """
    attempts: list[ClutchAttempt] = []
    opened: set[str] = set()
    for death in deaths:
        t_ms = death.kill.t_ms
        clutcher = death.last_alive
        if clutcher is not None and clutcher not in opened and death.opponents_alive >= 1:
            opened.add(clutcher)
            attempts.append(
                ClutchAttempt(clutcher, death.victim_team, death.opponents_alive, t_ms, death.order)
            )
        clutcher = death.opponent_last_alive
        remaining = death.enemies_alive - 1  # the victim's team, after this death
        if clutcher is not None and clutcher not in opened and remaining >= 1:
            opened.add(clutcher)
            team = opponent_of[death.victim_team]
            attempts.append(ClutchAttempt(clutcher, team, remaining, t_ms, death.order))
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
    deaths: list[Death],
    revives: Sequence[Revive],
    winner: str | None,
    survived: bool,
    round_end_ms: int,
) -> ClutchOutcome:
    """The outcome of one attempt. `deaths` are the round's, indexed by processing order."""
    clutcher = attempt.player_id
    kills = 0
    end_ms: int | None = None
    # Only the deaths after the attempt opened matter: a slice, as attempts open late.
    for death in deaths[attempt.start_order + 1 :]:
        if not death.in_events:
            continue
        kill = death.kill
        if kill.killer_id == clutcher and death.death_class is _KILL:
            kills += 1
        if end_ms is None and kill.victim_id == clutcher:
            end_ms = kill.t_ms
    end = round_end_ms if end_ms is None else end_ms
    void = bool(revives) and any(
        r.team_id == attempt.team_id
        and r.player_id != clutcher
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
