"""The pipeline endpoints: a job's state, dead jobs as JSON and CSV, replays and recomputes."""

from __future__ import annotations

import csv
import io

import pytest

from scoreline.bootstrap import Runtime
from scoreline.jobs import Job
from scoreline.stats.rounds import STAT_VERSION

from .api_setups import AUTH, TestClient, ingest_generated, run_worker_until_idle

FAILING_KIND = "test-failing"
JOB_ERROR = "ValueError: the test made this attempt fail"


def make_dead_job(runtime: Runtime, key: str) -> Job:
    """A job that failed its one attempt, as a worker would have left it."""
    ledger = runtime.ledger
    ledger.enqueue(FAILING_KIND, key, {"why": "test"}, max_attempts=1)
    [claimed] = ledger.claim("test-worker", kinds=[FAILING_KIND])
    return ledger.fail(claimed, JOB_ERROR, "Traceback (most recent call last): ...")


def test_a_job_shows_its_state_attempts_and_timestamps(
    client: TestClient, api_runtime: Runtime
) -> None:
    [answer] = ingest_generated(client, 1)
    [job_id] = answer["job_ids"]

    run_worker_until_idle(api_runtime)
    job = client.get(f"/api/v1/jobs/{job_id}").json()

    assert job["state"] == "done"
    assert (job["attempts"], job["max_attempts"]) == (1, api_runtime.settings.job_max_attempts)
    assert job["last_error"] is None
    assert job["finished_at"] >= job["created_at"]
    assert "last_traceback" not in job


def test_a_dead_job_shows_its_last_error(client: TestClient, api_runtime: Runtime) -> None:
    dead = make_dead_job(api_runtime, "one")

    job = client.get(f"/api/v1/jobs/{dead.id}").json()

    assert (job["state"], job["attempts"], job["last_error"]) == ("dead", 1, JOB_ERROR)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/jobs/999999", 404),
        ("/api/v1/jobs/0", 422),
        ("/api/v1/jobs/first", 422),
    ],
)
def test_unknown_or_malformed_job_ids(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)

    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "detail"}
    if status == 422:
        assert body["detail"][0]["field"] == "job_id"


def test_dead_jobs_are_listed_newest_first_with_pages(
    client: TestClient, api_runtime: Runtime
) -> None:
    ids = [make_dead_job(api_runtime, key).id for key in ("a", "b", "c")]

    first = client.get("/api/v1/admin/jobs/dead", headers=AUTH, params={"limit": 2}).json()
    second = client.get(
        "/api/v1/admin/jobs/dead", headers=AUTH, params={"limit": 2, "offset": 2}
    ).json()

    assert [job["id"] for job in first["items"]] == [ids[2], ids[1]]
    assert first["next_offset"] == 2
    assert [job["id"] for job in second["items"]] == [ids[0]]
    assert second["next_offset"] is None
    assert {job["last_error"] for job in first["items"]} == {JOB_ERROR}


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        pytest.param({"format": "csv"}, {}, id="format-parameter"),
        pytest.param({}, {"Accept": "text/csv"}, id="accept-header"),
    ],
)
def test_job_lists_answer_csv(
    client: TestClient, api_runtime: Runtime, params: dict[str, str], headers: dict[str, str]
) -> None:
    dead = make_dead_job(api_runtime, "csv")

    response = client.get("/api/v1/admin/jobs/dead", params=params, headers={**AUTH, **headers})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert (row["id"], row["state"], row["last_error"]) == (str(dead.id), "dead", JOB_ERROR)
    assert dead.finished_at is not None
    assert row["finished_at"] == dead.finished_at.isoformat()


def test_the_jobs_list_filters_by_state_and_kind(client: TestClient, api_runtime: Runtime) -> None:
    make_dead_job(api_runtime, "x")
    ingest_generated(client, 1)

    def kinds(**params: str) -> list[tuple[str, str]]:
        items = client.get("/api/v1/admin/jobs", headers=AUTH, params=params).json()["items"]
        return [(job["kind"], job["state"]) for job in items]

    assert kinds() == [("aggregate", "queued"), (FAILING_KIND, "dead")]
    assert kinds(state="queued") == [("aggregate", "queued")]
    assert kinds(kind=FAILING_KIND) == [(FAILING_KIND, "dead")]
    bad = client.get("/api/v1/admin/jobs", headers=AUTH, params={"state": "sleeping"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "state"


def test_a_dead_job_is_replayed_once(client: TestClient, api_runtime: Runtime) -> None:
    dead = make_dead_job(api_runtime, "replay")

    replayed = client.post(f"/api/v1/admin/jobs/{dead.id}/retry", headers=AUTH)
    again = client.post(f"/api/v1/admin/jobs/{dead.id}/retry", headers=AUTH)

    assert replayed.status_code == 200
    assert (replayed.json()["state"], replayed.json()["attempts"]) == ("queued", 0)
    assert again.status_code == 409
    assert "queued" in again.json()["detail"]


def test_replaying_an_unknown_job_answers_404(client: TestClient) -> None:
    response = client.post("/api/v1/admin/jobs/424242/retry", headers=AUTH)

    assert response.status_code == 404
    assert response.json() == {"error": "not found", "detail": "no job with id 424242"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/admin/jobs"),
        ("GET", "/api/v1/admin/jobs/dead"),
        ("POST", "/api/v1/admin/jobs/retry-dead"),
    ],
)
def test_a_kind_holding_a_nul_answers_422_not_a_database_error(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, headers=AUTH, params={"kind": "a\x00b"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "kind"


def test_every_dead_job_is_replayed(client: TestClient, api_runtime: Runtime) -> None:
    for key in ("p", "q"):
        make_dead_job(api_runtime, key)

    response = client.post("/api/v1/admin/jobs/retry-dead", headers=AUTH)

    assert response.json() == {"retried": 2}
    assert client.get("/api/v1/admin/jobs/dead", headers=AUTH).json()["items"] == []


def test_recompute_queues_what_the_scope_names(client: TestClient, api_runtime: Runtime) -> None:
    ingest_generated(client, 2)
    run_worker_until_idle(api_runtime)

    def recompute(body: dict[str, object] | None) -> dict[str, object]:
        response = client.post("/api/v1/admin/recompute", headers=AUTH, json=body)
        assert response.status_code == 202, response.text
        answer: dict[str, object] = response.json()
        return answer

    assert recompute(None) == {"queued": 0, "below_version": STAT_VERSION}
    assert recompute({"below_version": STAT_VERSION + 1}) == {
        "queued": 2,
        "below_version": STAT_VERSION + 1,
    }
    assert recompute({"all": True}) == {"queued": 2, "below_version": None}
    listed = client.get("/api/v1/admin/jobs", headers=AUTH).json()["items"]
    assert {job["state"] for job in listed} == {"queued"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"all": True, "below_version": 2}, "body"),
        ({"below_version": 0}, "body.below_version"),
        ({"all": "maybe"}, "body.all"),
    ],
)
def test_a_bad_recompute_scope_answers_422(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/admin/recompute", headers=AUTH, json=body)

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert f"{problem['location']}.{problem['field']}".startswith(field)


def test_the_pipeline_counts_jobs_by_state(client: TestClient, api_runtime: Runtime) -> None:
    make_dead_job(api_runtime, "count")
    ingest_generated(client, 1)

    status = client.get("/api/v1/pipeline").json()

    assert status["counts"] == {"queued": 1, "running": 0, "done": 0, "dead": 1}
    assert status["total"] == 2
    assert status["oldest_queued_lag_seconds"] >= 0
