"""Ingest, then the worker: the stored aggregates are exactly what `scoreline stats` computes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from scoreline.store.aggregates import load_match_player_stats
from scoreline.store.canonical import find_match_pk
from scoreline.store.engines import build_engine
from scoreline.store.schema import AGGREGATE_TABLES, jobs, matches
from shared_data import DATA_DIR

REAL_FILES = [
    *sorted((DATA_DIR / "valorant").glob("*.json")),
    *sorted((DATA_DIR / "cs2").glob("*.log")),
]
COMPARED_FIELDS = (
    "rounds_played", "kills", "deaths", "assists", "score", "damage", "first_kills",
    "first_deaths", "trade_kills", "traded_deaths", "team_kills", "suicides", "spike_deaths",
)  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pipeline.db'}"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


def scoreline(url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCORELINE_DATABASE_URL": url, "SCORELINE_LOG_FORMAT": "json"}
    return subprocess.run(
        [sys.executable, "-m", "scoreline", *map(str, args)],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip


def run_ok(url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    result = scoreline(url, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture
def engine_of() -> Iterator[Any]:
    engines: list[Engine] = []

    def open_engine(url: str) -> Engine:
        engines.append(build_engine(url))
        return engines[-1]

    yield open_engine
    for engine in engines:
        engine.dispose()


def aggregate_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every aggregate row of every match, keyed by source match id, without timestamps."""
    with engine.connect() as conn:
        ids = dict(conn.execute(select(matches.c.match_pk, matches.c.source_match_id)).all())
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for aggregate in AGGREGATE_TABLES:
            table = aggregate.table
            columns = [c for c in table.c if c.name not in ("computed_at",)]
            rows = conn.execute(select(*columns)).all()
            tables[table.name] = sorted(
                tuple(ids[row.match_pk] if c.name == "match_pk" else row[i]
                      for i, c in enumerate(columns))
                for row in rows
            )  # fmt: skip
    return tables


def test_stored_match_player_stats_equal_scoreline_stats(fresh_url: str, engine_of: Any) -> None:
    run_ok(fresh_url, "db", "upgrade")
    ingested = scoreline(fresh_url, "ingest", *REAL_FILES)
    assert ingested.returncode == 0, ingested.stderr
    assert f"{len(REAL_FILES)} ingested" in ingested.stdout
    run_ok(fresh_url, "worker", "--burst", "--concurrency", "2")
    expected = json.loads(run_ok(fresh_url, "stats", "--format", "json", *REAL_FILES).stdout)
    engine = engine_of(fresh_url)
    with engine.connect() as conn:
        assert conn.execute(select(jobs.c.state).distinct()).scalars().all() == ["done"]
        for match in expected["matches"]:
            match_pk = find_match_pk(conn, match["match_id"])
            assert match_pk is not None
            stored = {row["player_id"]: row for row in load_match_player_stats(conn, match_pk)}
            assert set(stored) == {p["player_id"] for p in match["players"]}
            for player in match["players"]:
                row = stored[player["player_id"]]
                for field in COMPARED_FIELDS:
                    assert row[field] == player[field], (match["match_id"], field)
                assert round(row["acs"], 2) == player["acs"]
                assert round(row["adr"], 2) == player["adr"]


def generate(tmp_path: Path, count: int) -> Path:
    out = tmp_path / "generated"
    result = subprocess.run(
        [sys.executable, "-m", "scoreline", "generate", "--matches", str(count), "--seed", "11",
         "--out", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def test_killed_worker_and_duplicate_deliveries_leave_the_rows_of_a_clean_run(
    fresh_url: str, tmp_path: Path, engine_of: Any, sqlite_url: str
) -> None:
    files = generate(tmp_path, 60)
    # the clean run: a database of its own, one worker, nothing in its way
    run_ok(sqlite_url, "ingest", files)
    run_ok(sqlite_url, "worker", "--burst")
    clean = aggregate_rows(engine_of(sqlite_url))

    run_ok(fresh_url, "db", "upgrade")
    run_ok(fresh_url, "ingest", files)
    env = {**os.environ, "SCORELINE_DATABASE_URL": fresh_url, "SCORELINE_LOG_FORMAT": "json",
           "SCORELINE_JOB_LEASE_SECONDS": "2"}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "scoreline", "worker"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    engine = engine_of(fresh_url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            done = conn.execute(select(jobs.c.id).where(jobs.c.state == "done")).all()
        if len(done) >= 5:
            break
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    # deliver every match again (as a retry or a second Redis message would), then finish
    run_ok(fresh_url, "recompute", "--all")
    run_ok(fresh_url, "worker", "--burst", "--concurrency", "2")
    assert aggregate_rows(engine) == clean


@pytest.fixture
def redis_url() -> str:
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        reason = "Redis not reachable at 127.0.0.1:6379 (set CI=true to make this a failure)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def test_worker_with_redis_configured_consumes_the_seed_list(
    sqlite_url: str, redis_url: str, engine_of: Any
) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    haven = DATA_DIR / "valorant" / "riot_v1_galeforce_2_haven_unrated_9a640756.json"
    run_ok(sqlite_url, "ingest", haven)
    run_ok(sqlite_url, "worker", "--burst")
    engine = engine_of(sqlite_url)
    with engine.connect() as conn:
        first_finish = conn.execute(select(jobs.c.finished_at)).scalar_one()
    env = {**os.environ, "SCORELINE_DATABASE_URL": sqlite_url, "SCORELINE_LOG_FORMAT": "json",
           "SCORELINE_REDIS_URL": redis_url}  # fmt: skip
    client.delete("aggregate_matches:dlq")
    worker = subprocess.Popen(
        [sys.executable, "-m", "scoreline", "worker"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        client.lpush("aggregate_matches", b"not json")
        client.lpush("aggregate_matches", b'{"match_id": "9a640756-ef49-4d7c-bb5a-9cbda043517a"}')
        deadline = time.monotonic() + 60
        recomputed = False
        while time.monotonic() < deadline and not recomputed:
            with engine.connect() as conn:
                row = conn.execute(select(jobs.c.state, jobs.c.finished_at)).one()
            recomputed = row.state == "done" and row.finished_at > first_finish
            time.sleep(0.1)
        assert recomputed, "the message did not make the worker compute the match again"
        while time.monotonic() < deadline and client.llen("aggregate_matches:dlq") == 0:
            time.sleep(0.1)
        (entry,) = client.lrange("aggregate_matches:dlq", 0, -1)
        assert json.loads(entry)["message"] == "not json"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        client.delete("aggregate_matches:dlq")


def test_a_bad_file_leaves_only_a_rejection_record(
    fresh_url: str, tmp_path: Path, engine_of: Any
) -> None:
    from scoreline.store.schema import ingest_rejections, raw_payloads

    haven = json.loads(
        (DATA_DIR / "valorant" / "riot_v1_galeforce_2_haven_unrated_9a640756.json").read_text()
    )
    round_index, stats_index = next(
        (r, p)
        for r, round_ in enumerate(haven["roundResults"])
        for p, stats in enumerate(round_["playerStats"])
        if stats["kills"]
    )
    haven["roundResults"][round_index]["playerStats"][stats_index]["kills"][0]["victim"] = "nobody"
    bad = tmp_path / "haven_bad.json"
    bad.write_text(json.dumps(haven))
    run_ok(fresh_url, "db", "upgrade")
    result = scoreline(fresh_url, "ingest", bad)
    assert result.returncode == 1
    assert (
        f"roundResults[{round_index}].playerStats[{stats_index}].kills[0].victim" in result.stderr
    )
    assert "1 rejected" in result.stdout
    with engine_of(fresh_url).connect() as conn:
        (rejection,) = conn.execute(select(ingest_rejections)).mappings().all()
        assert rejection["source"] == str(bad)
        assert "victim" in rejection["field"]
        for table in (raw_payloads, matches, jobs):
            assert conn.execute(select(table)).first() is None, table.name
