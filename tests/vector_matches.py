"""Build canonical matches from the language-neutral worked examples (teams A and B)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from scoreline.domain.rounds import (
    Damage,
    DamageType,
    Defuse,
    Game,
    Kill,
    Match,
    Plant,
    Player,
    PlayerRound,
    ResultCode,
    Round,
    Team,
)

TEAM_A = tuple(f"a{i}" for i in range(1, 6))
TEAM_B = tuple(f"b{i}" for i in range(1, 6))


def team_of(player_id: str) -> str:
    return "A" if player_id.startswith("a") else "B"


def make_kills(kills: Sequence[Mapping[str, Any]]) -> tuple[Kill, ...]:
    return tuple(
        Kill(
            t_ms=k["t_ms"],
            killer_id=k["killer"],
            victim_id=k["victim"],
            assistant_ids=tuple(k.get("assistants", ())),
            damage_type=DamageType(k.get("damage_type", "Weapon")),
            weapon=k.get("weapon"),
            headshot=k.get("headshot"),
        )
        for k in kills
    )


def make_round(
    number: int,
    kills: Sequence[Mapping[str, Any]],
    *,
    winner: str | None = "A",
    result: ResultCode = ResultCode.ELIMINATION,
    players: Sequence[str] = TEAM_A + TEAM_B,
    plant: Mapping[str, Any] | None = None,
    defuse: Mapping[str, Any] | None = None,
    duration_ms: int | None = None,
    damage: Sequence[Damage] = (),
    alive_at_end: Mapping[str, bool] | None = None,
    scores: Mapping[str, int] | None = None,
) -> Round:
    alive = alive_at_end or {}
    return Round(
        number=number,
        winning_team_id=winner,
        result_code=result,
        players=tuple(
            PlayerRound(
                player_id=p,
                alive_at_end=alive.get(p),
                score=(scores or {}).get(p),
            )
            for p in players
        ),
        kills=make_kills(kills),
        damage=tuple(damage),
        plant=Plant(plant["t_ms"], plant["planter"]) if plant else None,
        defuse=Defuse(defuse["t_ms"], defuse["defuser"]) if defuse else None,
        duration_ms=duration_ms,
    )


def make_match(rounds: Sequence[Round], *, game: Game = Game.VALORANT) -> Match:
    players = tuple(Player(p, p.upper(), team_of(p)) for p in TEAM_A + TEAM_B)
    return Match(
        match_id="vector",
        game=game,
        source_format="test-vector",
        map_name="Test",
        mode="test",
        started_at=datetime(2026, 5, 1, tzinfo=UTC),
        players=players,
        teams=(Team("A", "A"), Team("B", "B")),
        rounds=tuple(rounds),
    )
