"""Death classification (STAT_DEFINITIONS §1): which class every death belongs to."""

from __future__ import annotations

from enum import IntEnum

from scoreline.domain.rounds import DamageType


class DeathClass(IntEnum):
    KILL = 0  # an enemy kill
    TEAM_KILL = 1
    SUICIDE = 2
    SPIKE_DEATH = 3  # spike or C4 detonation
    ENVIRONMENT = 4  # no killer, or a fall


def classify_death(
    killer_id: str | None,
    victim_id: str,
    damage_type: DamageType,
    killer_team: str | None,
    victim_team: str,
) -> DeathClass:
    """Classify one death; the first matching rule wins (§1 'Recommended classification')."""
    if damage_type is DamageType.BOMB:
        return DeathClass.SPIKE_DEATH
    if not killer_id:
        return DeathClass.ENVIRONMENT
    if killer_id == victim_id:
        if damage_type is DamageType.FALL:
            return DeathClass.ENVIRONMENT
        return DeathClass.SUICIDE
    if killer_team == victim_team:
        return DeathClass.TEAM_KILL
    return DeathClass.KILL
