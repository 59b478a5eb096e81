"""Database fixtures: a SQLite file per test, a fresh PostgreSQL database per module or test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

# Databases are created here and only databases this run created are dropped.
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_UNREACHABLE = (
    "PostgreSQL not reachable at 127.0.0.1:5432 (set CI=true to make this a failure)"
)
TEST_DATABASE_PREFIX = "scoreline_test_"
_POSTGRES_FIXTURES = frozenset({"postgres_admin_url", "postgres_url", "fresh_postgres_url"})
# Seconds a TRUNCATE between tests waits for a lock before failing loudly instead of hanging.
_TRUNCATE_LOCK_TIMEOUT_S = 10


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: touches a real database or process (tests/integration)"
    )
    config.addinivalue_line("markers", "postgresql: needs the PostgreSQL server at 127.0.0.1:5432")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Marked so `pytest -m integration --durations=0` times that tier on its own.
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        fixtures = set(getattr(item, "fixturenames", ()))
        # Backend-parametrised fixtures (database_url) take "postgresql" as their parameter.
        if any(param == "postgresql" for param in params) or fixtures & _POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgresql)


def _connect_admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The maintenance database URL, or a skip (a failure when CI=true) if the server is down."""
    try:
        with _connect_admin():
            pass
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"PostgreSQL not reachable at 127.0.0.1:5432 and CI=true requires it: {error}",
                pytrace=False,
            )
        pytest.skip(POSTGRES_UNREACHABLE)
    return POSTGRES_ADMIN_URL


def _create_database(admin_url: str) -> str:
    name = f"{TEST_DATABASE_PREFIX}{uuid.uuid4().hex[:16]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _drop_database(admin_url: str, name: str) -> None:
    if not name.startswith(TEST_DATABASE_PREFIX):
        raise AssertionError(f"refusing to drop {name!r}: this run did not create it")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        # FORCE: a test that leaked a connection must not leave the database behind.
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _database_url(name: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


@pytest.fixture(scope="module")
def _postgres_module_database(postgres_admin_url: str) -> Iterator[str]:
    # One database per test module: creating and dropping one costs ~0.2 s, emptying the
    # tables between tests ~10 ms (see postgres_url).
    name = _create_database(postgres_admin_url)
    try:
        yield name
    finally:
        _drop_database(postgres_admin_url, name)


@pytest.fixture
def postgres_url(_postgres_module_database: str) -> Iterator[str]:
    """A PostgreSQL database of this run, with every table empty when the test starts.

    The database is shared by the tests of one module; after each test every table but
    alembic_version is truncated, so the schema a test migrated stays and its rows go.
    """
    yield _database_url(_postgres_module_database)
    _truncate_all_tables(_database_url(_postgres_module_database))


@pytest.fixture
def fresh_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A brand-new empty PostgreSQL database for this test alone (never migrated)."""
    name = _create_database(postgres_admin_url)
    try:
        yield _database_url(name)
    finally:
        _drop_database(postgres_admin_url, name)


def _truncate_all_tables(url: str) -> None:
    with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(
            sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{_TRUNCATE_LOCK_TIMEOUT_S}s"))
        )
        names = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        if names:
            conn.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier(name) for name in names)
                )
            )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file of its own for this test."""
    return f"sqlite:///{tmp_path / 'scoreline.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each backend in turn, for the contract suites."""
    fixture = {"sqlite": "sqlite_url", "postgresql": "postgres_url"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url
