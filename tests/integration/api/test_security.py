"""Bearer tokens: 403 while none is configured, 401 with WWW-Authenticate when missing or wrong."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator

import pytest

from scoreline.api.app import create_app
from scoreline.api.security import WRITES_DISABLED, hash_tokens, is_known_token
from scoreline.bootstrap import Runtime

from .api_setups import API_TOKEN, TestClient

ADMIN_READ = "/api/v1/admin/jobs"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    # Tokens are checked before any query: one backend says all there is to say.
    return sqlite_url


def client_with_tokens(runtime: Runtime, tokens: str) -> TestClient:
    settings = runtime.settings.model_copy(update={"api_tokens": tokens})
    return TestClient(create_app(dataclasses.replace(runtime, settings=settings)))


@pytest.fixture
def client_without_tokens(api_runtime: Runtime) -> Iterator[TestClient]:
    with client_with_tokens(api_runtime, " , ") as client:
        yield client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/ingest"),
        ("GET", "/api/v1/admin/jobs"),
        ("GET", "/api/v1/admin/jobs/dead"),
        ("POST", "/api/v1/admin/jobs/1/retry"),
        ("POST", "/api/v1/admin/jobs/retry-dead"),
        ("POST", "/api/v1/admin/recompute"),
        ("GET", "/api/v1/admin/rejections"),
    ],
)
@pytest.mark.parametrize("authorization", [None, f"Bearer {API_TOKEN}"])
def test_without_configured_tokens_write_endpoints_answer_403(
    client_without_tokens: TestClient, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = client_without_tokens.request(method, path, headers=headers)

    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "detail": WRITES_DISABLED}
    assert "SCORELINE_API_TOKENS" in WRITES_DISABLED


@pytest.mark.parametrize(
    ("authorization", "detail_part"),
    [
        pytest.param(None, "needs an Authorization", id="missing"),
        pytest.param("Bearer", "needs an Authorization", id="scheme-alone"),
        pytest.param(f"Basic {API_TOKEN}", "needs an Authorization", id="other-scheme"),
        pytest.param("Bearer not-the-token", "not one of", id="unknown"),
        pytest.param(f"Bearer {API_TOKEN}x", "not one of", id="longer"),
        pytest.param(f"Bearer {API_TOKEN[:-1]}", "not one of", id="prefix"),
    ],
)
def test_a_missing_or_unknown_token_answers_401(
    client: TestClient, authorization: str | None, detail_part: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = client.get(ADMIN_READ, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"
    assert detail_part in response.json()["detail"]


@pytest.mark.parametrize("presented", ["first", "second"])
def test_every_configured_token_is_accepted(api_runtime: Runtime, presented: str) -> None:
    with client_with_tokens(api_runtime, "first, second") as client:
        response = client.get(ADMIN_READ, headers={"Authorization": f"bearer {presented}"})

    assert response.status_code == 200


def test_reads_need_no_token(client: TestClient) -> None:
    assert client.get("/api/v1/pipeline").status_code == 200


@pytest.mark.parametrize(
    ("presented", "tokens", "known"),
    [
        ("a", ("a",), True),
        ("b", ("a", "b"), True),
        ("", ("a",), False),
        ("A", ("a",), False),
        ("a ", ("a",), False),
        ("a", (), False),
    ],
)
def test_tokens_are_compared_as_digests(
    presented: str, tokens: tuple[str, ...], known: bool
) -> None:
    digests = hash_tokens(tokens)

    assert digests == tuple(hashlib.sha256(token.encode()).digest() for token in tokens)
    assert is_known_token(presented, digests) is known
