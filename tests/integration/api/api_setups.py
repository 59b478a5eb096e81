"""What API tests share: the token, generated match files, and running the worker in-process."""

from __future__ import annotations

import warnings
from typing import Any, Protocol

import orjson
from starlette.exceptions import StarletteDeprecationWarning

from scoreline.bootstrap import Runtime, build_child_runtime_opener
from scoreline.synthetic.valorant import generate_match
from scoreline.worker import WorkerOptions, run_workers

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork; the httpx installed works the same for tests. The
    # warning fires once, at this import, which every API test module goes through.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

__all__ = [
    "API_TOKEN",
    "AUTH",
    "JSON_BODY",
    "SEED",
    "Poster",
    "TestClient",
    "generated_file",
    "ingest_generated",
    "run_worker_until_idle",
]
API_TOKEN = "test-token-7d1c0a"
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
JSON_BODY = {"Content-Type": "application/json"}
SEED = 5


class Poster(Protocol):
    def post(self, url: str, **kwargs: Any) -> Any: ...


def generated_file(index: int, seed: int = SEED) -> bytes:
    """Synthetic VAL-MATCH-V1 match ``index`` as the bytes of a file."""
    return orjson.dumps(generate_match(seed, index))


def ingest_generated(client: Poster, count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """POST ``count`` generated matches to /api/v1/ingest; their 202 answers."""
    answers = []
    for index in range(count):
        response = client.post(
            "/api/v1/ingest",
            content=generated_file(index, seed),
            headers={**AUTH, **JSON_BODY},
            params={"source": f"generated-{seed}-{index}.json"},
        )
        assert response.status_code == 202, response.text
        answers.append(response.json())
    return answers


def run_worker_until_idle(runtime: Runtime) -> None:
    """Compute every queued job in this process, as `scoreline worker --burst` would."""
    options = WorkerOptions(burst=True)
    code = run_workers(runtime, build_child_runtime_opener(runtime.settings), options)
    assert code == 0
