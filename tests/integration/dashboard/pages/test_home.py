"""The home page: recent matches, this week's top players, activity and the pipeline."""

from __future__ import annotations

from datetime import timedelta

from dashboard_site import FilledStore, TestClient
from scoreline.bootstrap import Runtime
from scoreline.jobs.model import JobState

from ..html_tables import read_tables


def kill_job(runtime: Runtime, job_id: int) -> None:
    """Fail the job every attempt it has, as a worker whose handler always raises would."""
    at = runtime.ledger.get(job_id).run_at
    while runtime.ledger.get(job_id).state is not JobState.DEAD:
        at += timedelta(days=1)  # past any backoff
        (job,) = runtime.ledger.claim("test-worker", now=at)
        runtime.ledger.fail(job, "RuntimeError: boom\nmore lines", "Traceback ...", now=at)


def test_home_shows_recent_matches_top_players_activity_and_queue(
    client: TestClient, filled: FilledStore
) -> None:
    html = client.get("/").text
    tables = read_tables(html)
    recent = tables["recent-matches"]
    assert len(recent.rows) == len(filled.computed_match_pks) + 1
    assert recent.column("Status").count("pending") == 1
    api_top = client.get(
        "/api/v1/leaderboards/acs", params={"period": "week", "min_matches": 1, "limit": 5}
    ).json()["items"]
    assert "Top players this week" in html
    top = tables["top-players"]
    assert top.column("Value") == [f"{item['value']:.2f}" for item in api_top]
    assert top.column("Player") == [item["name"] for item in api_top]
    assert "gold" in top.rows[0][0]
    assert 'data-chart="activity"' in html
    queue = dict(tables["queue"].rows)
    assert queue == {"queued": "1", "running": "0", "done": "0", "dead": "0"}
    assert "No dead jobs." in html


def test_home_lists_dead_jobs_with_their_error_and_match(
    client: TestClient, filled: FilledStore, site_runtime: Runtime
) -> None:
    job = site_runtime.ledger.find("aggregate", f"match:{filled.pending_match_pk}")
    assert job is not None
    kill_job(site_runtime, job.id)
    html = client.get("/").text
    dead = read_tables(html)["dead-jobs"].records()
    assert dead == [
        {
            "Job": str(job.id),
            "Kind": "aggregate",
            "For": f"match:{filled.pending_match_pk}",
            "Attempts": str(job.max_attempts),
            "Died": dead[0]["Died"],
            "Last error": "RuntimeError: boom",
        }
    ]
    assert f'href="/matches/{filled.pending_match_pk}"' in html
    page = client.get(f"/matches/{filled.pending_match_pk}").text
    assert "dead" in page
    assert "RuntimeError: boom" in page


def test_home_of_an_empty_store_explains_what_to_do(empty_client: TestClient) -> None:
    html = empty_client.get("/").text
    assert "No matches yet. Ingest some with `scoreline ingest FILE...`." in html
    assert "No computed matches yet." in html
    assert "No matches stored yet." in html
