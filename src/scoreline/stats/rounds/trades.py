"""Trades (STAT_DEFINITIONS §7): trade kills for avengers, traded deaths for their teammates.

Strict mode: a kill E1 (X kills V) is traded by a later or simultaneous enemy kill E2
(Y kills X) when Y is V's teammate, Y != V (nobody trades their own death, §7.1) and the
gap t2 - t1 is inside the window. Loose mode: V's death is traded when any teammate of V
kills any enemy inside the window. One linear pass; each kill looks only at the kills of
its own victim (strict) or at the recent deaths of the killer's team (loose).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from scoreline.stats.rounds.rules import TradeCredit, TradeMode


class EnemyKill(NamedTuple):
    t_ms: int
    killer_id: str
    victim_id: str
    killer_team: str
    victim_team: str


class Trades(NamedTuple):
    trade_kills: list[bool]  # per kill: this kill avenged at least one teammate's death
    traded_deaths: list[bool]  # per kill: the victim's death was traded


def find_trades(
    kills: Sequence[EnemyKill],
    window_ms: int,
    inclusive: bool,
    mode: TradeMode = TradeMode.STRICT,
    credit: TradeCredit = TradeCredit.ALL_IN_WINDOW,
) -> Trades:
    """Mark trade kills and traded deaths among one round's enemy kills, in processing order."""
    count = len(kills)
    trade_kills = [False] * count
    traded = [False] * count
    # A strict window admits gaps < W; an inclusive one admits gaps <= W.
    limit = window_ms if inclusive else window_ms - 1
    if mode is TradeMode.STRICT:
        kills_by: dict[str, list[int]] = {}
        for i, (t2, avenger, killer, avenger_team, _) in enumerate(kills):
            earlier = kills_by.get(killer)
            if earlier:
                avenged = [
                    j
                    for j in earlier
                    if t2 - kills[j].t_ms <= limit
                    and kills[j].victim_team == avenger_team
                    and kills[j].victim_id != avenger
                ]
                if avenged:
                    trade_kills[i] = True
                    if credit is TradeCredit.ALL_IN_WINDOW:
                        for j in avenged:
                            traded[j] = True
                    else:
                        traded[avenged[-1]] = True
            kills_by.setdefault(avenger, []).append(i)
        return Trades(trade_kills, traded)
    for i, (t2, avenger, _, avenger_team, _) in enumerate(kills):
        for j in range(i - 1, -1, -1):
            death = kills[j]
            if t2 - death.t_ms > limit:
                break
            if death.victim_team == avenger_team and death.victim_id != avenger:
                trade_kills[i] = True
                traded[j] = True
    return Trades(trade_kills, traded)
