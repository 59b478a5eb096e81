"""Adapter for Riot's official VAL-MATCH-V1 match JSON (`puuid`, `timeSinceRoundStartMillis`)."""

from __future__ import annotations

from scoreline.domain.rounds import Match
from scoreline.ingest.valorant._riot_common import (
    RiotDialect,
    RiotShape,
    find_riot_shape,
    parse_riot_match,
)

FORMAT_NAME = "riot-val-match-v1"

_DIALECT = RiotDialect(
    format_name=FORMAT_NAME,
    player_id_key="puuid",
    round_time_key="timeSinceRoundStartMillis",
    queue_key="queueId",
    provisioning_flow_key="provisioningFlowId",
    has_match_kills=False,
)


def recognizes(doc: object) -> bool:
    return find_riot_shape(doc) is RiotShape.OFFICIAL


def parse(doc: object, source: str) -> tuple[Match, ...]:
    return (parse_riot_match(doc, source, _DIALECT),)
