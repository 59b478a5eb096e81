"""Replay one round's deaths in order: classes, alive counts and inferred revives (§0.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from scoreline.domain.rounds import DamageType, Kill, Round
from scoreline.stats.rounds.classification import DeathClass, classify_death


class Death(NamedTuple):
    order: int  # processing order in the round, also this death's index in `RoundReplay.deaths`
    kill: Kill
    killer_team: str | None
    victim_team: str
    death_class: DeathClass
    in_events: bool  # counts for first kills, trades and clutches (not an exit frag)
    enemies_alive: int  # the victim's team alive just before, victim included
    last_alive: str | None  # the victim team's sole survivor after this death
    opponents_alive: int  # alive on the victim's opposing team after this death
    opponent_last_alive: str | None  # the opposing team's sole survivor after this death


class Revive(NamedTuple):
    order: int
    t_ms: int
    player_id: str
    team_id: str


class RoundReplay(NamedTuple):
    deaths: list[Death]
    revives: list[Revive]
    alive_at_end: set[str]  # before any exit frag; a fresh set the caller may change
    died: set[str]  # died at least once before the round ended
    lone_survivor_deaths: list[Death]  # the deaths after which a team has one alive (clutches)


# Deaths are built with tuple.__new__ rather than Death(...): one per kill, and the generated
# NamedTuple constructor is a Python call (measured: 0.15 us against 0.33 us per death).
_new_death = partial(tuple.__new__, Death)
_WEAPON = DamageType.WEAPON
_BOMB = DamageType.BOMB
_KILL = DeathClass.KILL
_t_ms = attrgetter("t_ms")


def in_processing_order(kills: Sequence[Kill]) -> Sequence[Kill]:
    """The kills by time, ties in source order (§0.2); `kills` itself when already so."""
    times = [kill.t_ms for kill in kills]
    if times == sorted(times):  # two C-level passes; a generator over pairs costs per pair
        return kills
    return sorted(kills, key=_t_ms)  # stable: ties keep source order


def replay_round(
    round_: Round,
    team_of: Mapping[str, str],
    opponent_of: Mapping[str, str],
    post_round_kills_in_events: bool,
) -> RoundReplay:
    """Walk the kills once in processing order, keeping who is alive on each team.

    Revives are not events (Sage): a dead player who dies again, or fires a weapon, is taken
    as revived at that moment. A kill by a dead player's ability or utility is not a revive.
    A victim absent from the round's records is taken as alive until that death.
    """
    alive: dict[str, set[str]] = {team: set() for team in opponent_of}
    for record in round_.players:
        team = team_of.get(record.player_id)
        if team is not None:
            alive[team].add(record.player_id)
    # Each team's alive set with its opponents', found with one lookup per death.
    sets_of = {team: (alive[team], alive[opponent_of[team]]) for team in opponent_of}
    dead: dict[str, int] = {}  # the dead, with the time of their death
    deaths: list[Death] = []
    lone_survivor_deaths: list[Death] = []
    revives: list[Revive] = []
    alive_at_end: set[str] | None = None
    for order, kill in enumerate(in_processing_order(round_.kills)):
        victim = kill.victim_id
        killer = kill.killer_id
        victim_team = team_of[victim]
        killer_team = team_of.get(killer) if killer else None
        team_alive, opponents_alive = sets_of[victim_team]
        last_alive: str | None = None
        opponent_last_alive: str | None = None
        if kill.after_round_end:
            if alive_at_end is None:
                alive_at_end = set().union(*alive.values())
            in_events = post_round_kills_in_events
        else:
            in_events = True
        if in_events:
            if victim in dead or killer in dead:
                _revive(order, kill, killer_team, victim_team, alive, dead, revives)
            team_alive.add(victim)  # a no-op unless absent from the records
            enemies_alive = len(team_alive)
            team_alive.discard(victim)
            dead[victim] = kill.t_ms
            if len(team_alive) == 1:
                last_alive = next(iter(team_alive))
            if len(opponents_alive) == 1:
                opponent_last_alive = next(iter(opponents_alive))
        else:
            enemies_alive = len(team_alive)
        death = _new_death(
            (
                order,
                kill,
                killer_team,
                victim_team,
                _classify(kill, killer_team, victim_team),
                in_events,
                enemies_alive,
                last_alive,
                len(opponents_alive),
                opponent_last_alive,
            )
        )
        deaths.append(death)
        if last_alive is not None or opponent_last_alive is not None:
            lone_survivor_deaths.append(death)
    if alive_at_end is None:
        alive_at_end = set().union(*alive.values())
    # Everyone who died is dead still or was revived: no set to keep up per death.
    died = set(dead).union(r.player_id for r in revives)
    return RoundReplay(deaths, revives, alive_at_end, died, lone_survivor_deaths)


def _classify(kill: Kill, killer_team: str | None, victim_team: str) -> DeathClass:
    if killer_team is not None and killer_team != victim_team and kill.damage_type is not _BOMB:
        return _KILL  # the common case, decided as classify_death would, sooner
    return classify_death(
        kill.killer_id, kill.victim_id, kill.damage_type, killer_team, victim_team
    )


def _revive(
    order: int,
    kill: Kill,
    killer_team: str | None,
    victim_team: str,
    alive: dict[str, set[str]],
    dead: dict[str, int],
    revives: list[Revive],
) -> None:
    """Bring back a dead victim, or a dead killer whose weapon fired, before this kill.

    A killer who died at this very millisecond is not revived: two players who shoot each
    other at the same time both die (§0.2), and the second kill is processed after the first.
    """
    victim = kill.victim_id
    killer = kill.killer_id
    if victim in dead:
        del dead[victim]
        alive[victim_team].add(victim)
        revives.append(Revive(order, kill.t_ms, victim, victim_team))
    if (
        killer in dead
        and killer != victim
        and killer_team is not None
        and kill.damage_type is _WEAPON
        and dead[killer] < kill.t_ms
    ):
        del dead[killer]
        alive[killer_team].add(killer)
        revives.append(Revive(order, kill.t_ms, killer, killer_team))
