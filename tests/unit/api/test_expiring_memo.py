"""ExpiringMemo: values trusted for their TTL, the oldest dropped, one load per key at a time."""

from __future__ import annotations

import asyncio
import threading

import pytest

from scoreline.api.expiring_memo import ExpiringMemo

TTL_SECONDS = 1.0


class FakeClock:
    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


class CountedLoad:
    """A load that counts its calls and, once released, gives the next version."""

    def __init__(self, *, fails: bool = False) -> None:
        self.calls = 0
        self.released = threading.Event()
        self._fails = fails

    def __call__(self) -> str:
        self.calls += 1
        self.released.wait(timeout=10)
        if self._fails:
            raise RuntimeError("the database is down")
        return f"v{self.calls}"


@pytest.mark.parametrize(
    ("age_seconds", "remembered"),
    [(0.0, "v1"), (TTL_SECONDS * 0.999, "v1"), (TTL_SECONDS, None), (TTL_SECONDS * 5, None)],
)
def test_a_value_is_trusted_until_its_ttl_ends(age_seconds: float, remembered: str | None) -> None:
    clock = FakeClock()
    memo: ExpiringMemo[str, str] = ExpiringMemo(TTL_SECONDS, 4, clock)
    memo.put("results", "v1")
    clock.seconds += age_seconds

    assert memo.get("results") == remembered


def test_the_least_recently_put_key_is_dropped_beyond_max_entries() -> None:
    memo: ExpiringMemo[str, int] = ExpiringMemo(TTL_SECONDS, 2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 3)
    memo.put("c", 4)

    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (3, None, 4)


def test_requests_finding_a_value_due_share_one_load() -> None:
    memo: ExpiringMemo[str, str] = ExpiringMemo(TTL_SECONDS, 1)
    load = CountedLoad()

    async def many_requests() -> list[str]:
        waiters = [asyncio.ensure_future(memo.get_or_load("results", load)) for _ in range(8)]
        await asyncio.sleep(0.05)  # every waiter is waiting on the load under way
        load.released.set()
        return list(await asyncio.gather(*waiters))

    assert asyncio.run(many_requests()) == ["v1"] * 8
    assert load.calls == 1
    assert memo.get("results") == "v1"


def test_a_remembered_value_is_answered_without_a_load() -> None:
    memo: ExpiringMemo[str, str] = ExpiringMemo(TTL_SECONDS, 1)
    memo.put("results", "v0")
    load = CountedLoad()

    assert asyncio.run(memo.get_or_load("results", load)) == "v0"
    assert load.calls == 0


def test_a_failed_load_reaches_every_waiter_and_the_next_request_loads_again() -> None:
    memo: ExpiringMemo[str, str] = ExpiringMemo(TTL_SECONDS, 1)
    failing = CountedLoad(fails=True)
    failing.released.set()

    async def two_requests() -> list[BaseException | str]:
        waiters = [memo.get_or_load("results", failing) for _ in range(2)]
        return list(await asyncio.gather(*waiters, return_exceptions=True))

    outcomes = asyncio.run(two_requests())
    assert [str(outcome) for outcome in outcomes] == ["the database is down"] * 2
    assert failing.calls == 1
    working = CountedLoad()
    working.released.set()
    assert asyncio.run(memo.get_or_load("results", working)) == "v1"


def test_a_cancelled_waiter_leaves_the_load_to_the_others() -> None:
    memo: ExpiringMemo[str, str] = ExpiringMemo(TTL_SECONDS, 1)
    load = CountedLoad()

    async def one_gives_up() -> str:
        leaving = asyncio.ensure_future(memo.get_or_load("results", load))
        staying = asyncio.ensure_future(memo.get_or_load("results", load))
        await asyncio.sleep(0.05)
        leaving.cancel()
        load.released.set()
        return await staying

    assert asyncio.run(one_gives_up()) == "v1"
    assert load.calls == 1
