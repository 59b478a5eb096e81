"""Fixtures of the dashboard's page tests: a filled store on each backend and the site over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard_site import FilledStore, TestClient, fill_store
from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.dashboard.app import create_site
from scoreline.store.migrate import upgrade_database


@pytest.fixture
def site_runtime(database_url: str) -> Iterator[Runtime]:
    # PostgreSQL is never upgraded by open_runtime (only on purpose): do it as an operator.
    upgrade_database(database_url)
    settings = load_settings(database_url=database_url, redis_url="", log_format="json")
    with open_runtime(settings) as runtime:
        yield runtime


@pytest.fixture
def filled(site_runtime: Runtime) -> FilledStore:
    return fill_store(site_runtime)


@pytest.fixture
def client(site_runtime: Runtime, filled: FilledStore) -> Iterator[TestClient]:
    """A client of the site over the filled store; a page's exception fails the test
    instead of becoming a 500."""
    app = create_site(site_runtime)
    filled.pin_clock(app)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def empty_client(site_runtime: Runtime) -> Iterator[TestClient]:
    """A client of the site over an empty store."""
    with TestClient(create_site(site_runtime)) as test_client:
        yield test_client
