"""Values a process trusts for a short time, so a cached read can answer without a query."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")


def _retrieve_error(task: asyncio.Task[object]) -> None:
    # A load whose every waiter went away (clients that hung up) still ends: its error is
    # read here so that asyncio does not report it as never retrieved.
    if not task.cancelled():
        task.exception()


class ExpiringMemo(Generic[KeyT, ValueT]):
    """Values by key, each trusted for ``ttl_seconds`` after it was put, the least recently
    put dropped first beyond ``max_entries``.

    Read on the event loop and written from the threadpool too, hence the lock. None is
    never a value: ``get`` answers None for a key unknown or due.
    """

    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[KeyT, tuple[ValueT, float]] = OrderedDict()
        self._lock = Lock()
        # The load under way per key, on the event loop that started it (touched on loops only).
        self._loading: dict[KeyT, asyncio.Task[ValueT]] = {}

    def get(self, key: KeyT) -> ValueT | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def put(self, key: KeyT, value: ValueT) -> None:
        with self._lock:
            self._entries[key] = (value, self._clock() + self._ttl_seconds)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    async def get_or_load(self, key: KeyT, load: Callable[[], ValueT]) -> ValueT:
        """The value of ``key``, else what ``load`` gives (run in the threadpool, then put).

        One load per key at a time: the requests that find a value due while it is being
        loaded wait for that load instead of each running its own, so an expiry costs one
        query, not one per request in flight. A load's error reaches each of its waiters.
        """
        value = self.get(key)
        if value is not None:
            return value
        loop = asyncio.get_running_loop()
        task = self._loading.get(key)
        if task is None or task.get_loop() is not loop:
            task = loop.create_task(self._load(key, load))
            task.add_done_callback(_retrieve_error)
            self._loading[key] = task
        # Shielded: a waiter cancelled (its client gone) must not cancel the others' load.
        return await asyncio.shield(task)

    async def _load(self, key: KeyT, load: Callable[[], ValueT]) -> ValueT:
        try:
            value = await run_in_threadpool(load)
            self.put(key, value)
            return value
        finally:
            if self._loading.get(key) is asyncio.current_task():
                del self._loading[key]
