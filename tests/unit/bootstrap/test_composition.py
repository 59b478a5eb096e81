"""The composition root: a ready schema on SQLite, a checked one on PostgreSQL, clear failures."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from scoreline.bootstrap import (
    DatabaseUnavailableError,
    SchemaNotReadyError,
    build_child_runtime_opener,
    build_engine,
    describe_schema,
    load_settings,
    open_runtime,
    upgrade_schema,
)
from scoreline.jobs import JobState
from scoreline.store.migrate import find_head_revision


def test_open_runtime_upgrades_a_new_sqlite_database(sqlite_url: str) -> None:
    with open_runtime(load_settings(database_url=sqlite_url)) as runtime:
        assert "jobs" in inspect(runtime.engine).get_table_names()
        assert describe_schema(runtime.engine).up_to_date
        assert runtime.ledger.stats().total == 0


def test_open_runtime_refuses_a_postgres_database_that_was_never_upgraded(
    fresh_postgres_url: str,
) -> None:
    settings = load_settings(database_url=fresh_postgres_url)

    with (
        pytest.raises(SchemaNotReadyError, match="run `scoreline db upgrade`") as raised,
        open_runtime(settings),
    ):
        pass

    assert raised.value.current is None
    assert raised.value.head == find_head_revision()


def test_upgrade_schema_reports_where_the_database_was_and_is(fresh_postgres_url: str) -> None:
    engine = build_engine(load_settings(database_url=fresh_postgres_url))
    try:
        before, after = upgrade_schema(engine)
        again_before, again_after = upgrade_schema(engine)
    finally:
        engine.dispose()

    assert (before.current, before.up_to_date) == (None, False)
    assert after.up_to_date
    assert again_before == again_after == after
    with open_runtime(load_settings(database_url=fresh_postgres_url)) as runtime:
        assert runtime.ledger.stats().total == 0


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://scoreline:s3cret@127.0.0.1:1/stats",
        "sqlite:////nonexistent-directory/for/scoreline.db",
    ],
)
def test_an_unreachable_database_is_named_without_its_password(url: str) -> None:
    with (
        pytest.raises(DatabaseUnavailableError) as raised,
        open_runtime(load_settings(database_url=url)),
    ):
        pass

    assert "s3cret" not in str(raised.value)
    assert raised.value.reason


def test_the_ledger_follows_the_attempts_and_backoff_settings(sqlite_url: str) -> None:
    settings = load_settings(
        database_url=sqlite_url,
        job_max_attempts=2,
        job_backoff_base_seconds=100,
        job_backoff_cap_seconds=100,
    )
    with open_runtime(settings) as runtime:
        ledger = runtime.ledger
        ledger.enqueue("aggregate", "match-1", {})
        [first] = ledger.claim("w")
        retried = ledger.fail(first, "boom", "traceback")
        [last] = ledger.claim("w", now=datetime.now(UTC) + timedelta(seconds=101))
        dead = ledger.fail(last, "boom", "traceback")

    assert first.max_attempts == 2
    # Between 75 and 100 s: the base delay minus at most a quarter of jitter.
    delay = (retried.run_at - retried.updated_at).total_seconds()
    assert 75 <= delay <= 100
    assert dead.state is JobState.DEAD


def test_a_child_runtime_opener_crosses_processes_and_skips_the_schema_work(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'child.db'}"
    settings = load_settings(database_url=url, stat_preset="seed")
    opener = pickle.loads(pickle.dumps(build_child_runtime_opener(settings)))

    with opener() as runtime:
        assert runtime.settings == settings
        # The parent readies the schema before spawning; a child does not touch it.
        assert inspect(runtime.engine).get_table_names() == []
