"""Which team attacks in each round (STAT_DEFINITIONS §13): from the data, rules as fallback.

Rounds are grouped into side segments that share sides: the two regulation halves, then
overtime segments (Valorant alternates every overtime round; CS2 overtime halves are three
rounds). Adjacent segments swap sides. Each round's own evidence wins (explicit side, planter,
defuser, detonation or defuse); a segment without evidence takes its sides from the nearest
segment that has some, by parity, and its rounds are flagged as inferred.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

from scoreline.domain.rounds import Game, Match, ResultCode, Round

CS2_OVERTIME_HALF_ROUNDS = 3
# Regulation half length by Valorant queue; anything else plays 12-round halves.
VALORANT_HALF_ROUNDS_BY_QUEUE = {"spikerush": 3, "swiftplay": 4}


class SideResolution(NamedTuple):
    attackers: tuple[str | None, ...]  # attacking team id per round; None if unknowable
    inferred: tuple[bool, ...]  # True where the round itself held no evidence
    conflicts: int  # rounds whose evidence disagrees with the rest of their segment


def regulation_half_rounds(match: Match) -> int:
    if match.game is Game.VALORANT:
        return VALORANT_HALF_ROUNDS_BY_QUEUE.get(match.queue.lower(), 12)
    return 12


def side_segment(round_number: int, game: Game, half_rounds: int) -> int:
    """Index of the run of rounds sharing sides: 0 and 1 are the halves, then overtime."""
    regulation = 2 * half_rounds
    if round_number < regulation:
        return round_number // half_rounds
    overtime_round = round_number - regulation
    if game is Game.VALORANT:
        return 2 + overtime_round
    return 2 + overtime_round // CS2_OVERTIME_HALF_ROUNDS


def find_round_attacker(
    round_: Round, team_of: Mapping[str, str], opponent_of: Mapping[str, str]
) -> str | None:
    """The attacking team according to the round's own evidence, or None."""
    if round_.attacking_team_id is not None:
        return round_.attacking_team_id
    if round_.plant is not None and round_.plant.planter_id in team_of:
        return team_of[round_.plant.planter_id]
    if round_.defuse is not None and round_.defuse.defuser_id in team_of:
        return opponent_of[team_of[round_.defuse.defuser_id]]
    winner = round_.winning_team_id
    if winner is not None and winner in opponent_of:
        if round_.result_code is ResultCode.DETONATE:
            return winner
        if round_.result_code is ResultCode.DEFUSE:
            return opponent_of[winner]
    return None


def resolve_sides(
    match: Match, team_of: Mapping[str, str], opponent_of: Mapping[str, str]
) -> SideResolution:
    half_rounds = regulation_half_rounds(match)
    evidence = [find_round_attacker(r, team_of, opponent_of) for r in match.rounds]
    segments = [side_segment(r.number, match.game, half_rounds) for r in match.rounds]
    votes: dict[int, Counter[str]] = {}
    for segment, attacker in zip(segments, evidence, strict=True):
        if attacker is not None:
            votes.setdefault(segment, Counter())[attacker] += 1
    decided = {segment: counter.most_common(1)[0][0] for segment, counter in votes.items()}
    attackers: list[str | None] = []
    inferred: list[bool] = []
    conflicts = 0
    for segment, attacker in zip(segments, evidence, strict=True):
        expected = _segment_attacker(segment, decided, opponent_of)
        if attacker is None:
            attackers.append(expected)
            inferred.append(True)
        else:
            attackers.append(attacker)
            inferred.append(False)
            conflicts += attacker != expected
    return SideResolution(tuple(attackers), tuple(inferred), conflicts)


def _segment_attacker(
    segment: int, decided: Mapping[int, str], opponent_of: Mapping[str, str]
) -> str | None:
    if segment in decided:
        return decided[segment]
    if not decided:
        return None
    nearest = min(decided, key=lambda s: (abs(s - segment), s))
    attacker = decided[nearest]
    return attacker if (segment - nearest) % 2 == 0 else opponent_of[attacker]
