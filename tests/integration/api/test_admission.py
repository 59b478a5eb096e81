"""Admission: many requests at once never exhaust the connection pool; repeated parameters."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from fastapi import FastAPI

from scoreline.api.admission import (
    MAX_REQUESTS_IN_FLIGHT,
    accepts_many,
    find_repeated_keys,
)

from .api_setups import AUTH

# Far more than the pool's 15 connections and the threadpool's 40 threads together.
CONCURRENT_REQUESTS = 120
# Without admission, this load waits for the pool's 30 s timeout and then fails.
DEADLINE_S = 20


@pytest.mark.parametrize(
    ("query", "repeated"),
    [
        (b"", {}),
        (b"limit=5", {}),
        (b"limit=5&offset=2", {}),
        (b"limit=5&limit=500", {"limit": 2}),
        (b"a=1&b=2&a=3&a=&b=", {"a": 3, "b": 2}),
        (b"x&x", {"x": 2}),
    ],
)
def test_repeated_query_keys_are_counted(query: bytes, repeated: dict[str, int]) -> None:
    assert find_repeated_keys(query) == repeated


@pytest.mark.parametrize(
    ("annotation", "many"),
    [(int, False), (str | None, False), (list[str], True), (list[int] | None, True)],
)
def test_list_annotations_accept_many_values(annotation: object, many: bool) -> None:
    assert accepts_many(annotation) is many


def test_many_concurrent_database_reads_all_answer(api_app: FastAPI) -> None:
    """A sync route holding a read connection, 120 times at once: all answer, none waits
    for the pool's timeout."""

    async def read_all() -> list[int]:
        transport = httpx.ASGITransport(app=api_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            responses = await asyncio.gather(
                *(
                    client.get("/api/v1/admin/rejections", headers=AUTH)
                    for _ in range(CONCURRENT_REQUESTS)
                )
            )
        return [response.status_code for response in responses]

    start = time.monotonic()
    statuses = asyncio.run(asyncio.wait_for(read_all(), DEADLINE_S))

    assert statuses == [200] * CONCURRENT_REQUESTS
    assert time.monotonic() - start < DEADLINE_S
    assert MAX_REQUESTS_IN_FLIGHT * 2 <= 15
