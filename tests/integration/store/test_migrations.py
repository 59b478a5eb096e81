"""The packaged migrations on each backend: they build exactly the schema module's tables."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from scoreline.store import build_engine, metadata, upgrade_database
from scoreline.store.migrate import (
    MIGRATIONS_DIR,
    downgrade_database,
    find_database_revision,
    find_head_revision,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A database nobody has migrated yet, on each backend."""
    fixture = {"sqlite": "sqlite_url", "postgresql": "fresh_postgres_url"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = build_engine(empty_database_url)
    yield engine
    engine.dispose()


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert find_head_revision() == "0005"


def test_upgrade_brings_an_empty_database_to_head_and_can_run_again(engine: Engine) -> None:
    assert find_database_revision(engine) is None

    upgrade_database(engine)
    upgrade_database(engine)

    assert find_database_revision(engine) == find_head_revision()
    assert set(inspect(engine).get_table_names()) == {"alembic_version", *metadata.tables}


def test_upgrade_accepts_a_url(empty_database_url: str, engine: Engine) -> None:
    upgrade_database(empty_database_url)

    assert find_database_revision(engine) == find_head_revision()


def test_migrated_database_matches_the_schema_module(engine: Engine) -> None:
    upgrade_database(engine)

    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)

    assert differences == []


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(engine: Engine) -> None:
    upgrade_database(engine)

    downgrade_database(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert find_database_revision(engine) is None

    upgrade_database(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())


def test_processes_upgrading_one_database_at_once_all_succeed(
    engine: Engine, empty_database_url: str
) -> None:
    # Every worker process upgrades the database it starts on; they must not trip on each
    # other. Processes, not threads: Alembic's migration context is process-global.
    script = (
        "import sys; from scoreline.store import upgrade_database; upgrade_database(sys.argv[1])"
    )
    with ExitStack() as stack:
        processes = [
            stack.enter_context(
                subprocess.Popen(
                    [sys.executable, "-c", script, empty_database_url],
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            for _ in range(3)
        ]
        errors = [process.communicate(timeout=60)[1] for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0], errors
    assert find_database_revision(engine) == find_head_revision()
