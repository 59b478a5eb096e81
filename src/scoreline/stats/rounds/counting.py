"""Basic counters (STAT_DEFINITIONS §2, §20): which death classes credit K, D and A."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from scoreline.domain.rounds import Game
from scoreline.stats.rounds.classification import DeathClass
from scoreline.stats.rounds.rules import Counting


class AssistRule(Enum):
    ENEMY_KILLS = "enemy_kills"  # assistants of enemy kills only
    RIOT = "riot"  # every listed assistant, except the victim's teammates on a self-death


class Credit(NamedTuple):
    kill_classes: frozenset[DeathClass]
    death_classes: frozenset[DeathClass]
    assists: AssistRule


SELF_DEATHS = frozenset({DeathClass.SUICIDE, DeathClass.SPIKE_DEATH, DeathClass.ENVIRONMENT})
EVERY_DEATH = frozenset(DeathClass)

# Riot's scoreboard: team kills credit the killer, spike deaths credit nobody (§20).
RIOT_CREDIT = Credit(
    frozenset({DeathClass.KILL, DeathClass.TEAM_KILL}),
    EVERY_DEATH - {DeathClass.SPIKE_DEATH},
    AssistRule.RIOT,
)
# CS2's round_stats: enemy kills only, every death, enemy assists including flash (§20).
ENEMY_ONLY_CREDIT = Credit(frozenset({DeathClass.KILL}), EVERY_DEATH, AssistRule.ENEMY_KILLS)


def credit_rules(game: Game, counting: Counting) -> Credit:
    if counting is Counting.PUBLISHER and game is Game.VALORANT:
        return RIOT_CREDIT
    return ENEMY_ONLY_CREDIT
