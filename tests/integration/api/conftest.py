"""Fixtures of the API tests: a migrated store on each backend, the app over it, a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from scoreline.api.app import create_app
from scoreline.bootstrap import Runtime, Settings, load_settings, open_runtime
from scoreline.store.migrate import upgrade_database

from .api_setups import API_TOKEN, TestClient


@pytest.fixture
def api_settings(database_url: str) -> Settings:
    """Settings for the database of this test, with one API token configured."""
    return load_settings(database_url=database_url, api_tokens=API_TOKEN, redis_url="")


@pytest.fixture
def api_runtime(api_settings: Settings) -> Iterator[Runtime]:
    # PostgreSQL is never upgraded by open_runtime (only on purpose): do it as an operator.
    upgrade_database(api_settings.database_url)
    with open_runtime(api_settings) as runtime:
        yield runtime


@pytest.fixture
def api_app(api_runtime: Runtime) -> FastAPI:
    return create_app(api_runtime)


@pytest.fixture
def client(api_app: FastAPI) -> Iterator[TestClient]:
    """A client of the app; a route's exception fails the test instead of becoming a 500."""
    with TestClient(api_app) as test_client:
        yield test_client
