"""POST /api/v1/ingest: 202 with match and job ids, 200 for a duplicate, 413/415/422 with why."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from scoreline.api.app import create_app
from scoreline.bootstrap import Runtime
from scoreline.store.schema import ingest_rejections, matches, raw_payloads
from shared_data import DATA_DIR

from .api_setups import AUTH, JSON_BODY, TestClient, generated_file, ingest_generated

CS2_LOG = DATA_DIR / "cs2" / "cs2_serverlog_seatlon_inferno_0f870999.log"
SMALL_LIMIT_BYTES = 1000


def count_rows(runtime: Runtime, table: Any) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def small_limit_client(api_runtime: Runtime) -> Iterator[TestClient]:
    """A client of an app accepting bodies of at most SMALL_LIMIT_BYTES."""
    settings = api_runtime.settings.model_copy(update={"api_max_body_bytes": SMALL_LIMIT_BYTES})
    app = create_app(dataclasses.replace(api_runtime, settings=settings))
    with TestClient(app) as client:
        yield client


def test_a_new_match_is_stored_and_queued_with_202(client: TestClient) -> None:
    response = client.post(
        "/api/v1/ingest",
        content=generated_file(0),
        headers={**AUTH, **JSON_BODY},
        params={"source": "match-0.json"},
    )

    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["status"] == "ingested"
    assert answer["source"] == "match-0.json"
    [match] = answer["matches"]
    assert match["game"] == "valorant"
    assert match["match_pk"] >= 1
    [job_id] = answer["job_ids"]
    assert response.headers["location"] == f"/api/v1/jobs/{job_id}"
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (job["kind"], job["state"], job["attempts"]) == ("aggregate", "queued", 0)
    assert job["payload"] == {"match_id": match["match_pk"]}


def test_the_same_bytes_again_answer_200_with_the_stored_match(
    client: TestClient, api_runtime: Runtime
) -> None:
    [first] = ingest_generated(client, 1)

    again = client.post("/api/v1/ingest", content=generated_file(0), headers={**AUTH, **JSON_BODY})

    assert again.status_code == 200, again.text
    answer = again.json()
    assert answer["status"] == "duplicate"
    assert answer["sha256"] == first["sha256"]
    assert answer["matches"] == first["matches"]
    assert answer["job_ids"] == first["job_ids"]
    assert count_rows(api_runtime, raw_payloads) == 1
    assert count_rows(api_runtime, matches) == 1


def test_a_cs2_log_is_read_from_text(client: TestClient) -> None:
    response = client.post(
        "/api/v1/ingest",
        content=CS2_LOG.read_bytes(),
        headers={**AUTH, "Content-Type": "text/plain; charset=utf-8"},
        params={"source": CS2_LOG.name},
    )

    assert response.status_code == 202, response.text
    assert [m["game"] for m in response.json()["matches"]] == ["cs2"]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Content-Type": "application/octet-stream"}, id="octet-stream"),
        pytest.param({"Content-Type": "APPLICATION/JSON; charset=utf-8"}, id="json-any-case"),
        pytest.param({}, id="no-content-type"),
    ],
)
def test_accepted_content_types(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/api/v1/ingest", content=generated_file(1), headers={**AUTH, **headers})

    assert response.status_code == 202, response.text


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "x"],
)
def test_other_content_types_answer_415(
    client: TestClient, api_runtime: Runtime, content_type: str
) -> None:
    response = client.post(
        "/api/v1/ingest",
        content=generated_file(0),
        headers={**AUTH, "Content-Type": content_type},
    )

    assert response.status_code == 415, response.text
    body = response.json()
    assert body["detail"]["content_type"] == content_type.split(";")[0]
    assert body["detail"]["accepted"] == [
        "application/json",
        "text/plain",
        "application/octet-stream",
    ]
    assert count_rows(api_runtime, raw_payloads) == 0


def test_a_declared_length_over_the_limit_answers_413_before_reading(
    small_limit_client: TestClient, api_runtime: Runtime
) -> None:
    response = small_limit_client.post(
        "/api/v1/ingest", content=generated_file(0), headers={**AUTH, **JSON_BODY}
    )

    assert response.status_code == 413, response.text
    detail = response.json()["detail"]
    assert detail["limit_bytes"] == SMALL_LIMIT_BYTES
    assert "SCORELINE_API_MAX_BODY_BYTES" in detail["reason"]
    assert count_rows(api_runtime, raw_payloads) == 0


def test_a_streamed_body_over_the_limit_answers_413(
    small_limit_client: TestClient, api_runtime: Runtime
) -> None:
    def chunks() -> Iterator[bytes]:
        # No Content-Length: sent chunked, so only counting while reading can catch it.
        for _ in range(10):
            yield b" " * 300

    response = small_limit_client.post(
        "/api/v1/ingest", content=chunks(), headers={**AUTH, **JSON_BODY}
    )

    assert response.status_code == 413, response.text
    assert response.json()["detail"]["limit_bytes"] == SMALL_LIMIT_BYTES
    assert count_rows(api_runtime, ingest_rejections) == 0


def test_a_body_at_the_limit_is_read(small_limit_client: TestClient) -> None:
    response = small_limit_client.post(
        "/api/v1/ingest", content=b"{" + b" " * (SMALL_LIMIT_BYTES - 1), headers=AUTH
    )

    assert response.status_code == 422  # read in full, then rejected as JSON


def _riot_match_without_players() -> bytes:
    document = orjson.loads(generated_file(0))
    del document["players"]
    return orjson.dumps(document)


@pytest.mark.parametrize(
    ("body", "field", "reason_part"),
    [
        pytest.param(b"", "", "empty", id="empty"),
        pytest.param(b'{"matchInfo": ', "", "invalid JSON at line 1", id="broken-json"),
        pytest.param(b'{"hello": 1}', "", "no supported match format", id="unknown-json"),
        pytest.param(b"\xff\xfe\x00", "", "not UTF-8", id="binary"),
        pytest.param(_riot_match_without_players(), "players", "", id="riot-without-players"),
    ],
)
def test_bad_content_answers_422_naming_the_field(
    client: TestClient, api_runtime: Runtime, body: bytes, field: str, reason_part: str
) -> None:
    response = client.post(
        "/api/v1/ingest", content=body, headers=AUTH, params={"source": "bad.json"}
    )

    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["detail"]["file"] == "bad.json"
    assert answer["detail"]["field"] == field
    assert reason_part in answer["detail"]["reason"]
    assert answer["error"].startswith("rejected: bad.json")
    assert count_rows(api_runtime, raw_payloads) == 0
    rejections = client.get("/api/v1/admin/rejections", headers=AUTH).json()["items"]
    assert [(r["source"], r["field"]) for r in rejections] == [("bad.json", field)]


def test_a_blank_source_label_answers_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/ingest", content=generated_file(0), headers=AUTH, params={"source": ""}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "source"


def test_without_a_token_nothing_is_read(client: TestClient, api_runtime: Runtime) -> None:
    response = client.post("/api/v1/ingest", content=generated_file(0), headers=JSON_BODY)

    assert response.status_code == 401
    assert count_rows(api_runtime, raw_payloads) == 0
    assert count_rows(api_runtime, ingest_rejections) == 0
