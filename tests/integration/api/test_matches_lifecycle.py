"""A match's page through its life: pending, failing, computed, recomputed; ambiguous ids."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from fastapi import FastAPI

from scoreline.api.app import create_app
from scoreline.api.match_schemas import MatchDetail
from scoreline.api.matches import MATCH_HEAD_TTL_SECONDS, MatchHeadMemo
from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.domain.rounds import Game
from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import load_match, save_match
from scoreline.store.migrate import upgrade_database
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.intake import ingest_source

from .api_setups import TestClient, run_worker_until_idle

API = "/api/v1"


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def build_app(runtime: Runtime, heads: MatchHeadMemo) -> FastAPI:
    app = create_app(runtime)
    app.state.match_heads = heads
    return app


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    upgrade_database(database_url)
    with open_runtime(
        load_settings(database_url=database_url, job_max_attempts=1, redis_url="")
    ) as opened:
        yield opened


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(runtime: Runtime, clock: FakeClock) -> Iterator[TestClient]:
    # Heads are remembered for the default time, on a clock the tests move.
    with TestClient(build_app(runtime, MatchHeadMemo(clock=clock))) as opened:
        yield opened


def ingest_pending(runtime: Runtime, index: int = 0) -> int:
    data = orjson.dumps(generate_match(41, index))
    outcome = ingest_source(runtime.engine, runtime.ledger, data, f"synthetic-{index}")
    [match_pk] = outcome.match_pks
    return match_pk


def detail_of(client: TestClient, ref: int | str, **headers: str) -> Any:
    response = client.get(f"{API}/matches/{ref}", headers=headers)
    if response.status_code == 200:
        MatchDetail.model_validate_json(response.content, strict=True)
    return response


def test_a_match_turns_from_pending_to_computed_when_the_worker_runs(
    runtime: Runtime, client: TestClient, clock: FakeClock
) -> None:
    match_pk = ingest_pending(runtime)
    pending = detail_of(client, match_pk)
    assert pending.json()["status"] == "pending"
    assert pending.json()["job"]["state"] == "queued"
    assert "etag" not in pending.headers

    run_worker_until_idle(runtime)
    clock.seconds += MATCH_HEAD_TTL_SECONDS

    computed = detail_of(client, match_pk)
    body = computed.json()
    assert (body["status"], body["job"], body["stat_preset"]) == (
        "computed",
        None,
        runtime.settings.stat_preset,
    )
    assert len(body["scoreboard"]) == len(body["players"])
    assert (
        detail_of(client, match_pk, **{"if-none-match": computed.headers["etag"]}).status_code
        == 304
    )
    listed = client.get(f"{API}/matches").json()["items"]
    assert [(item["match_pk"], item["status"]) for item in listed] == [(match_pk, "computed")]


def test_a_failed_match_shows_its_dead_job_and_the_error(
    runtime: Runtime, client: TestClient
) -> None:
    match_pk = ingest_pending(runtime)
    [job] = runtime.ledger.claim("test-worker")
    runtime.ledger.fail(job, "ValueError: no rounds", "Traceback ...")

    body = detail_of(client, match_pk).json()

    assert body["status"] == "pending"
    assert body["job"]["state"] == "dead"
    assert body["job"]["attempts"] == body["job"]["max_attempts"] == 1
    assert body["job"]["last_error"] == "ValueError: no rounds"


def test_recomputing_a_match_changes_its_etag_and_body_once_its_head_is_due(
    runtime: Runtime, client: TestClient, clock: FakeClock
) -> None:
    match_pk = ingest_pending(runtime)
    with runtime.engine.begin() as conn:
        match = load_match(conn, match_pk)
        stats = compute_match_stats(match, preset("official"))
        save_match_stats(conn, match_pk, stats, computed_at=datetime(2026, 5, 1, tzinfo=UTC))
    before = detail_of(client, match_pk)
    rounds_before = client.get(f"{API}/matches/{match_pk}/rounds")
    assert before.json()["stat_preset"] == "official"

    with runtime.engine.begin() as conn:
        stats = compute_match_stats(match, preset("community"))
        save_match_stats(conn, match_pk, stats, computed_at=datetime(2026, 5, 2, tzinfo=UTC))
    clock.seconds += MATCH_HEAD_TTL_SECONDS * 0.9
    within_ttl = detail_of(client, match_pk)
    clock.seconds += MATCH_HEAD_TTL_SECONDS * 0.1
    after = detail_of(client, match_pk, **{"if-none-match": before.headers["etag"]})
    rounds_after = client.get(
        f"{API}/matches/{match_pk}/rounds", headers={"if-none-match": rounds_before.headers["etag"]}
    )

    assert within_ttl.headers["etag"] == before.headers["etag"]
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["stat_preset"] == "community"
    assert after.json()["computed_at"] == "2026-05-02T00:00:00+00:00"
    assert rounds_after.status_code == 200


def test_a_source_id_of_two_games_is_a_409_and_the_match_pks_still_work(
    runtime: Runtime, client: TestClient
) -> None:
    [match] = parse_source(orjson.dumps(generate_match(41, 1)), "synthetic")
    with runtime.engine.begin() as conn:
        valorant = save_match(conn, match, payload_id=None).match_pk
        cs2 = save_match(conn, dataclasses.replace(match, game=Game.CS2), payload_id=None).match_pk

    ambiguous = client.get(f"{API}/matches/{match.match_id}")

    assert ambiguous.status_code == 409
    assert f"match_pk {valorant}, {cs2}" in ambiguous.json()["detail"]
    assert detail_of(client, cs2).json()["game"] == "cs2"
    assert detail_of(client, valorant).json()["match_id"] == match.match_id


def test_a_match_pk_wins_over_a_source_id_that_looks_like_one(
    runtime: Runtime, client: TestClient
) -> None:
    [match] = parse_source(orjson.dumps(generate_match(41, 2)), "synthetic")
    with runtime.engine.begin() as conn:
        first = save_match(conn, match, payload_id=None).match_pk
        numbered = dataclasses.replace(match, match_id=str(first), game=Game.CS2)
        other = save_match(conn, numbered, payload_id=None)

    assert detail_of(client, first).json()["match_pk"] == first
    assert detail_of(client, other.match_pk).json()["match_id"] == str(first)
