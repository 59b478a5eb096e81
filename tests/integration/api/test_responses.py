"""The response cache: in memory, and shared through Redis by every API process."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from scoreline.api.responses import (
    CACHE_HIT_LOCAL,
    CACHE_HIT_REDIS,
    CACHE_MISS,
    RedisResponseCache,
    ResponseCache,
)

LOCAL_REDIS = "redis://127.0.0.1:6379/0"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


class Lookups(list[str]):
    def record(self, outcome: str) -> None:
        self.append(outcome)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """A client of the local Redis, or a skip (a failure when CI=true) if it is down."""
    client = redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        client.close()
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis not reachable at 127.0.0.1:6379 (set CI=true to make this a failure)")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key prefix of this test alone; its keys are deleted afterwards."""
    name = f"scoreline_test_cache_{uuid.uuid4().hex[:12]}:"
    yield name
    keys = list(redis_client.scan_iter(match=f"{name}*", count=100))
    if keys:
        redis_client.delete(*keys)


def test_the_local_cache_drops_the_least_recently_used() -> None:
    lookups = Lookups()
    cache = ResponseCache(2, record_lookup=lookups.record)
    cache.put("a", b"A")
    cache.put("b", b"B")
    cache.get("a")  # now b is the least recently used
    cache.put("c", b"C")

    assert [cache.get(key) for key in ("a", "b", "c")] == [b"A", None, b"C"]
    assert lookups == [CACHE_HIT_LOCAL, CACHE_HIT_LOCAL, CACHE_MISS, CACHE_HIT_LOCAL]


def test_a_body_one_process_cached_is_served_to_another(
    redis_client: redis.Redis, prefix: str
) -> None:
    lookups = Lookups()
    writer = RedisResponseCache(redis_client, prefix=prefix)
    reader = RedisResponseCache(redis_client, prefix=prefix, record_lookup=lookups.record)

    assert reader.get("/api/v1/matches/1?\x00v1") is None
    writer.put("/api/v1/matches/1?\x00v1", b'{"match": 1}')

    assert reader.get("/api/v1/matches/1?\x00v1") == b'{"match": 1}'
    assert reader.get("/api/v1/matches/1?\x00v1") == b'{"match": 1}'
    assert lookups == [CACHE_MISS, CACHE_HIT_REDIS, CACHE_HIT_LOCAL]
    [key] = redis_client.keys(f"{prefix}*")
    assert 0 < int(redis_client.ttl(key)) <= 24 * 3600


def test_an_unreachable_redis_leaves_the_memory_cache_working() -> None:
    client = redis.Redis.from_url(UNREACHABLE_REDIS, socket_connect_timeout=0.2)
    lookups = Lookups()
    cache = RedisResponseCache(client, record_lookup=lookups.record)

    cache.put("k", b"body")
    assert cache.get("k") == b"body"
    assert cache.get("other") is None
    assert lookups == [CACHE_HIT_LOCAL, CACHE_MISS]


def test_on_the_event_loop_only_memory_is_asked(redis_client: redis.Redis, prefix: str) -> None:
    lookups = Lookups()
    RedisResponseCache(redis_client, prefix=prefix).put("k", b"shared")
    cache = RedisResponseCache(redis_client, prefix=prefix, record_lookup=lookups.record)

    async def look_up_on_the_loop() -> bytes | None:
        return cache.get("k")

    assert asyncio.run(look_up_on_the_loop()) is None
    assert cache.get("k") == b"shared"  # a threadpool thread asks Redis
    assert asyncio.run(look_up_on_the_loop()) == b"shared"  # now in memory
    assert lookups == [CACHE_MISS, CACHE_HIT_REDIS, CACHE_HIT_LOCAL]
