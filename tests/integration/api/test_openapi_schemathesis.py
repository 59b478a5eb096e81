"""schemathesis over the app's own OpenAPI document: no 5xx, every answer as documented."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from scoreline.api.app import create_app
from scoreline.bootstrap import Runtime, build_engine, build_ledger, load_settings, open_runtime
from scoreline.store.migrate import upgrade_database

from .api_setups import API_TOKEN, AUTH, TestClient, ingest_generated, run_worker_until_idle

STORED_MATCHES = 3


def build_document_app() -> FastAPI:
    """The app as far as its OpenAPI document goes: its database is never connected to."""
    document_settings = load_settings(database_url="sqlite:///:memory:", redis_url="")
    engine = build_engine(document_settings)
    ledger = build_ledger(document_settings, engine)
    return create_app(Runtime(settings=document_settings, engine=engine, ledger=ledger))


# Loaded at collection, so that every operation is a test of its own. (Loading from a fixture,
# schemathesis.pytest.from_fixture, fails on pytest 9: it sets Function._nodeid, now gone.)
# The calls go to `served_app`, the same app on a store with matches in it.
schema = schemathesis.openapi.from_asgi("/openapi.json", build_document_app())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """The whole app over a store holding a few computed matches, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'scoreline.db'}"
    else:
        name = request.getfixturevalue("_postgres_module_database")
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    upgrade_database(url)
    served_settings = load_settings(database_url=url, api_tokens=API_TOKEN, redis_url="")
    with open_runtime(served_settings) as runtime:
        app = create_app(runtime)
        with TestClient(app) as client:
            ingest_generated(client, STORED_MATCHES)
        run_worker_until_idle(runtime)
        yield app


@schema.parametrize()
@settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_openapi_document(
    case: schemathesis.Case[Any], served_app: FastAPI
) -> None:
    # Checked: no 5xx; status codes, content types, headers and bodies as documented;
    # authentication enforced. Left out, as their verdicts here are about the generator:
    # positive_data_acceptance expects every schema-valid request to succeed, but no schema
    # says which bytes are a match file or which strings are cursors this API issued (422 by
    # design); negative_data_rejection flags "invalid" values that reach the server as valid
    # ones (an object-valued query parameter serialises to the same string). The API's own
    # strictness (repeated parameters, strict bodies) has tests of its own.
    case.call_and_validate(
        headers=AUTH,
        app=served_app,
        excluded_checks=[
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )
