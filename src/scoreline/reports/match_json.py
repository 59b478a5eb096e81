"""The `scoreline stats --format json` contract: MatchStats -> plain dicts (README 'JSON output').

Ratios are rounded to two decimals; every integer they derive from (score, damage, rounds,
kills) is present too, so a reader can recompute them exactly. Round numbers are 1-based
as players see them.
"""

from __future__ import annotations

from typing import Any

from scoreline.stats.rounds.results import MatchPlayerStats, MatchStats

MULTIKILL_KEYS = ("2k", "3k", "4k", "5k", "6k")


def _round2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def player_summary(p: MatchPlayerStats) -> dict[str, Any]:
    return {
        "player_id": p.player_id,
        "name": p.name,
        "team": p.team_id,
        "agent": p.agent,
        "rounds_played": p.rounds_played,
        "kills": p.kills,
        "deaths": p.deaths,
        "assists": p.assists,
        "score": p.score,
        "acs": _round2(p.acs),
        "adr": _round2(p.adr),
        "kast": _round2(p.kast),
        "kd": _round2(p.kd),
        "plus_minus": p.plus_minus,
        "hs_pct_hits": _round2(p.hs_pct_hits),
        "hs_pct_kills": _round2(p.hs_pct_kills),
        "first_kills": p.first_kills,
        "first_deaths": p.first_deaths,
        "trade_kills": p.trade_kills,
        "traded_deaths": p.traded_deaths,
        "clutches_attempted": p.clutches_attempted,
        "clutches_won": p.clutches_won,
        "multikills": dict(zip(MULTIKILL_KEYS, p.multikills, strict=True)),
        "team_kills": p.team_kills,
        "suicides": p.suicides,
        "spike_deaths": p.spike_deaths,
        "damage": p.damage,
        "rating_v1": _round2(p.rating_v1),
    }


def match_summary(stats: MatchStats, *, detail: bool = False) -> dict[str, Any]:
    match = stats.match
    summary: dict[str, Any] = {
        "match_id": match.match_id,
        "game": match.game.value,
        "source_format": match.source_format,
        "map": match.map_name,
        "mode": match.mode,
        "queue": match.queue,
        "started_at": match.started_at.isoformat(),
        "rounds_played": len(match.rounds),
        "teams": [
            {
                "team_id": t.team_id,
                "name": t.name,
                "rounds_won": t.rounds_won,
                "rounds_lost": t.rounds_lost,
                "won": t.won,
            }
            for t in stats.teams
        ],
        "players": [player_summary(p) for p in stats.players],
    }
    if detail:
        summary.update(_detail(stats))
    return summary


def _detail(stats: MatchStats) -> dict[str, Any]:
    players_by_round: dict[int, list[dict[str, Any]]] = {}
    for r in stats.round_players:
        players_by_round.setdefault(r.round_number, []).append(
            {
                "player_id": r.player_id,
                "kills": r.kills,
                "deaths": r.deaths,
                "assists": r.assists,
                "damage": r.damage,
                "score": r.score,
                "survived": r.survived,
                "kast": r.kast,
            }
        )
    return {
        "rounds": [
            {
                "number": s.round_number + 1,
                "winner": s.winning_team_id,
                "result": s.result_code,
                "attacking_team": s.attacking_team_id,
                "players": players_by_round.get(s.round_number, []),
            }
            for s in stats.rounds
        ],
        "sides": [side._asdict() for side in stats.sides],
        "duels": [duel._asdict() for duel in stats.duels],
        "clutches": [
            {**clutch._asdict(), "round_number": clutch.round_number + 1}
            for clutch in stats.clutches
        ],
        "weapons": [
            {**weapon._asdict(), "hs_pct_hits": _round2(weapon.hs_pct_hits)}
            for weapon in stats.weapons
        ],
    }
