"""Adapter for the game client's Valorant match details (PD `MatchDetails_FetchMatchDetails`)."""

from __future__ import annotations

from scoreline.domain.rounds import Match
from scoreline.ingest.valorant._riot_common import (
    RiotDialect,
    RiotShape,
    find_riot_shape,
    parse_riot_match,
)

FORMAT_NAME = "riot-client-match-details"

# Same game data as VAL-MATCH-V1 under other names: players are `subject`, kill times are
# `roundTime`/`gameTime`, and every kill is repeated in a top-level `kills[]` with its `round`
# (techchrism/valorant-api-docs, MatchDetails_FetchMatchDetails).
_DIALECT = RiotDialect(
    format_name=FORMAT_NAME,
    player_id_key="subject",
    round_time_key="roundTime",
    queue_key="queueID",
    provisioning_flow_key="provisioningFlowID",
    has_match_kills=True,
)


def recognizes(doc: object) -> bool:
    return find_riot_shape(doc) is RiotShape.CLIENT


def parse(doc: object, source: str) -> tuple[Match, ...]:
    return (parse_riot_match(doc, source, _DIALECT),)
