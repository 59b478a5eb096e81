"""The app as a whole: one error body everywhere, ETags and 304s, and the OpenAPI contract."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query, Request
from fastapi.responses import Response

from scoreline.api.app import API_ROUTERS, OPERATIONS_ROUTERS, create_app
from scoreline.api.responses import cached_json, json_response
from scoreline.bootstrap import Runtime, build_engine, build_ledger, load_settings

from .api_setups import TestClient


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    # Routing, error bodies and caching do not depend on the backend.
    return sqlite_url


class Builds:
    """Counts how often a cached route really built its body."""

    def __init__(self) -> None:
        self.count = 0

    def build(self, version: str) -> dict[str, Any]:
        self.count += 1
        return {"version": version, "built": self.count}


@pytest.fixture
def builds(api_app: FastAPI) -> Builds:
    """A test route on the app answering through cached_json, its version from the query."""
    builds = Builds()

    @api_app.get("/test/cached/{_name}")
    def cached(request: Request, _name: str, version: str = "1") -> Response:
        return cached_json(request, version=version, build=lambda: builds.build(version))

    @api_app.get("/test/bug")
    def bug() -> None:
        raise RuntimeError("a bug")

    @api_app.get("/test/many")
    def many(tag: Annotated[list[str] | None, Query()] = None, page: int = 1) -> Response:
        return json_response({"tag": tag, "page": page})

    return builds


def test_an_unknown_route_answers_the_error_body(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"error": "not found", "detail": None}


def test_a_wrong_method_answers_405_with_allow(client: TestClient) -> None:
    response = client.delete("/api/v1/pipeline")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json() == {"error": "method not allowed", "detail": None}


def test_a_validation_error_names_every_field(client: TestClient) -> None:
    response = client.get(
        "/api/v1/admin/jobs",
        params={"limit": 0, "offset": -1},
        headers={"Authorization": "Bearer test-token-7d1c0a"},
    )

    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("invalid request: query parameter limit: ")
    assert [(p["location"], p["field"]) for p in body["detail"]] == [
        ("query", "limit"),
        ("query", "offset"),
    ]


def test_a_one_valued_parameter_given_twice_answers_422(client: TestClient) -> None:
    response = client.get(
        "/api/v1/admin/jobs?limit=5&limit=500&kind=a",
        headers={"Authorization": "Bearer test-token-7d1c0a"},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "limit", "location": "query", "reason": "given 2 times; give it once"}
    ]


@pytest.mark.usefixtures("builds")
def test_a_list_parameter_may_repeat(client: TestClient) -> None:
    response = client.get("/test/many?tag=a&tag=b&unknown=1&unknown=2")
    twice = client.get("/test/many?tag=a&page=1&page=2")

    assert response.json() == {"tag": ["a", "b"], "page": 1}
    assert twice.status_code == 422


def test_a_bug_answers_500_with_the_error_body(api_app: FastAPI, builds: Builds) -> None:
    with TestClient(api_app, raise_server_exceptions=False) as client:
        response = client.get("/test/bug")

    assert response.status_code == 500
    assert response.json() == {"error": "internal error", "detail": None}
    assert builds.count == 0


def test_a_read_while_the_database_is_down_answers_503() -> None:
    settings = load_settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere")
    engine = build_engine(settings)
    runtime = Runtime(settings=settings, engine=engine, ledger=build_ledger(settings, engine))
    with TestClient(create_app(runtime)) as client:
        response = client.get("/api/v1/jobs/1")

    assert response.status_code == 503
    assert response.json()["error"] == "database unavailable"
    assert "127.0.0.1" in response.json()["detail"]


@pytest.mark.usefixtures("builds")
def test_a_cached_read_is_built_once_per_version(client: TestClient) -> None:
    first = client.get("/test/cached/a")
    second = client.get("/test/cached/a")
    newer = client.get("/test/cached/a", params={"version": "2"})

    assert first.json() == second.json() == {"version": "1", "built": 1}
    assert newer.json() == {"version": "2", "built": 2}
    assert first.headers["etag"] == second.headers["etag"] != newer.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"


def test_a_known_etag_answers_304_without_a_body(client: TestClient, builds: Builds) -> None:
    etag = client.get("/test/cached/b").headers["etag"]

    response = client.get("/test/cached/b", headers={"If-None-Match": etag})
    other = client.get("/test/cached/c", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert other.status_code == 200
    assert builds.count == 2


@pytest.fixture
def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_openapi_document_describes_errors_with_the_error_body(
    openapi: dict[str, Any],
) -> None:
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "scoreline"
    schemas = openapi["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (
                        method,
                        path,
                        status,
                    )


def test_the_openapi_document_names_the_token_on_write_endpoints(
    openapi: dict[str, Any],
) -> None:
    assert openapi["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    secured = {
        (method, path)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    }
    assert ("post", "/api/v1/ingest") in secured
    assert {path for _, path in secured if "/admin/" in path} == {
        path for path in openapi["paths"] if "/admin/" in path
    }
    assert ("get", "/api/v1/jobs/{job_id}") not in secured


def test_every_router_is_served(openapi: dict[str, Any]) -> None:
    served = set(openapi["paths"])
    for router in (*API_ROUTERS, *OPERATIONS_ROUTERS):
        for route in router.routes:
            path = getattr(route, "path", "")
            assert path in served or not getattr(route, "include_in_schema", True), path
