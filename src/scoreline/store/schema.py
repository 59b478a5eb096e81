"""The one SQLAlchemy Core schema of the store, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scoreline.rollups.specs import ROLLUPS, Rollup
from scoreline.stats.rounds.results import (
    Clutch,
    Duel,
    MatchPlayerStats,
    RoundPlayerStats,
    RoundSummary,
    RoundTeamStats,
    TeamMatchStats,
    TeamPeriodStats,
    TeamSideStats,
    WeaponStats,
)
from scoreline.store.result_columns import (
    FieldKind,
    ResultLayout,
    ResultRowType,
    describe_result_row,
)
from scoreline.store.types import BigIntegerId, JsonDocument, UtcDateTime

# Named constraints let Alembic alter them later (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The values of scoreline.jobs.model.JobState (the store sits below jobs, so it repeats them;
# a test checks that the two agree).
JOB_STATES = ("queued", "running", "done", "dead")

# The durable job ledger (DESIGN.md, "Jobs"). (kind, key) is unique for the life of the row:
# it means "this work exists", whatever its state.
jobs = Table(
    "jobs",
    metadata,
    Column("id", BigIntegerId, primary_key=True, autoincrement=True),
    Column("kind", String(100), nullable=False),
    Column("key", String(500), nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("state", String(16), nullable=False),
    # A larger number is claimed first.
    Column("priority", Integer, nullable=False),
    Column("run_at", UtcDateTime, nullable=False),
    # Claims so far; the claim that sets attempts = n is "attempt n", and (worker_id, attempts)
    # identifies the holder, so a worker whose lease was taken over cannot complete.
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    Column("worker_id", String(200), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_traceback", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    UniqueConstraint("kind", "key"),
    CheckConstraint(
        "state IN (" + ", ".join(f"'{state}'" for state in JOB_STATES) + ")", name="state"
    ),
    CheckConstraint("attempts >= 0", name="attempts"),
    CheckConstraint("max_attempts >= 1", name="max_attempts"),
    CheckConstraint("state <> 'running' OR lease_expires_at IS NOT NULL", name="running_lease"),
)

# Claim order over the queued jobs only: done jobs pile up and must not slow a claim.
Index(
    "ix_jobs_queued_order",
    jobs.c.priority.desc(),
    jobs.c.run_at,
    jobs.c.id,
    postgresql_where=jobs.c.state == "queued",
    sqlite_where=jobs.c.state == "queued",
)
# Finding expired leases.
Index(
    "ix_jobs_running_lease",
    jobs.c.lease_expires_at,
    postgresql_where=jobs.c.state == "running",
    sqlite_where=jobs.c.state == "running",
)
# Listing and counting by state and kind.
Index("ix_jobs_state_kind", jobs.c.state, jobs.c.kind)

# --- raw payloads (DESIGN.md, "Canonical model") ----------------------------------------------

# Every accepted source's bytes, zlib-compressed, deduplicated by the sha256 of the raw bytes.
raw_payloads = Table(
    "raw_payloads",
    metadata,
    Column("id", BigIntegerId, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # the path or label it came from
    Column("source_format", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("size", BigInteger, nullable=False),  # bytes before compression
    Column("received_at", UtcDateTime, nullable=False),
    UniqueConstraint("sha256"),
)

# A source that could not become canonical records: the reason is all that is kept.
ingest_rejections = Table(
    "ingest_rejections",
    metadata,
    Column("id", BigIntegerId, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("field", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)
Index(None, ingest_rejections.c.sha256)

# --- players: stable ids are keys, names are attributes with a history ------------------------

# first_seen / last_seen are the start times of the matches a player was seen in, so the
# current name is the one of the latest match, whatever order files arrive in.
players = Table(
    "players",
    metadata,
    Column("player_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
)

player_names = Table(
    "player_names",
    metadata,
    Column("player_id", Text, ForeignKey(players.c.player_id), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
)

# --- canonical matches ------------------------------------------------------------------------

# One row per (game, source match id). stat_version, stat_preset, computed_at and
# side_conflicts stay NULL until the match's aggregates are written.
matches = Table(
    "matches",
    metadata,
    Column("match_pk", BigIntegerId, primary_key=True, autoincrement=True),
    Column("game", String(16), nullable=False),
    Column("source_format", String(64), nullable=False),
    Column("source_match_id", Text, nullable=False),
    Column("raw_payload_id", BigInteger, ForeignKey(raw_payloads.c.id), nullable=True),
    Column("map_name", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("queue", Text, nullable=False),
    Column("ranked", Boolean, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=True),
    Column("round_count", Integer, nullable=False),
    Column("stat_version", Integer, nullable=True),
    Column("stat_preset", String(32), nullable=True),
    Column("computed_at", UtcDateTime, nullable=True),
    Column("side_conflicts", Integer, nullable=True),
    # Set when retention deleted the match's round events (scoreline.store.retention): its
    # aggregates stay, but it can no longer be recomputed.
    Column("events_pruned_at", UtcDateTime, nullable=True),
    # Source id first, so that finding a match by its source id alone uses this index.
    UniqueConstraint("source_match_id", "game"),
)
# Deleting a raw payload looks up the matches that refer to it (the foreign key's check on
# PostgreSQL, and retention's choice of deletable payloads).
Index(None, matches.c.raw_payload_id)

# The whole Match in one compact document (see scoreline.store.match_documents), read by
# load_match instead of the seven child tables; written in the same transaction as they are.
match_documents = Table(
    "match_documents",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("encoding", Integer, nullable=False),
    Column("document", LargeBinary, nullable=False),
)

# Child tables carry no foreign key to matches: PostgreSQL checks one per inserted row with
# a trigger, and only save_match and delete_match write them, in one transaction each.
# `ordinal` is the position in the Match's tuple, so a load rebuilds the exact order.
match_teams = Table(
    "match_teams",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("team_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("rounds_won", Integer, nullable=True),
    Column("won", Boolean, nullable=True),
)

match_players = Table(
    "match_players",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("player_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("team_id", Text, nullable=False),
    Column("agent", Text, nullable=True),
    Column("party_id", Text, nullable=True),
)

# A plant exists when plant_t_ms is set; a defuse when defuse_t_ms is.
rounds = Table(
    "rounds",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("round_number", Integer, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, nullable=False),
    Column("winning_team_id", Text, nullable=True),
    Column("result_code", String(32), nullable=False),
    Column("attacking_team_id", Text, nullable=True),
    Column("ceremony", Text, nullable=True),
    Column("duration_ms", Integer, nullable=True),
    Column("plant_t_ms", Integer, nullable=True),
    Column("planter_id", Text, nullable=True),
    Column("plant_site", Text, nullable=True),
    Column("defuse_t_ms", Integer, nullable=True),
    Column("defuser_id", Text, nullable=True),
)

# Positions are split into x and y (both NULL when the source has none); assistants are a
# JSON array of player ids in source order.
round_kills = Table(
    "round_kills",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("round_number", Integer, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("t_ms", Integer, nullable=False),
    Column("killer_id", Text, nullable=True),
    Column("victim_id", Text, nullable=False),
    Column("assistant_ids", JsonDocument, nullable=False),
    Column("weapon", Text, nullable=True),
    Column("damage_type", String(16), nullable=False),
    Column("headshot", Boolean, nullable=True),
    Column("secondary_fire", Boolean, nullable=False),
    Column("after_round_end", Boolean, nullable=False),
    Column("killer_x", Double, nullable=True),
    Column("killer_y", Double, nullable=True),
    Column("victim_x", Double, nullable=True),
    Column("victim_y", Double, nullable=True),
)

round_damage = Table(
    "round_damage",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("round_number", Integer, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("attacker_id", Text, nullable=False),
    Column("receiver_id", Text, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("headshots", Integer, nullable=False),
    Column("bodyshots", Integer, nullable=False),
    Column("legshots", Integer, nullable=False),
    Column("weapon", Text, nullable=True),
    Column("t_ms", Integer, nullable=True),
)

round_player_state = Table(
    "round_player_state",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("round_number", Integer, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("player_id", Text, nullable=False),
    Column("score", Integer, nullable=True),
    Column("loadout_value", Integer, nullable=True),
    Column("spent", Integer, nullable=True),
    Column("remaining", Integer, nullable=True),
    Column("weapon", Text, nullable=True),
    Column("armor", Text, nullable=True),
    Column("was_afk", Boolean, nullable=False),
    Column("alive_at_end", Boolean, nullable=True),
)

published_totals = Table(
    "published_totals",
    metadata,
    Column("match_pk", BigInteger, primary_key=True, autoincrement=False),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("player_id", Text, nullable=False),
    Column("kills", Integer, nullable=False),
    Column("deaths", Integer, nullable=False),
    Column("assists", Integer, nullable=True),
    Column("score", Integer, nullable=True),
    Column("rounds_played", Integer, nullable=True),
    Column("damage", Integer, nullable=True),
    Column("adr", Double, nullable=True),
    Column("hs_pct", Double, nullable=True),
)

# The canonical children of a match, in the order save_match writes them.
CANONICAL_CHILD_TABLES: tuple[Table, ...] = (
    match_teams,
    match_players,
    rounds,
    round_kills,
    round_damage,
    round_player_state,
    published_totals,
)

# --- aggregates: one table per result row type of scoreline.stats.rounds.results ----------------

# Columns come from the row types' fields and hints, so they mirror results.py one to one;
# migration 0002 spells them out, and the store's contract tests fail when the two drift.
_COLUMN_TYPES: dict[FieldKind, Any] = {
    FieldKind.INTEGER: Integer,
    FieldKind.BOOLEAN: Boolean,
    FieldKind.FLOAT: Double,
    FieldKind.TEXT: Text,
    FieldKind.COUNTS: Integer,
    FieldKind.JOINED: Text,
    FieldKind.PAIRS: JsonDocument,
}


@dataclass(frozen=True, slots=True)
class AggregateTable:
    """An aggregate table, the result rows it mirrors and the MatchStats field holding them.

    Columns: match_pk, then the row's fields flattened (scoreline.store.result_columns),
    then stat_version and stat_preset. The primary key is match_pk and ``key``.
    """

    table: Table
    layout: ResultLayout
    stats_field: str
    key: tuple[str, ...]


def _aggregate_table(
    name: str, row_type: ResultRowType, stats_field: str, key: tuple[str, ...]
) -> AggregateTable:
    layout = describe_result_row(row_type)
    columns: list[Column[Any]] = [
        Column("match_pk", BigInteger, primary_key=True, autoincrement=False)
    ]
    for field in layout.fields:
        is_key = field.name in key
        columns.extend(
            Column(
                column,
                _COLUMN_TYPES[field.kind],
                primary_key=is_key,
                autoincrement=False,
                nullable=field.nullable and not is_key,
            )
            for column in field.columns
        )
    columns.append(Column("stat_version", Integer, nullable=False))
    columns.append(Column("stat_preset", String(32), nullable=False))
    return AggregateTable(Table(name, metadata, *columns), layout, stats_field, key)


AGGREGATE_TABLES: tuple[AggregateTable, ...] = (
    _aggregate_table("round_summaries", RoundSummary, "rounds", ("round_number",)),
    _aggregate_table(
        "round_player_stats", RoundPlayerStats, "round_players", ("round_number", "player_id")
    ),
    _aggregate_table(
        "round_team_stats", RoundTeamStats, "round_teams", ("round_number", "team_id")
    ),
    _aggregate_table("match_player_stats", MatchPlayerStats, "players", ("player_id",)),
    _aggregate_table("team_match_stats", TeamMatchStats, "teams", ("team_id",)),
    _aggregate_table("team_match_side_stats", TeamSideStats, "sides", ("team_id", "side")),
    _aggregate_table("team_match_period_stats", TeamPeriodStats, "periods", ("team_id", "period")),
    _aggregate_table("clutches", Clutch, "clutches", ("round_number", "player_id")),
    _aggregate_table("match_player_duels", Duel, "duels", ("player_id", "opponent_id")),
    _aggregate_table("match_player_weapon_stats", WeaponStats, "weapons", ("player_id", "weapon")),
)

# A player's (or team's) rows across their matches, for the player and team pages' filters
# no rollup is keyed by (scoreline.reports.facts): without these, every match's rows are read.
for _aggregate, _entity in (
    ("round_player_stats", "player_id"),
    ("match_player_stats", "player_id"),
    ("team_match_stats", "team_id"),
    ("clutches", "player_id"),
    ("match_player_weapon_stats", "player_id"),
):
    Index(None, metadata.tables[_aggregate].c[_entity])
# The match list (scoreline.reports.matches): its page order, and its player and team filters.
Index(None, matches.c.started_at, matches.c.match_pk)
Index(None, match_players.c.player_id)
Index(None, match_teams.c.team_id)

# --- daily rollups: one table per scoreline.rollups.specs.Rollup --------------------------------


@dataclass(frozen=True, slots=True)
class RollupTable:
    """A rollup's table: the key columns (day, game, keys) are the primary key; every
    measure is a BIGINT sum."""

    table: Table
    rollup: Rollup


def _rollup_table(rollup: Rollup) -> RollupTable:
    columns: list[Column[Any]] = [
        Column("day", Date, primary_key=True),
        Column("game", String(16), primary_key=True),
    ]
    columns.extend(
        Column(key, Integer if key in rollup.integer_keys else Text, primary_key=True)
        for key in rollup.keys
    )
    columns.extend(Column(measure, BigInteger, nullable=False) for measure in rollup.measures)
    table = Table(rollup.name, metadata, *columns)
    # The primary key leads with the day (a period's leaderboard); this one serves one
    # entity's pages (a player's or a team's days).
    Index(None, table.c[rollup.keys[0]], table.c.day)
    return RollupTable(table, rollup)


ROLLUP_TABLES: tuple[RollupTable, ...] = tuple(_rollup_table(rollup) for rollup in ROLLUPS)

# Every table holding rows of one match beside `matches` itself: what delete_match clears.
MATCH_KEYED_TABLES: tuple[Table, ...] = (
    match_documents,
    *CANONICAL_CHILD_TABLES,
    *(aggregate.table for aggregate in AGGREGATE_TABLES),
)
