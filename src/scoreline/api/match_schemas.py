"""The OpenAPI contract of the match endpoints: pydantic models of every body they send."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, create_model

from scoreline.api.body_schema import StrictBody
from scoreline.reports.match_rows import LAYOUTS
from scoreline.store.result_columns import FieldKind

# Line models are built from the aggregate tables' layouts, as scoreline.reports.match_rows
# shapes their rows (a column per count bucket, rounds from 1), so a new stat column is in
# the contract the moment it is in a response.
MatchStatusName = Literal["computed", "pending"]
JobStateName = Literal["queued", "running", "done", "dead"]


# The type of each column of a row, by the kind of its result field.
_COLUMN_TYPES: dict[FieldKind, Any] = {
    FieldKind.INTEGER: int,
    FieldKind.BOOLEAN: bool,
    FieldKind.FLOAT: float,
    FieldKind.TEXT: str,
    FieldKind.COUNTS: int,
    FieldKind.JOINED: list[str],
    FieldKind.PAIRS: dict[str, tuple[int, int]],
}


def _row_model(
    name: str, doc: str | None, table: str, *, descriptions: Mapping[str, str] | None = None
) -> type[BaseModel]:
    """A model of aggregate ``table``'s rows: one field per column, None where the result
    field may be None."""
    fields: dict[str, Any] = {}
    for field in LAYOUTS[table].fields:
        kind = _COLUMN_TYPES[field.kind]
        annotation = kind | None if field.nullable else kind
        for column in field.columns:
            described = (descriptions or {}).get(column)
            default = ... if described is None else Field(description=described)
            fields[column] = (annotation, default)
    return create_model(name, __base__=StrictBody, __doc__=doc, **fields)


class TeamScore(StrictBody):
    team_id: str
    name: str
    score: int | None = Field(
        description="Rounds won: the engine's count once computed, else the source's own."
    )
    won: bool | None


class JobStatus(StrictBody):
    """The aggregate job of a match that is not computed yet."""

    id: int
    state: JobStateName
    attempts: int
    max_attempts: int
    last_error: str | None
    run_at: AwareDatetime
    updated_at: AwareDatetime


class MatchSummary(StrictBody):
    match_pk: int = Field(description="scoreline's id of the match: use it in URLs.")
    match_id: str = Field(description="The source's own id (also accepted in URLs).")
    game: str
    source_format: str
    map: str
    mode: str
    queue: str
    ranked: bool
    started_at: AwareDatetime
    duration_ms: int | None
    rounds_played: int
    status: MatchStatusName = Field(
        description="computed once the aggregates are written; pending until then."
    )
    stat_version: int | None
    stat_preset: str | None
    computed_at: AwareDatetime | None
    teams: list[TeamScore]


class MatchList(StrictBody):
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null on the last page."
    )
    items: list[MatchSummary]


class RosterEntry(StrictBody):
    player_id: str
    name: str
    team_id: str
    agent: str | None
    party_id: str | None


class RoundHeader(StrictBody):
    number: int = Field(description="1-based, as players count rounds.")
    winning_team_id: str | None
    result_code: str
    attacking_team_id: str | None
    side_inferred: bool | None
    pistol: bool | None
    overtime: bool | None
    duration_ms: int | None
    ceremony: str | None
    plant_t_ms: int | None
    planter_id: str | None
    plant_site: str | None
    defuse_t_ms: int | None
    defuser_id: str | None


ScoreboardLine = _row_model(
    "ScoreboardLine",
    "A player's match: every column of match_player_stats (STAT_DEFINITIONS.md).",
    "match_player_stats",
)
TeamStatsLine = _row_model(
    "TeamStatsLine",
    "A team's match: every column of team_match_stats.",
    "team_match_stats",
    descriptions={"buy_rounds": "Buy type -> [rounds played, rounds won]."},
)
SideLine = _row_model("SideLine", None, "team_match_side_stats")
PeriodLine = _row_model("PeriodLine", None, "team_match_period_stats")


class MatchDetail(MatchSummary):
    side_conflicts: int | None
    job: JobStatus | None = Field(description="The aggregate job, while the match is pending.")
    players: list[RosterEntry]
    rounds: list[RoundHeader]
    scoreboard: list[ScoreboardLine] = Field(  # type: ignore[valid-type]
        description="By team, then score (highest first); empty while pending."
    )
    team_stats: list[TeamStatsLine]  # type: ignore[valid-type]
    sides: list[SideLine]  # type: ignore[valid-type]
    periods: list[PeriodLine]  # type: ignore[valid-type]


class KillEntry(StrictBody):
    t_ms: int = Field(description="Milliseconds since the round started.")
    killer_id: str | None
    victim_id: str
    assistant_ids: list[str]
    weapon: str | None
    damage_type: str
    headshot: bool | None
    after_round_end: bool


RoundTeamLine = _row_model(
    "RoundTeamLine",
    "A team's round: every column of round_team_stats (economy, alive at the end ...).",
    "round_team_stats",
)
RoundPlayerLine = _row_model(
    "RoundPlayerLine",
    "A player's round: every column of round_player_stats.",
    "round_player_stats",
)


class RoundDetail(RoundHeader):
    kills: list[KillEntry]
    teams: list[RoundTeamLine]  # type: ignore[valid-type]
    players: list[RoundPlayerLine] | None = Field(description="With ?players=true only.")  # type: ignore[valid-type]


DuelLine = _row_model("DuelLine", None, "match_player_duels")
ClutchLine = _row_model("ClutchLine", None, "clutches")
WeaponLine = _row_model("WeaponLine", None, "match_player_weapon_stats")


class _MatchItems(StrictBody):
    match_pk: int
    status: MatchStatusName


class MatchRounds(_MatchItems):
    items: list[RoundDetail]


class MatchDuels(_MatchItems):
    items: list[DuelLine]  # type: ignore[valid-type]


class MatchClutches(_MatchItems):
    items: list[ClutchLine]  # type: ignore[valid-type]


class MatchWeapons(_MatchItems):
    items: list[WeaponLine]  # type: ignore[valid-type]


class MatchPlayer(_MatchItems):
    player: RosterEntry
    line: ScoreboardLine | None = Field(description="Null while the match is pending.")  # type: ignore[valid-type]
    rounds: list[RoundPlayerLine]  # type: ignore[valid-type]
    weapons: list[WeaponLine]  # type: ignore[valid-type]
    duels: list[DuelLine]  # type: ignore[valid-type]
    clutches: list[ClutchLine]  # type: ignore[valid-type]
