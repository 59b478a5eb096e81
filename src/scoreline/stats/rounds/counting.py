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
    ENEMY_OF_VICTIM = "enemy_of_victim"  # any death, the assistant on the victim's other side


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
# CS2's round_stats: enemy kills only and every death (§20). An assist goes to whoever
# the log names on the victim's other side, on a team kill too: checked on the real log,
# where it is the only rule that reproduces every player's published assists.
CS2_CREDIT = Credit(frozenset({DeathClass.KILL}), EVERY_DEATH, AssistRule.ENEMY_OF_VICTIM)
ENEMY_ONLY_CREDIT = Credit(frozenset({DeathClass.KILL}), EVERY_DEATH, AssistRule.ENEMY_KILLS)


def credit_rules(game: Game, counting: Counting) -> Credit:
    if counting is Counting.PUBLISHER:
        return RIOT_CREDIT if game is Game.VALORANT else CS2_CREDIT
    return ENEMY_ONLY_CREDIT


class CreditTable(NamedTuple):
    """`Credit` as lookups by death class, for the per-death loop (no set hashing there)."""

    kill: tuple[bool, ...]  # by class: the killer gets a K
    death: tuple[bool, ...]  # by class: the victim gets a D
    assist: tuple[tuple[bool, bool], ...]  # by class, then by "assistant on the victim's team"


def credit_table(game: Game, counting: Counting) -> CreditTable:
    credit = credit_rules(game, counting)
    riot = credit.assists is AssistRule.RIOT
    any_death = riot or credit.assists is AssistRule.ENEMY_OF_VICTIM
    return CreditTable(
        tuple(c in credit.kill_classes for c in DeathClass),
        tuple(c in credit.death_classes for c in DeathClass),
        tuple(
            (
                any_death or c is DeathClass.KILL,  # an assistant on the other side
                riot and c not in SELF_DEATHS,  # a teammate of the victim
            )
            for c in DeathClass
        ),
    )
