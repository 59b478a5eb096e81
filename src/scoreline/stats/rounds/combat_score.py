"""Valorant combat score by formula (STAT_DEFINITIONS §5), the fallback and validator.

Riot never published the constants; these are the community reconstruction (§5.1):
damage to enemies, 50 + 20 x enemies alive (victim included) per enemy kill, 50 per kill
after the first in the round, and 25 per non-damaging assist. The publisher's own per-round
score is preferred wherever the data has it.
"""

from __future__ import annotations

from collections.abc import Iterable

KILL_BONUS_BASE = 50
KILL_BONUS_PER_ENEMY_ALIVE = 20
MULTIKILL_BONUS_PER_EXTRA_KILL = 50
NON_DAMAGING_ASSIST_BONUS = 25


def kill_bonus(enemies_alive: int, earlier_kills: int) -> int:
    """The points one enemy kill adds: 50 + 20 x enemies alive (victim included), and 50
    more unless it is the player's first kill of the round."""
    extra = MULTIKILL_BONUS_PER_EXTRA_KILL if earlier_kills else 0
    return KILL_BONUS_BASE + KILL_BONUS_PER_ENEMY_ALIVE * enemies_alive + extra


def compute_combat_score(
    enemy_damage: int, enemies_alive_at_kills: Iterable[int], non_damaging_assists: int
) -> int:
    """One player's combat score for one round."""
    bonus = sum(
        kill_bonus(enemies_alive, earlier)
        for earlier, enemies_alive in enumerate(enemies_alive_at_kills)
    )
    return enemy_damage + bonus + NON_DAMAGING_ASSIST_BONUS * non_damaging_assists
