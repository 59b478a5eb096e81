"""What the tests of the read endpoints share: one filled database per module and backend,
the app with its clock pinned, matches to ingest, and strict reads of the answers."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Table, select

from scoreline.api.app import create_app
from scoreline.bootstrap import Runtime
from scoreline.stats.rounds import PRESETS
from scoreline.store import build_engine
from scoreline.store.migrate import upgrade_database
from scoreline.store.schema import matches
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.intake import IngestOutcome, IngestStatus, ingest_source

from .api_setups import TestClient

API = "/api/v1"
BACKENDS = ["sqlite", "postgresql"]
OFFICIAL = PRESETS["official"]
# A Wednesday: "week" is Mon 16 .. Sun 22 March, the week before Mon 9 .. Sun 15.
NOW = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)
HERO = "00000000-0000-4000-8000-00000000beef"
HERO_SEED = 41


def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A migrated database for a module-scoped fixture parametrised over BACKENDS: a new
    SQLite file, or the module's own PostgreSQL database (tests/conftest.py). The fixture
    fills it once; the tests only read it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'scoreline.db'}"
    else:
        name = request.getfixturevalue("_postgres_module_database")
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    upgrade_database(url)
    return url


def build_app(runtime: Runtime, now: datetime = NOW) -> FastAPI:
    """The API over ``runtime`` with its clock pinned at ``now``."""
    app = create_app(runtime)
    app.state.clock = lambda: now
    return app


def generated_at(seed: int, index: int, started_at: datetime) -> bytes:
    """Generated match ``index`` of ``seed`` as a file, its start moved to ``started_at``."""
    return _started_at(generate_match(seed, index), started_at)


def hero_match(index: int, started_at: datetime) -> bytes:
    """Generated match ``index`` of HERO_SEED with one of its players replaced by HERO (who
    keeps that player's name, so HERO goes by several names), started at ``started_at``."""
    document: dict[str, Any] = generate_match(HERO_SEED, index)
    replaced = document["players"][index % 10]["puuid"]
    return _started_at(document, started_at).replace(replaced.encode(), HERO.encode())


def _started_at(document: dict[str, Any], started_at: datetime) -> bytes:
    document["matchInfo"]["gameStartMillis"] = int(started_at.timestamp() * 1000)
    return orjson.dumps(document)


def ingest_files(
    runtime: Runtime, files: Sequence[tuple[bytes, str]], *, pending: Collection[int] = ()
) -> list[IngestOutcome]:
    """Ingest each (bytes, label) with its stats computed in the ingest transaction under
    the official preset, but for the positions in ``pending``, whose jobs stay queued."""
    outcomes = []
    for position, (data, label) in enumerate(files):
        compute = None if position in pending else OFFICIAL
        outcome = ingest_source(runtime.engine, runtime.ledger, data, label, compute_now=compute)
        assert outcome.status is IngestStatus.INGESTED, outcome
        outcomes.append(outcome)
    return outcomes


def load_match_rows(url: str, table: Table, **equal: Any) -> list[dict[str, Any]]:
    """The rows of aggregate ``table`` whose columns equal ``equal``, each with its match's
    started_at and map_name: what a test recomputes a report from by hand."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            statement = (
                select(table, matches.c.started_at, matches.c.map_name)
                .select_from(table.join(matches, matches.c.match_pk == table.c.match_pk))
                .where(*(table.c[name] == value for name, value in equal.items()))
            )
            return [dict(row._mapping) for row in conn.execute(statement)]
    finally:
        engine.dispose()


def keep_rows(
    rows: Iterable[dict[str, Any]],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    **equal: Any,
) -> list[dict[str, Any]]:
    """The ``rows`` of matches started in [start, end) whose keys equal ``equal``."""
    return [
        row
        for row in rows
        if (start is None or row["started_at"] >= start)
        and (end is None or row["started_at"] < end)
        and all(row[name] == value for name, value in equal.items())
    ]


def get_ok(client: TestClient, url: str, model: type[BaseModel], **params: Any) -> dict[str, Any]:
    """GET ``url``: 200, and a body that is exactly ``model`` (no key missing or extra)."""
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    model.model_validate_json(response.content, strict=True)
    body: dict[str, Any] = response.json()
    return body


def problem_of(response: Any, field: str) -> str:
    """The reason a 422 gives for ``field``."""
    assert response.status_code == 422, response.text
    reasons = [p["reason"] for p in response.json()["detail"] if p["field"] == field]
    assert reasons, response.text
    return str(reasons[0])
