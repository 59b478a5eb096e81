"""Replay one round's deaths in order: classes, alive counts and inferred revives (§0.2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from scoreline.domain.rounds import DamageType, Kill, Round
from scoreline.stats.rounds.classification import DeathClass, classify_death


class Death(NamedTuple):
    order: int  # processing order in the round
    kill: Kill
    killer_team: str | None
    victim_team: str
    death_class: DeathClass
    in_events: bool  # counts for first kills, trades and clutches (not an exit frag)
    enemies_alive: int  # the victim's team alive just before, victim included
    last_alive: str | None  # the victim team's sole survivor after this death
    opponents_alive: int  # alive on the victim's opposing team after this death


class Revive(NamedTuple):
    order: int
    t_ms: int
    player_id: str
    team_id: str


class RoundReplay(NamedTuple):
    deaths: list[Death]
    revives: list[Revive]
    alive_at_end: set[str]  # before any exit frag
    died: set[str]  # died at least once before the round ended


def replay_round(
    round_: Round,
    team_of: Mapping[str, str],
    opponent_of: Mapping[str, str],
    post_round_kills_in_events: bool,
) -> RoundReplay:
    """Walk the kills once, keeping who is alive on each team.

    Revives are not events (Sage): a dead player who dies again, or fires a weapon, is taken
    as revived at that moment. A kill by a dead player's ability or utility is not a revive.
    """
    alive: dict[str, set[str]] = {team: set() for team in opponent_of}
    for record in round_.players:
        team = team_of.get(record.player_id)
        if team is not None:
            alive[team].add(record.player_id)
    dead: set[str] = set()
    died: set[str] = set()
    deaths: list[Death] = []
    revives: list[Revive] = []
    alive_at_end: set[str] | None = None
    for order, kill in enumerate(round_.kills):
        victim = kill.victim_id
        killer = kill.killer_id
        victim_team = team_of[victim]
        killer_team = team_of.get(killer) if killer else None
        in_events = not kill.after_round_end or post_round_kills_in_events
        if kill.after_round_end and alive_at_end is None:
            alive_at_end = set().union(*alive.values())
        if in_events:
            if victim in dead:
                dead.discard(victim)
                alive[victim_team].add(victim)
                revives.append(Revive(order, kill.t_ms, victim, victim_team))
            if (
                killer in dead
                and killer != victim
                and killer_team is not None
                and kill.damage_type is DamageType.WEAPON
            ):
                dead.discard(killer)
                alive[killer_team].add(killer)
                revives.append(Revive(order, kill.t_ms, killer, killer_team))
        team_alive = alive[victim_team]
        if victim not in team_alive and victim not in dead and in_events:
            team_alive.add(victim)  # absent from the round's records, yet there to die
        enemies_alive = len(team_alive)
        last_alive: str | None = None
        if in_events:
            team_alive.discard(victim)
            dead.add(victim)
            died.add(victim)
            if len(team_alive) == 1:
                last_alive = next(iter(team_alive))
        deaths.append(
            Death(
                order,
                kill,
                killer_team,
                victim_team,
                classify_death(killer, victim, kill.damage_type, killer_team, victim_team),
                in_events,
                enemies_alive,
                last_alive,
                len(alive[opponent_of[victim_team]]),
            )
        )
    if alive_at_end is None:
        alive_at_end = set().union(*alive.values())
    return RoundReplay(deaths, revives, alive_at_end, died)
