"""/health, /ready (503 naming what is not ready) and /metrics (latency histograms by route)."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
import redis

from scoreline.api.app import create_app
from scoreline.bootstrap import Runtime, build_engine, build_ledger, load_settings

from .api_setups import TestClient

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def app_client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime))


def runtime_on(database_url: str, redis_url: str = "") -> Runtime:
    """A runtime on ``database_url`` whose schema is not prepared (it may not exist)."""
    settings = load_settings(database_url=database_url, redis_url=redis_url)
    engine = build_engine(settings)
    return Runtime(settings=settings, engine=engine, ledger=build_ledger(settings, engine))


def test_health_touches_nothing(tmp_path: Path) -> None:
    runtime = runtime_on(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with app_client(runtime) as client:
        response = client.get("/health")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_when_the_database_answers_with_this_schema(client: TestClient) -> None:
    response = client.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok"}}


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("postgresql://postgres@127.0.0.1:1/nowhere", id="postgresql-refused"),
        pytest.param("sqlite:////nonexistent-dir/scoreline.db", id="sqlite-no-directory"),
    ],
)
def test_not_ready_when_the_database_is_unreachable(url: str) -> None:
    runtime = runtime_on(url)
    try:
        with app_client(runtime) as client:
            response = client.get("/ready")
    finally:
        runtime.engine.dispose()

    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "not ready: database unreachable"
    assert body["detail"]["database"].startswith("unreachable: ")


def test_not_ready_while_the_schema_is_not_migrated(tmp_path: Path) -> None:
    runtime = runtime_on(f"sqlite:///{tmp_path / 'empty.db'}")
    with app_client(runtime) as client:
        response = client.get("/ready")

    assert response.status_code == 503
    assert "schema at revision none" in response.json()["detail"]["database"]


def test_not_ready_when_the_configured_redis_is_unreachable(api_runtime: Runtime) -> None:
    settings = api_runtime.settings.model_copy(update={"redis_url": UNREACHABLE_REDIS})
    with app_client(dataclasses.replace(api_runtime, settings=settings)) as client:
        response = client.get("/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "not ready: redis unreachable"
    assert body["detail"]["database"] == "ok"


def test_ready_with_a_reachable_redis(api_runtime: Runtime) -> None:
    try:
        redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis not reachable at 127.0.0.1:6379 (set CI=true to make this a failure)")
    settings = api_runtime.settings.model_copy(update={"redis_url": LOCAL_REDIS})
    with app_client(dataclasses.replace(api_runtime, settings=settings)) as client:
        response = client.get("/ready")

    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample ``name{labels}`` in a Prometheus exposition (labels in any order)."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match is None:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match.group(2))
    raise AssertionError(f"no sample {name} {labels}")


def test_metrics_have_latency_histograms_by_route_template(client: TestClient) -> None:
    for job_id in (7, 8, 9):
        client.get(f"/api/v1/jobs/{job_id}")
    client.get("/no/such/route")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    route = {"method": "GET", "route": "/api/v1/jobs/{job_id}", "status": "404"}
    assert sample(text, "scoreline_http_request_duration_seconds_count", **route) == 3
    assert sample(text, "scoreline_http_request_duration_seconds_bucket", le="+Inf", **route) == 3
    assert sample(text, "scoreline_http_requests_total", **route) == 3
    assert sample(text, "scoreline_http_requests_total", route="<unmatched>", status="404") == 1
    assert "/api/v1/jobs/7" not in text
    assert sample(text, "scoreline_job_queue_depth", state="queued") == 0
