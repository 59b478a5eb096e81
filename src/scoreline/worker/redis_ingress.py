"""Seed-protocol Redis messages into the job ledger: at least once, and re-driving is harmless."""

# Protocol and guarantees, for the reader who came here from DESIGN.md ("Redis is optional"):
#
# * Producers ``LPUSH aggregate_matches '{"match_id": "..."}'`` (seed 000). ``match_id`` is our
#   match id as a decimal string or the source's match id (a Riot uuid); the resolver turns it
#   into our match primary key. Each message becomes the ``aggregate`` job of that match.
# * Reliable queue: a consumer ``BLMOVE``s the oldest message (the right end) into its own
#   processing list ``<queue>:processing:<consumer id>``, writes the job and commits, and only
#   then ``LREM``s the message. Killed anywhere in between, the message is still in the
#   processing list. A consumer proves it is alive with ``<queue>:consumers:<consumer id>``, a
#   key with a TTL it refreshes, and registers in the set ``<queue>:consumers``; any consumer
#   re-drives the processing lists whose key expired back to the queue: on start every such
#   list (found by SCAN), then periodically those of registered consumers (no keyspace walk).
# * Re-driving a message whose job was already committed is harmless: enqueue is idempotent on
#   the unique (kind, key), so it finds the existing job; at worst a finished job is computed
#   once more, and re-running a job yields identical rows (DESIGN.md, "Reliability contract").
#   Delivery into the ledger is therefore at-least-once and the ledger makes it exactly-one-job.
# * Dead letters: a message that is malformed (not UTF-8, not JSON, not an object, no
#   ``match_id``, ``match_id`` not a usable string) or names a match the store does not know
#   (reason "unknown match id": well-formed, but nothing can be computed for it) or only
#   ambiguously (a source id stored for several games: "ambiguous match id: ...") is pushed to
#   ``<queue>:dlq`` as ``{"message": <original text>, "reason": ..., "at": <ISO time>}`` and
#   removed from processing in one MULTI/EXEC; nothing is written to the database. So is a
#   message whose processing raised a non-transient error ``max_message_attempts`` times in a
#   row. Transient errors (database or Redis unreachable) never dead-letter: the message stays
#   in the processing list and is taken again first. As "unknown match id" is final, producers
#   push a message only once the match is committed (the seed's canonical worker does).

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final, TypeAlias

import redis
import structlog
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from scoreline.domain.errors import MalformedInputError
from scoreline.jobs import JobLedger
from scoreline.store.canonical import find_match_pk
from scoreline.store.record_errors import AmbiguousMatchRefError
from scoreline.worker.aggregate import schedule_aggregate

DEFAULT_QUEUE: Final = "aggregate_matches"
UNKNOWN_MATCH_REASON: Final = "unknown match id"
AMBIGUOUS_MATCH_REASON: Final = "ambiguous match id"

# A message is a tiny JSON object; anything this big is not one, and is not parsed.
MAX_MESSAGE_BYTES: Final = 64 * 1024
MAX_MATCH_REF_CHARACTERS: Final = 200

DEFAULT_HEARTBEAT_TTL_SECONDS: Final = 15.0
DEFAULT_BLOCK_SECONDS: Final = 1.0
DEFAULT_MAX_MESSAGE_ATTEMPTS: Final = 5
# Wait after a failed iteration of run(), doubling up to the cap while failures go on.
_RETRY_WAIT_SECONDS: Final = 0.1
_MAX_RETRY_WAIT_SECONDS: Final = 5.0
_MAX_CONSUMER_ID_CHARACTERS: Final = 200
# Characters SCAN MATCH treats as a glob pattern, escaped so a queue name matches literally.
_GLOB_CHARACTERS: Final = frozenset("*?[]\\")
_JSON_TYPE_NAMES: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}

_log = structlog.get_logger(__name__)

MatchResolver: TypeAlias = Callable[[Connection, str], int | None]
"""Turn a message's ``match_id`` into our match primary key, or None when no match has it."""


class MalformedMessageError(MalformedInputError):
    """A queue message is not ``{"match_id": "<non-empty string>"}``."""

    @property
    def dead_letter_reason(self) -> str:
        """The reason as the dead-letter entry states it."""
        return f"{self.field}: {self.reason}" if self.field else self.reason


def parse_message(raw: bytes, *, source: str = DEFAULT_QUEUE) -> str:
    """The ``match_id`` of a seed-protocol message, or MalformedMessageError naming the fault.

    Surrounding whitespace of ``match_id`` is dropped; other members of the object are ignored.
    """
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MalformedMessageError(source, "", f"longer than {MAX_MESSAGE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedMessageError(source, "", f"not UTF-8 text ({error.reason})") from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedMessageError(source, "", f"not JSON ({error.msg})") from error
    except RecursionError as error:
        raise MalformedMessageError(source, "", "not JSON (nested too deeply)") from error
    if not isinstance(document, dict):
        raise MalformedMessageError(
            source, "", f"not a JSON object (got {_name_json_type(document)})"
        )
    if "match_id" not in document:
        raise MalformedMessageError(source, "match_id", "missing")
    value = document["match_id"]
    if not isinstance(value, str):
        raise MalformedMessageError(
            source, "match_id", f"must be a string, got {_name_json_type(value)}"
        )
    match_ref = value.strip()
    if not match_ref:
        raise MalformedMessageError(source, "match_id", "empty")
    if len(match_ref) > MAX_MATCH_REF_CHARACTERS:
        raise MalformedMessageError(
            source, "match_id", f"longer than {MAX_MATCH_REF_CHARACTERS} characters"
        )
    # JSON escapes can smuggle in what no database text column takes (NUL, lone surrogates).
    if not match_ref.isprintable():
        raise MalformedMessageError(source, "match_id", "contains unprintable characters")
    return match_ref


def _name_json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


class IngressStatus(StrEnum):
    """What became of one message."""

    ENQUEUED = "enqueued"  # a new aggregate job was created
    REQUEUED = "requeued"  # the match's done or dead job was queued again
    PENDING = "pending"  # a queued or running job already covers the request
    DEAD_LETTERED = "dead_lettered"  # pushed to the dead-letter list; nothing written


@dataclass(frozen=True, slots=True)
class IngressOutcome:
    """One message moved out of Redis: into the ledger, or to the dead-letter list."""

    message: str  # the message as text (undecodable bytes shown as \x escapes)
    status: IngressStatus
    match_ref: str | None = None
    match_pk: int | None = None
    job_id: int | None = None
    reason: str | None = None  # set when dead-lettered


def build_redis_ingress(
    redis_url: str,
    engine: Engine,
    ledger: JobLedger,
    *,
    queue: str = DEFAULT_QUEUE,
    consumer_id: str | None = None,
) -> RedisIngress:
    """The ingress the worker runs: a client for ``redis_url`` and the store's match resolver."""
    # No socket timeout: BLMOVE blocks for its own timeout, and a read timeout shorter than
    # that would break every idle wait.
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=10)
    return RedisIngress(client, engine, ledger, queue=queue, consumer_id=consumer_id)


class RedisIngress:
    """One consumer of the seed-protocol list, writing ``aggregate`` jobs into the ledger.

    ``redis_client`` must return bytes (``decode_responses=False``, redis-py's default): a
    decoding client could not even read a message that is not UTF-8 to dead-letter it.
    """

    def __init__(
        self,
        redis_client: redis.Redis,
        engine: Engine,
        ledger: JobLedger,
        *,
        queue: str = DEFAULT_QUEUE,
        consumer_id: str | None = None,
        resolve: MatchResolver = find_match_pk,
        heartbeat_ttl_seconds: float = DEFAULT_HEARTBEAT_TTL_SECONDS,
        block_seconds: float = DEFAULT_BLOCK_SECONDS,
        max_message_attempts: int = DEFAULT_MAX_MESSAGE_ATTEMPTS,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if redis_client.get_encoder().decode_responses:
            raise ValueError("redis_client must not decode responses (decode_responses=False)")
        if not queue:
            raise ValueError("queue must be a non-empty name")
        identity = consumer_id if consumer_id is not None else _make_consumer_id()
        if not identity or len(identity) > _MAX_CONSUMER_ID_CHARACTERS:
            raise ValueError(f"consumer_id must have 1 to {_MAX_CONSUMER_ID_CHARACTERS} characters")
        if heartbeat_ttl_seconds < 0.01:
            raise ValueError(f"heartbeat_ttl_seconds must be >= 0.01, got {heartbeat_ttl_seconds}")
        if block_seconds <= 0:
            raise ValueError(f"block_seconds must be > 0, got {block_seconds}")
        if max_message_attempts < 1:
            raise ValueError(f"max_message_attempts must be >= 1, got {max_message_attempts}")
        self._redis = redis_client
        self._engine = engine
        self._ledger = ledger
        self._resolve = resolve
        self._queue = queue
        self._consumer_id = identity
        self._heartbeat_ttl_ms = max(10, round(heartbeat_ttl_seconds * 1000))
        # Three beats per TTL: one late beat does not make a live consumer look dead.
        self._heartbeat_interval_seconds = heartbeat_ttl_seconds / 3
        self._redrive_interval_seconds = heartbeat_ttl_seconds
        self._block_seconds = block_seconds
        self._max_message_attempts = max_message_attempts
        self._clock = clock if clock is not None else _utc_now
        self._last_beat: float | None = None
        # A previous life of this consumer id, or a failed attempt, may have left a message
        # in the processing list: look there before taking a new one.
        self._own_list_may_hold_message = True
        # The message whose handling keeps failing, and how many times in a row it has.
        self._failing: tuple[bytes, int] | None = None

    @property
    def consumer_id(self) -> str:
        return self._consumer_id

    @property
    def queue(self) -> str:
        return self._queue

    @property
    def processing_key(self) -> str:
        return self._processing_key(self._consumer_id)

    @property
    def consumer_key(self) -> str:
        return self._consumer_key(self._consumer_id)

    @property
    def registry_key(self) -> str:
        return f"{self._queue}:consumers"

    @property
    def dead_letter_key(self) -> str:
        return f"{self._queue}:dlq"

    # -- consuming -----------------------------------------------------------------------

    def run_once(self, timeout_seconds: float) -> IngressOutcome | None:
        """Move one message into the ledger, waiting up to ``timeout_seconds`` for one.

        Returns None when no message came. A transient error (database or Redis unreachable)
        propagates and leaves the message in this consumer's processing list, where the next
        call takes it again first. Called on its own (not from ``run``, which beats from a
        thread), it beats before waiting, so keep ``timeout_seconds`` under the heartbeat TTL.
        """
        if self._last_beat is None or (
            time.monotonic() - self._last_beat >= self._heartbeat_interval_seconds
        ):
            self.heartbeat()
        raw = self._take_message(timeout_seconds)
        if raw is None:
            return None
        self._own_list_may_hold_message = True
        try:
            outcome = self._handle(raw)
        except Exception as error:
            if _is_transient(error):
                raise
            attempts = self._failing[1] + 1 if self._failing and self._failing[0] == raw else 1
            if attempts < self._max_message_attempts:
                self._failing = (raw, attempts)
                raise
            reason = f"processing failed {attempts} times: {type(error).__name__}: {error}"
            outcome = self._dead_letter(raw, reason, match_ref=None)
        self._failing = None
        self._own_list_may_hold_message = False
        return outcome

    def run(self, stop_event: threading.Event) -> None:
        """Consume until ``stop_event`` is set; errors are logged and retried after a wait."""
        beating = threading.Event()
        beater = threading.Thread(
            target=self._beat_until,
            args=(beating,),
            name=f"redis-ingress-heartbeat-{self._consumer_id}",
            daemon=True,
        )
        # The first beat is run_once's, inside the loop: Redis being down at start is one
        # more error to wait out, not a crash.
        beater.start()
        next_redrive = time.monotonic()
        scan_for_orphans = True
        failures_in_a_row = 0
        try:
            while not stop_event.is_set():
                try:
                    if time.monotonic() >= next_redrive:
                        self.redrive_orphans(scan=scan_for_orphans)
                        scan_for_orphans = False
                        next_redrive = time.monotonic() + self._redrive_interval_seconds
                    self.run_once(self._block_seconds)
                    failures_in_a_row = 0
                except Exception:
                    _log.exception("redis_ingress_failed", consumer=self._consumer_id)
                    wait = min(_RETRY_WAIT_SECONDS * 2**failures_in_a_row, _MAX_RETRY_WAIT_SECONDS)
                    failures_in_a_row = min(failures_in_a_row + 1, 16)
                    stop_event.wait(wait)
        finally:
            beating.set()
            beater.join()
            self._retire()

    def redrive_orphans(self, *, scan: bool = True) -> int:
        """Move the messages of dead consumers' processing lists back to the queue.

        They go to the consuming end in their original order, so the oldest is taken first.
        Lists whose consumer key is alive (and this consumer's own list) are left alone.
        The consumers looked at are those of the registry set ``<queue>:consumers``; with
        ``scan`` every processing list is also found by SCAN, which walks the whole keyspace:
        ``run`` scans on start and reads the registry alone afterwards. Returns how many
        messages moved.
        """
        names = [_decode_name(member) for member in self._redis.smembers(self.registry_key)]
        if scan:
            prefix = self._processing_key("")
            for key in self._redis.scan_iter(match=_escape_glob(prefix) + "*", count=1000):
                name = _decode_name(key)
                names.append(None if name is None else name[len(prefix) :])
        candidates = {name for name in names if name is not None and name != self._consumer_id}
        moved = 0
        for consumer in sorted(candidates):
            if self._redis.exists(self._consumer_key(consumer)):
                continue
            count = self._drain_back(consumer)
            # Forgotten once its list is empty; were it alive after all, its next beat adds
            # it back.
            self._redis.srem(self.registry_key, consumer)
            if count:
                _log.info(
                    "redis_ingress_redrove",
                    consumer=self._consumer_id,
                    orphan=consumer,
                    messages=count,
                )
            moved += count
        return moved

    def heartbeat(self) -> None:
        """Announce this consumer alive for one TTL, and registered until it retires."""
        pipeline = self._redis.pipeline(transaction=False)
        pipeline.set(
            self.consumer_key,
            f"{self._clock().isoformat()} pid={os.getpid()}",
            px=self._heartbeat_ttl_ms,
        )
        pipeline.sadd(self.registry_key, self._consumer_id)
        pipeline.execute()
        self._last_beat = time.monotonic()

    # -- steps ---------------------------------------------------------------------------

    def _drain_back(self, consumer: str) -> int:
        # LEFT -> RIGHT, newest first: the oldest orphan ends up at the consuming end. Each
        # LMOVE is atomic, so two consumers re-driving the same list move each message once.
        orphans = self._processing_key(consumer)
        count = 0
        while self._redis.lmove(orphans, self._queue, "LEFT", "RIGHT") is not None:
            count += 1
        return count

    def _take_message(self, timeout_seconds: float) -> bytes | None:
        if self._own_list_may_hold_message:
            leftover = self._redis.lindex(self.processing_key, -1)
            if leftover is not None:
                return _as_bytes(leftover)
            self._own_list_may_hold_message = False
        if timeout_seconds <= 0:
            # BLMOVE with timeout 0 would block forever; 0 means "do not wait" here.
            moved = self._redis.lmove(self._queue, self.processing_key, "RIGHT", "LEFT")
        else:
            # redis-py types BLMOVE's timeout as int; Redis (6.0+) takes decimal seconds.
            moved = self._redis.blmove(
                self._queue,
                self.processing_key,
                timeout_seconds,  # type: ignore[arg-type]
                "RIGHT",
                "LEFT",
            )
        return None if moved is None else _as_bytes(moved)

    def _handle(self, raw: bytes) -> IngressOutcome:
        try:
            match_ref = parse_message(raw, source=self._queue)
        except MalformedMessageError as error:
            return self._dead_letter(raw, error.dead_letter_reason, match_ref=None)
        try:
            outcome = self._enqueue(raw, match_ref)
        except AmbiguousMatchRefError as error:
            return self._dead_letter(raw, f"{AMBIGUOUS_MATCH_REASON}: {error}", match_ref=match_ref)
        if outcome is None:
            return self._dead_letter(raw, UNKNOWN_MATCH_REASON, match_ref=match_ref)
        # Committed: only now may the message leave the processing list. (redis-py types list
        # values as str; bytes go out unchanged, so even a non-UTF-8 message is matched.)
        self._redis.lrem(self.processing_key, -1, raw)  # type: ignore[arg-type]
        _log.info(
            "redis_ingress_moved",
            consumer=self._consumer_id,
            match_id=outcome.match_pk,
            job_id=outcome.job_id,
            status=outcome.status.value,
        )
        return outcome

    def _enqueue(self, raw: bytes, match_ref: str) -> IngressOutcome | None:
        with self._engine.begin() as conn:
            match_pk = self._resolve(conn, match_ref)
            if match_pk is None:
                return None
            scheduled = schedule_aggregate(self._ledger, conn, match_pk)
        return IngressOutcome(
            message=_show(raw),
            status=IngressStatus(scheduled.scheduling.value),
            match_ref=match_ref,
            match_pk=match_pk,
            job_id=scheduled.job_id,
        )

    def _dead_letter(self, raw: bytes, reason: str, *, match_ref: str | None) -> IngressOutcome:
        text = _show(raw)
        entry = json.dumps({"message": text, "reason": reason, "at": self._clock().isoformat()})
        # One MULTI/EXEC: the message is in exactly one of the two lists at any time.
        pipeline = self._redis.pipeline(transaction=True)
        pipeline.lpush(self.dead_letter_key, entry)
        pipeline.lrem(self.processing_key, -1, raw)  # type: ignore[arg-type]
        pipeline.execute()
        _log.warning(
            "redis_ingress_dead_lettered", consumer=self._consumer_id, reason=reason, message=text
        )
        return IngressOutcome(
            message=text, status=IngressStatus.DEAD_LETTERED, match_ref=match_ref, reason=reason
        )

    def _beat_until(self, stop: threading.Event) -> None:
        while not stop.wait(self._heartbeat_interval_seconds):
            try:
                self.heartbeat()
            except redis.RedisError:
                _log.exception("redis_ingress_heartbeat_failed", consumer=self._consumer_id)

    def _retire(self) -> None:
        # A consumer that stops on purpose says so at once: should its processing list still
        # hold a message (a failed last attempt), the others re-drive it without waiting.
        try:
            self._redis.delete(self.consumer_key)
            if self._redis.llen(self.processing_key) == 0:
                self._redis.srem(self.registry_key, self._consumer_id)
        except redis.RedisError:
            _log.exception("redis_ingress_retire_failed", consumer=self._consumer_id)

    def _processing_key(self, consumer_id: str) -> str:
        return f"{self._queue}:processing:{consumer_id}"

    def _consumer_key(self, consumer_id: str) -> str:
        return f"{self._queue}:consumers:{consumer_id}"


def _is_transient(error: Exception) -> bool:
    """Whether the error is the infrastructure's (try the message again), not the message's."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, redis.ConnectionError | redis.TimeoutError)


def _make_consumer_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _escape_glob(text: str) -> str:
    return "".join(f"\\{char}" if char in _GLOB_CHARACTERS else char for char in text)


def _decode_name(value: bytes | str) -> str | None:
    """A key or member name as text; None for bytes that no consumer of ours could have named."""
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _show(raw: bytes) -> str:
    return raw.decode("utf-8", errors="backslashreplace")


def _utc_now() -> datetime:
    return datetime.now(UTC)
