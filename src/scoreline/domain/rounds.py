"""Canonical model of a round-based shooter match (Valorant, CS2), keyed on stable ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Game(StrEnum):
    VALORANT = "valorant"
    CS2 = "cs2"


class DamageType(StrEnum):
    """How a death was dealt (Riot `finishingDamage.damageType`; CS adapters map to it)."""

    WEAPON = "Weapon"
    ABILITY = "Ability"
    BOMB = "Bomb"  # spike / C4 detonation
    FALL = "Fall"
    MELEE = "Melee"
    INVALID = "Invalid"
    UNKNOWN = ""


class ResultCode(StrEnum):
    """How a round ended, normalised across sources."""

    ELIMINATION = "Elimination"
    DETONATE = "Detonate"
    DEFUSE = "Defuse"
    TIMER = "Timer"
    SURRENDERED = "Surrendered"
    UNKNOWN = ""


class Side(StrEnum):
    ATTACK = "attack"  # Valorant attackers, CS2 terrorists
    DEFENSE = "defense"  # Valorant defenders, CS2 counter-terrorists


Position = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Player:
    """A participant. `player_id` is the stable id (puuid, SteamID64); `name` is display only."""

    player_id: str
    name: str
    team_id: str
    agent: str | None = None  # Valorant character id; None where the game has none
    party_id: str | None = None


@dataclass(frozen=True, slots=True)
class Team:
    team_id: str
    name: str
    rounds_won: int | None = None  # the publisher's own count, where the source has it
    won: bool | None = None


@dataclass(frozen=True, slots=True)
class Kill:
    """One death. `killer_id` is None for world deaths; equals `victim_id` for self-deaths.

    Riot reports spike and fall deaths with killer == victim; adapters keep that and set
    `damage_type` so the stat layer can classify the death (STAT_DEFINITIONS §1).
    """

    t_ms: int  # since round start
    killer_id: str | None
    victim_id: str
    assistant_ids: tuple[str, ...] = ()
    weapon: str | None = None  # Valorant damageItem (uuid or ability slot); CS weapon name
    damage_type: DamageType = DamageType.WEAPON
    headshot: bool | None = None  # None where the source does not say (Riot kill events)
    secondary_fire: bool = False
    after_round_end: bool = False  # exit frags, where the source tells
    killer_position: Position | None = None
    victim_position: Position | None = None


@dataclass(frozen=True, slots=True)
class Damage:
    """Damage from one attacker to one receiver: a per-round total (Riot) or one hit (CS logs).

    `amount` is health damage as the publisher counts it (CS: capped at health left).
    """

    attacker_id: str
    receiver_id: str
    amount: int
    headshots: int = 0
    bodyshots: int = 0
    legshots: int = 0
    weapon: str | None = None  # None where the source does not attribute damage to a weapon
    t_ms: int | None = None


@dataclass(frozen=True, slots=True)
class PlayerRound:
    """A player's presence in a round: the record that makes the round 'played' (§0.3)."""

    player_id: str
    score: int | None = None  # the publisher's per-round combat score, where present
    loadout_value: int | None = None
    spent: int | None = None
    remaining: int | None = None
    weapon: str | None = None  # weapon held or bought at round start
    armor: str | None = None
    was_afk: bool = False
    alive_at_end: bool | None = None  # where the source states it; otherwise replayed from kills


@dataclass(frozen=True, slots=True)
class Plant:
    t_ms: int
    planter_id: str
    site: str | None = None


@dataclass(frozen=True, slots=True)
class Defuse:
    t_ms: int
    defuser_id: str


@dataclass(frozen=True, slots=True)
class Round:
    """One round. `kills` are in processing order: by `t_ms`, ties in source order (§0.2).

    `attacking_team_id` is set only where the source states sides for the round (CS team
    sides, Riot `winningTeamRole`); the stat layer derives the rest (§13.2).
    """

    number: int  # 0-based
    winning_team_id: str | None
    result_code: ResultCode
    players: tuple[PlayerRound, ...]
    kills: tuple[Kill, ...] = ()
    damage: tuple[Damage, ...] = ()
    plant: Plant | None = None
    defuse: Defuse | None = None
    attacking_team_id: str | None = None
    ceremony: str | None = None
    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class PublishedTotals:
    """A player's totals as the publisher itself reports them, kept to check parity."""

    player_id: str
    kills: int
    deaths: int
    assists: int | None = None  # HenrikDev v2 files may not report assists
    score: int | None = None
    rounds_played: int | None = None
    damage: int | None = None
    adr: float | None = None
    hs_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A whole match in canonical form. `match_id` is the source's own id."""

    match_id: str
    game: Game
    source_format: str  # e.g. "riot-val-match-v1", "henrik-v4", "cs2-server-log"
    map_name: str
    mode: str
    started_at: datetime  # timezone-aware
    players: tuple[Player, ...]
    teams: tuple[Team, ...]
    rounds: tuple[Round, ...]
    queue: str = ""
    ranked: bool = False
    duration_ms: int | None = None
    published: tuple[PublishedTotals, ...] = ()
