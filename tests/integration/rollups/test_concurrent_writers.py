"""Two writer processes saving matches of one day and the same players at once, on PostgreSQL."""

from __future__ import annotations

import importlib
import multiprocessing
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.exc import OperationalError

from scoreline.bootstrap import Runtime
from scoreline.ingest import parse_source
from scoreline.rollups.contributions import Contribution, RollupKey
from scoreline.rollups.specs import ROLLUPS_BY_NAME
from scoreline.store.rollup_verify import verify_rollups
from scoreline.store.rollups import apply_rollup_change
from scoreline.store.schema import metadata
from scoreline.worker.intake import ingest_source

from .rollup_states import match_document, migrated_runtime

MATCHES = 12
WORKERS = 2
# Generous: a loaded machine spawns Python processes slowly.
PROCESS_TIMEOUT_S = 120
DAY_START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


WRITER_MODULE = "lockstep_writer"


@pytest.fixture
def runtime(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    with migrated_runtime(postgres_url) as runtime:
        yield runtime


def same_players_document(index: int) -> bytes:
    """Match ``index`` on DAY_START's day, played by match 0's ten players (same puuids)."""
    data = match_document(index, started_at=DAY_START)
    if index == 0:
        return data
    (own,) = parse_source(data, "generated")
    (first,) = parse_source(match_document(0, started_at=DAY_START), "generated")
    for mine, theirs in zip(own.players, first.players, strict=True):
        data = data.replace(mine.player_id.encode(), theirs.player_id.encode())
    return data


def save_in_lockstep(url: str, match_pks: list[int], preset_name: str) -> None:
    """WORKERS processes saving the matches' stats, one match each per step, together."""
    # Imported by its own name, which spawned processes resolve on the sys.path they inherit.
    save_in_step = importlib.import_module(WRITER_MODULE).save_in_step
    context = multiprocessing.get_context("spawn")
    step = context.Barrier(WORKERS)
    writers = [
        context.Process(
            target=save_in_step, args=(url, match_pks[slot::WORKERS], preset_name, step)
        )
        for slot in range(WORKERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=PROCESS_TIMEOUT_S)
    assert [writer.exitcode for writer in writers] == [0] * WORKERS


def test_concurrent_writers_neither_deadlock_nor_lose_a_count(runtime: Runtime) -> None:
    match_pks: list[int] = []
    for index in range(MATCHES):
        data = same_players_document(index)
        match_pks.extend(ingest_source(runtime.engine, runtime.ledger, data, f"m{index}").match_pks)
    save_in_lockstep(runtime.settings.database_url, match_pks, "official")
    # Again with other stats: the same rows, now changed by both writers at once.
    save_in_lockstep(runtime.settings.database_url, match_pks, "community")

    player_day = metadata.tables["rollup_player_day"]
    players = metadata.tables["match_player_stats"]
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            select(player_day.c.player_id, player_day.c.matches, player_day.c.kills)
        ).all()
        kills = dict(
            conn.execute(
                select(players.c.player_id, func.sum(players.c.kills)).group_by(players.c.player_id)
            ).all()
        )
    assert len(rows) == 10
    for player_id, played, summed_kills in rows:
        assert played == MATCHES
        assert summed_kills == kills[player_id]
    assert verify_rollups(runtime.engine, ZoneInfo(runtime.settings.timezone)).differences == ()


TEAM_DAY_KEYS = {team: (DAY_START.date(), "valorant", team) for team in ("A", "B", "C")}
MAP_KEY = (DAY_START.date(), "valorant", "B", "Ascent")
OUTCOME_KEY = (DAY_START.date(), "valorant", "B", "win")


def team_change() -> Contribution:
    """Rows in three rollups, listed in reverse key order: the statement orders them."""

    def one(name: str) -> tuple[int, ...]:
        return (1,) * len(ROLLUPS_BY_NAME[name].measures)

    return {
        "rollup_team_outcome_day": {OUTCOME_KEY: one("rollup_team_outcome_day")},
        "rollup_team_map_day": {MAP_KEY: one("rollup_team_map_day")},
        "rollup_team_day": {
            key: one("rollup_team_day") for key in reversed(TEAM_DAY_KEYS.values())
        },
    }


def row_filter(table_name: str, key: RollupKey) -> ColumnElement[bool]:
    table = metadata.tables[table_name]
    columns = ROLLUPS_BY_NAME[table_name].key_columns
    return and_(*(table.c[column] == value for column, value in zip(columns, key, strict=True)))


# (the row another transaction holds, rows the blocked writer must hold, rows it must not)
LOCK_CASES = [
    (
        ("rollup_team_day", TEAM_DAY_KEYS["B"]),
        [("rollup_team_day", TEAM_DAY_KEYS["A"])],
        [("rollup_team_day", TEAM_DAY_KEYS["C"]), ("rollup_team_outcome_day", OUTCOME_KEY)],
    ),
    (
        ("rollup_team_map_day", MAP_KEY),
        [("rollup_team_day", key) for key in TEAM_DAY_KEYS.values()],
        [("rollup_team_outcome_day", OUTCOME_KEY)],
    ),
]


@pytest.mark.parametrize(("held", "taken", "free"), LOCK_CASES, ids=["keys", "tables"])
def test_a_writer_locks_rows_in_table_then_key_order(
    runtime: Runtime,
    held: tuple[str, RollupKey],
    taken: list[tuple[str, RollupKey]],
    free: list[tuple[str, RollupKey]],
) -> None:
    """Row locks are taken table by table in ROLLUPS order, and in key order within a table,
    whatever order the change lists them in: two writers then wait for each other instead
    of each holding a row the other needs."""
    with runtime.engine.begin() as conn:
        apply_rollup_change(conn, team_change())
    holder = runtime.engine.connect()
    holder.begin()
    holder.execute(select(metadata.tables[held[0]]).where(row_filter(*held)).with_for_update())
    finished = threading.Event()

    def write() -> None:
        with runtime.engine.begin() as conn:
            apply_rollup_change(conn, team_change())
        finished.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until_blocked(runtime)
        with runtime.engine.connect() as probe:
            for table_name, key in [*taken, *free]:
                probe.begin()
                locking = (
                    select(metadata.tables[table_name])
                    .where(row_filter(table_name, key))
                    .with_for_update(nowait=True)
                )
                if (table_name, key) in taken:
                    with pytest.raises(OperationalError, match="could not obtain lock"):
                        probe.execute(locking)
                else:
                    assert probe.execute(locking).one()
                probe.rollback()
        assert not finished.is_set()
    finally:
        holder.rollback()
        holder.close()
        writer.join(timeout=60)
    assert finished.is_set()
    with runtime.engine.connect() as conn:
        for table_name, key in [held, *taken, *free]:
            table = metadata.tables[table_name]
            counted = conn.execute(
                select(table.c.matches).where(row_filter(table_name, key))
            ).scalar_one()
            assert counted == 2


def wait_until_blocked(runtime: Runtime, timeout_s: float = 30) -> None:
    """Return once some session of this database waits for a row lock."""
    deadline = time.monotonic() + timeout_s
    with runtime.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            # pg_stat_activity is a snapshot per transaction: the next look needs a new one.
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the writer never waited for the locked row")
