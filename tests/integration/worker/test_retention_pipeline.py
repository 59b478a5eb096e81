"""Retention as an operator meets it: `scoreline retention`, the workers' schedule, recompute."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import ColumnElement, Engine, Table, func, select

from scoreline.jobs.ledger import SqlLedger
from scoreline.store.engines import build_engine
from scoreline.store.schema import jobs, match_documents, matches, round_kills
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.aggregate import schedule_aggregate


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'retention.db'}"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


@pytest.fixture
def engine(fresh_url: str) -> Iterator[Engine]:
    engine = build_engine(fresh_url)
    yield engine
    engine.dispose()


def run_ok(url: str, *args: str | Path, **settings: str) -> str:
    env = {**os.environ, "SCORELINE_DATABASE_URL": url, "SCORELINE_LOG_FORMAT": "json"}
    env.update({f"SCORELINE_{name.upper()}": value for name, value in settings.items()})
    result = subprocess.run(
        [sys.executable, "-m", "scoreline", *map(str, args)],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def write_matches(directory: Path, first: int, count: int, *, days_ago: int) -> Path:
    """Generated matches started ``days_ago`` to ``days_ago`` + 60 days ago."""
    directory.mkdir(parents=True, exist_ok=True)
    window_end = datetime.now(UTC) - timedelta(days=days_ago)
    for index in range(first, first + count):
        document = generate_match(9, index, window_end_ms=int(window_end.timestamp() * 1000))
        (directory / f"match_{index}.json").write_bytes(orjson.dumps(document))
    return directory


def count(engine: Engine, table: Table, *where: ColumnElement[bool]) -> int:
    with engine.connect() as conn:
        statement = select(func.count()).select_from(table).where(*where)
        return int(conn.execute(statement).scalar_one())


def test_the_workers_prune_on_schedule_and_recompute_skips_pruned_matches(
    fresh_url: str, engine: Engine, tmp_path: Path
) -> None:
    run_ok(fresh_url, "db", "upgrade")
    old = write_matches(tmp_path / "old", 0, 3, days_ago=100)
    new = write_matches(tmp_path / "new", 3, 1, days_ago=0)
    run_ok(fresh_url, "ingest", "--sync", old, new)
    kills = count(engine, round_kills)

    planned = run_ok(fresh_url, "retention", "--dry-run", "--round-event-days", "90")

    assert "round events: of 3 matches started before" in planned
    assert "round_kills" in planned
    assert count(engine, round_kills) == kills
    run_ok(fresh_url, "worker", "--burst", round_event_retention_days="90")
    with engine.connect() as conn:
        retention_jobs = conn.execute(
            select(jobs.c.state, jobs.c.key).where(jobs.c.kind == "retention")
        ).all()
    assert [state for state, _ in retention_jobs] == ["done"]
    assert count(engine, match_documents) == 1
    assert count(engine, matches, matches.c.events_pruned_at.is_not(None)) == 3
    assert 0 < count(engine, round_kills) < kills
    recomputed = run_ok(fresh_url, "recompute", "--all")
    assert "queued 1 matches" in recomputed
    assert "skipped 3 matches whose round events retention deleted" in recomputed

    # A pruned match's job queued anyway (by an older recompute, say) cannot succeed: it
    # ends dead after one attempt, saying why, rather than after every retry.
    with engine.begin() as conn:
        pruned_pk = conn.execute(
            select(func.min(matches.c.match_pk)).where(matches.c.events_pruned_at.is_not(None))
        ).scalar_one()
        job_id = schedule_aggregate(SqlLedger(engine), conn, pruned_pk).job_id
    run_ok(fresh_url, "worker", "--burst")
    with engine.connect() as conn:
        state, attempts, error = conn.execute(
            select(jobs.c.state, jobs.c.attempts, jobs.c.last_error).where(jobs.c.id == job_id)
        ).one()
    assert (state, attempts) == ("dead", 1)
    assert "deleted by retention" in error


def test_the_retention_command_deletes_and_reports_what_went(
    fresh_url: str, engine: Engine, tmp_path: Path
) -> None:
    run_ok(fresh_url, "db", "upgrade")
    run_ok(fresh_url, "ingest", "--sync", write_matches(tmp_path / "old", 0, 2, days_ago=100))

    assert "retention is off" in run_ok(fresh_url, "retention")
    went = run_ok(
        fresh_url, "retention", retention_batch_rows="300", round_event_retention_days="90"
    )

    assert "rows that went" in went
    assert "round events: of 2 matches" in went
    assert count(engine, round_kills) == count(engine, match_documents) == 0
