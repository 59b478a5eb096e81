"""Every per-match source sums to exactly what its rollup holds, on SQLite and PostgreSQL: the
report may read either (scoreline.reports.facts) and must give the same numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from scoreline.bootstrap import load_settings, open_runtime
from scoreline.reports.facts import (
    PLAYER_CLUTCHES,
    PLAYER_MATCHES,
    PLAYER_ROUNDS,
    PLAYER_WEAPONS,
    ROLLUP_PLAYER,
    ROLLUP_PLAYER_AGENT,
    ROLLUP_PLAYER_CLUTCH,
    ROLLUP_PLAYER_ECONOMY,
    ROLLUP_PLAYER_MAP,
    ROLLUP_PLAYER_SIDE,
    ROLLUP_PLAYER_WEAPON,
    ROLLUP_TEAM,
    ROLLUP_TEAM_AGENT,
    ROLLUP_TEAM_MAP,
    ROLLUP_TEAM_OUTCOME,
    TEAM_AGENTS,
    TEAM_MATCHES,
    FactSource,
    sum_facts,
)
from scoreline.rollups.buckets import UTC_ZONE
from scoreline.rollups.periods import DaySpan, span_of_days
from shared_data import DATA_DIR

from .report_setups import BACKENDS, generated_at, ingest_files, module_database_url

REAL_FILES = [
    *sorted((DATA_DIR / "valorant").glob("*.json")),
    *sorted((DATA_DIR / "cs2").glob("*.log")),
]
SEED = 17
GENERATED = 6
FIRST_START = datetime(2026, 4, 1, 22, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    url = module_database_url(request, tmp_path_factory)
    with open_runtime(load_settings(database_url=url)) as runtime:
        files = [(path.read_bytes(), str(path)) for path in REAL_FILES]
        starts = [FIRST_START + timedelta(hours=9 * index) for index in range(GENERATED)]
        files += [(generated_at(SEED, i, at), f"generated-{i}") for i, at in enumerate(starts)]
        ingest_files(runtime, files)
        yield runtime.engine


# (rollup, per-match source, the keys both are grouped by)
PAIRS: list[tuple[FactSource, FactSource, tuple[str, ...]]] = [
    (ROLLUP_PLAYER, PLAYER_MATCHES, ("game", "player_id")),
    (ROLLUP_PLAYER_MAP, PLAYER_MATCHES, ("game", "player_id", "map_name")),
    (ROLLUP_PLAYER_AGENT, PLAYER_MATCHES, ("game", "player_id", "agent")),
    (ROLLUP_PLAYER_SIDE, PLAYER_ROUNDS, ("game", "player_id", "side")),
    (ROLLUP_PLAYER_ECONOMY, PLAYER_ROUNDS, ("game", "player_id", "buy_type")),
    (ROLLUP_PLAYER_CLUTCH, PLAYER_CLUTCHES, ("game", "player_id", "opponents")),
    (ROLLUP_PLAYER_WEAPON, PLAYER_WEAPONS, ("game", "player_id", "weapon")),
    (ROLLUP_TEAM, TEAM_MATCHES, ("game", "team_id")),
    (ROLLUP_TEAM_MAP, TEAM_MATCHES, ("game", "team_id", "map_name")),
    (ROLLUP_TEAM_OUTCOME, TEAM_MATCHES, ("game", "team_id", "outcome")),
    (ROLLUP_TEAM_AGENT, TEAM_AGENTS, ("game", "team_id", "agent")),
]


def grouped(
    conn: Connection,
    source: FactSource,
    keys: tuple[str, ...],
    measures: tuple[str, ...],
    span: DaySpan | None = None,
) -> dict[tuple[Any, ...], dict[str, int]]:
    rows = sum_facts(conn, source, equal={}, span=span, group_by=keys, measures=measures)
    return {tuple(row[key] for key in keys): {m: row[m] for m in measures} for row in rows}


@pytest.mark.parametrize(
    ("rollup", "per_match", "keys"), PAIRS, ids=[pair[0].name for pair in PAIRS]
)
def test_a_per_match_source_sums_to_its_rollup(
    engine: Engine, rollup: FactSource, per_match: FactSource, keys: tuple[str, ...]
) -> None:
    measures = tuple(rollup.measures)
    with engine.connect() as conn:
        from_rollup = grouped(conn, rollup, keys, measures)
        from_matches = grouped(conn, per_match, keys, measures)
    assert from_rollup
    assert from_matches == from_rollup


@pytest.mark.parametrize(
    ("rollup", "per_match", "keys"), PAIRS[:4], ids=[p[0].name for p in PAIRS[:4]]
)
def test_both_select_the_same_days(
    engine: Engine, rollup: FactSource, per_match: FactSource, keys: tuple[str, ...]
) -> None:
    # The generated matches start every 9 hours from 22:00: a two-day span cuts between them.
    span = span_of_days(date(2026, 4, 2), date(2026, 4, 4), UTC_ZONE)
    measures = tuple(rollup.measures)
    with engine.connect() as conn:
        from_rollup = grouped(conn, rollup, keys, measures, span=span)
        from_matches = grouped(conn, per_match, keys, measures, span=span)
        everything = grouped(conn, rollup, keys, measures)
    assert from_rollup
    assert from_matches == from_rollup
    assert from_rollup != everything


def test_the_real_files_exercise_the_edge_cases(engine: Engine) -> None:
    """The CS2 log has headshot flags on kills and no agents; Valorant the opposite."""
    with engine.connect() as conn:
        by_game = grouped(conn, ROLLUP_PLAYER, ("game",), ("hs_known_kills", "headshot_kills"))
        agents = grouped(conn, ROLLUP_PLAYER_AGENT, ("game", "agent"), ("matches",))
    assert by_game[("cs2",)]["hs_known_kills"] > 0
    assert by_game[("valorant",)]["hs_known_kills"] == 0
    assert ("cs2", "") in agents
