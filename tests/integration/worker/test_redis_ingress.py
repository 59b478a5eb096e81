"""The Redis ingress on a real Redis and each database: seed messages become ledger jobs, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from scoreline.domain.rounds import Game
from scoreline.jobs import Job, JobState, SqlLedger
from scoreline.store import build_engine, upgrade_database
from scoreline.store.canonical import save_match
from scoreline.worker.aggregate import AGGREGATE_JOB_KIND
from scoreline.worker.redis_ingress import (
    AMBIGUOUS_MATCH_REASON,
    UNKNOWN_MATCH_REASON,
    IngressStatus,
    RedisIngress,
)
from vector_matches import make_match, make_round

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
REDIS_UNREACHABLE = (
    f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT} (set CI=true to make this a failure)"
)
RIOT_MATCH_ID = "97ccb0b5-394c-4563-ab0b-8977b195dd66"
# What the stub resolver knows: our ids as decimal strings, and source ids of the same matches.
KNOWN_MATCHES = {"17": 17, "42": 42, RIOT_MATCH_ID: 99, "riot-alias-of-17": 17}
THIS_FILE = Path(__file__).resolve()
TESTS_DIR = THIS_FILE.parents[2]
# Short, so tests that wait for a dead consumer's key to expire stay fast.
SHORT_TTL_SECONDS = 0.5


def resolve_known_match(_conn: Connection, ref: str) -> int | None:
    return KNOWN_MATCHES.get(ref)


def _connect_redis() -> redis.Redis:
    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2)


@pytest.fixture(scope="module")
def redis_server() -> Iterator[redis.Redis]:
    """A client of the local Redis, or a skip (a failure when CI=true) if it is down."""
    client = _connect_redis()
    try:
        client.ping()
    except redis.ConnectionError as error:
        client.close()
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT} and CI=true requires it: "
                f"{error}",
                pytrace=False,
            )
        pytest.skip(REDIS_UNREACHABLE)
    yield client
    client.close()


@pytest.fixture
def queue(redis_server: redis.Redis) -> Iterator[str]:
    """A queue name of this test alone; every key under it is deleted afterwards."""
    name = f"scoreline_test_ingress_{uuid.uuid4().hex[:12]}"
    yield name
    keys = list(redis_server.scan_iter(match=f"{name}*", count=100))
    if keys:
        redis_server.delete(*keys)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = build_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """For tests about Redis alone: the database is there but not the subject."""
    engine = build_engine(sqlite_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def ledger(engine: Engine) -> Iterator[SqlLedger]:
    with SqlLedger(engine) as ledger:
        yield ledger


def make_ingress(
    client: redis.Redis,
    engine: Engine,
    queue: str,
    *,
    consumer_id: str | None = None,
    resolve: Callable[[Connection, str], int | None] = resolve_known_match,
    **options: Any,
) -> RedisIngress:
    return RedisIngress(
        client,
        engine,
        SqlLedger(engine),
        queue=queue,
        consumer_id=consumer_id,
        resolve=resolve,
        **options,
    )


def push(client: redis.Redis, queue: str, *messages: bytes) -> None:
    """LPUSH one message at a time, as seed producers do: the first pushed is the oldest."""
    for message in messages:
        client.lpush(queue, message)


def message_for(match_ref: str) -> bytes:
    return json.dumps({"match_id": match_ref}).encode()


def aggregate_jobs(ledger: SqlLedger) -> list[Job]:
    return sorted(ledger.list(kind=AGGREGATE_JOB_KIND, limit=1000), key=lambda job: job.key)


def list_items(client: redis.Redis, key: str) -> list[bytes]:
    """A list's items, oldest (the consuming end) first."""
    items = client.lrange(key, 0, -1)
    return [item if isinstance(item, bytes) else item.encode() for item in reversed(items)]


def drain(ingress: RedisIngress) -> list[IngressStatus]:
    statuses = []
    while (outcome := ingress.run_once(0)) is not None:
        statuses.append(outcome.status)
    return statuses


# -- messages into jobs ------------------------------------------------------------------


def test_messages_become_aggregate_jobs_keyed_by_our_match_id(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    push(redis_server, queue, message_for("17"), message_for(RIOT_MATCH_ID))
    ingress = make_ingress(redis_server, engine, queue)

    first = ingress.run_once(1)
    second = ingress.run_once(1)

    assert first is not None
    assert second is not None
    assert (first.status, first.match_ref, first.match_pk) == (IngressStatus.ENQUEUED, "17", 17)
    assert (second.status, second.match_ref, second.match_pk) == (
        IngressStatus.ENQUEUED,
        RIOT_MATCH_ID,
        99,
    )
    jobs = aggregate_jobs(ledger)
    assert [(job.key, dict(job.payload), job.state) for job in jobs] == [
        ("match:17", {"match_id": 17}, JobState.QUEUED),
        ("match:99", {"match_id": 99}, JobState.QUEUED),
    ]
    assert [first.job_id, second.job_id] == [jobs[0].id, jobs[1].id]
    assert redis_server.llen(queue) == 0
    assert redis_server.exists(ingress.processing_key) == 0
    assert ingress.run_once(0) is None


def test_duplicate_messages_make_no_second_job(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    push(
        redis_server,
        queue,
        message_for("17"),
        message_for("17"),
        message_for("riot-alias-of-17"),
    )

    statuses = drain(make_ingress(redis_server, engine, queue))

    assert statuses == [IngressStatus.ENQUEUED, IngressStatus.PENDING, IngressStatus.PENDING]
    assert [job.key for job in aggregate_jobs(ledger)] == ["match:17"]


@pytest.mark.parametrize("final_state", [JobState.DONE, JobState.DEAD])
def test_message_for_a_finished_job_queues_it_again(
    redis_server: redis.Redis,
    engine: Engine,
    ledger: SqlLedger,
    queue: str,
    final_state: JobState,
) -> None:
    created = ledger.enqueue(AGGREGATE_JOB_KIND, "match:42", {"match_id": 42}, max_attempts=1)
    [claimed] = ledger.claim("test-worker")
    if final_state is JobState.DONE:
        with engine.begin() as conn:
            ledger.complete(claimed, conn)
    else:
        ledger.fail(claimed, "boom", "traceback")
    assert ledger.get(created.job_id).state is final_state
    push(redis_server, queue, message_for("42"))

    outcome = make_ingress(redis_server, engine, queue).run_once(1)

    assert outcome is not None
    assert (outcome.status, outcome.job_id) == (IngressStatus.REQUEUED, created.job_id)
    [job] = aggregate_jobs(ledger)
    assert (job.id, job.state, job.attempts, job.finished_at) == (
        created.job_id,
        JobState.QUEUED,
        0,
        None,
    )


def test_store_resolver_finds_matches_by_our_id_and_by_source_id(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    base = make_match([make_round(1, [])])
    with engine.begin() as conn:
        riot = save_match(conn, replace(base, match_id=RIOT_MATCH_ID), payload_id=None)
        # One source id stored for two games: only the match_pk can name either.
        save_match(conn, replace(base, match_id="shared-id"), payload_id=None)
        save_match(conn, replace(base, match_id="shared-id", game=Game.CS2), payload_id=None)
    push(
        redis_server,
        queue,
        message_for(RIOT_MATCH_ID),
        message_for(str(riot.match_pk)),
        message_for("shared-id"),
        message_for("no-such-match"),
    )
    # The default resolver: scoreline.store.canonical.find_match_pk.
    ingress = RedisIngress(redis_server, engine, ledger, queue=queue)

    outcomes = [ingress.run_once(0) for _ in range(4)]

    assert [(o.status, o.match_pk) for o in outcomes if o is not None] == [
        (IngressStatus.ENQUEUED, riot.match_pk),
        (IngressStatus.PENDING, riot.match_pk),
        (IngressStatus.DEAD_LETTERED, None),
        (IngressStatus.DEAD_LETTERED, None),
    ]
    reasons = [
        json.loads(item)["reason"] for item in list_items(redis_server, ingress.dead_letter_key)
    ]
    assert reasons[0].startswith(f"{AMBIGUOUS_MATCH_REASON}: 'shared-id' is the source id of")
    assert reasons[1] == UNKNOWN_MATCH_REASON
    assert [(job.key, dict(job.payload)) for job in aggregate_jobs(ledger)] == [
        (f"match:{riot.match_pk}", {"match_id": riot.match_pk})
    ]


# -- dead letters ------------------------------------------------------------------------


def test_malformed_and_unknown_messages_are_dead_lettered_and_write_nothing(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    cases = [
        (b"not json at all", "not JSON (Expecting value)"),
        (b"\xff\xfe", "not UTF-8 text (invalid start byte)"),
        (b'["17"]', "not a JSON object (got an array)"),
        (b'{"id": "17"}', "match_id: missing"),
        (b'{"match_id": 17}', "match_id: must be a string, got a number"),
        (b'{"match_id": ""}', "match_id: empty"),
        (message_for("no-such-match"), UNKNOWN_MATCH_REASON),
    ]
    push(redis_server, queue, *(raw for raw, _ in cases))
    ingress = make_ingress(redis_server, engine, queue)

    statuses = drain(ingress)

    assert statuses == [IngressStatus.DEAD_LETTERED] * len(cases)
    entries = [json.loads(item) for item in list_items(redis_server, ingress.dead_letter_key)]
    assert [(entry["message"], entry["reason"]) for entry in entries] == [
        (raw.decode("utf-8", errors="backslashreplace"), reason) for raw, reason in cases
    ]
    for entry in entries:
        assert set(entry) == {"message", "reason", "at"}
        assert datetime.fromisoformat(entry["at"]).utcoffset() is not None
    assert aggregate_jobs(ledger) == []
    assert ledger.stats().total == 0
    assert redis_server.llen(queue) == 0
    assert redis_server.exists(ingress.processing_key) == 0


def test_transient_failure_keeps_the_message_and_retries_it_before_newer_ones(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    calls: list[str] = []

    def resolve_after_an_outage(conn: Connection, ref: str) -> int | None:
        calls.append(ref)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))
        return resolve_known_match(conn, ref)

    push(redis_server, queue, message_for("17"))
    ingress = make_ingress(
        redis_server, engine, queue, resolve=resolve_after_an_outage, max_message_attempts=1
    )

    with pytest.raises(OperationalError):
        ingress.run_once(1)
    assert list_items(redis_server, ingress.processing_key) == [message_for("17")]
    push(redis_server, queue, message_for("42"))
    statuses = drain(ingress)

    # Not dead-lettered although max_message_attempts is 1: the outage was not the message's.
    assert statuses == [IngressStatus.ENQUEUED, IngressStatus.ENQUEUED]
    assert calls == ["17", "17", "42"]
    assert [job.key for job in aggregate_jobs(ledger)] == ["match:17", "match:42"]
    assert redis_server.llen(ingress.dead_letter_key) == 0


def test_message_that_keeps_failing_is_dead_lettered_after_max_attempts(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    def resolve_with_a_bug(_conn: Connection, _ref: str) -> int | None:
        raise RuntimeError("boom")

    push(redis_server, queue, message_for("17"))
    ingress = make_ingress(
        redis_server, engine, queue, resolve=resolve_with_a_bug, max_message_attempts=3
    )

    for _ in range(2):
        with pytest.raises(RuntimeError, match="boom"):
            ingress.run_once(1)
    outcome = ingress.run_once(1)

    assert outcome is not None
    assert outcome.status is IngressStatus.DEAD_LETTERED
    [entry] = [json.loads(item) for item in list_items(redis_server, ingress.dead_letter_key)]
    assert entry["reason"] == "processing failed 3 times: RuntimeError: boom"
    assert aggregate_jobs(ledger) == []
    assert redis_server.exists(ingress.processing_key) == 0


# -- crashes and orphans -----------------------------------------------------------------


def test_consumer_killed_before_commit_loses_nothing(
    redis_server: redis.Redis, database_url: str, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    push(redis_server, queue, message_for("17"))
    doomed = f"doomed-{uuid.uuid4().hex[:8]}"
    python_path = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    child = subprocess.Popen(
        [sys.executable, str(THIS_FILE), database_url, queue, doomed],
        stdout=subprocess.PIPE,
        text=True,
        # Run as a script, this file imports its test-tree neighbours as pytest's pythonpath does.
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), *python_path])},
    )
    try:
        assert child.stdout is not None
        # The child has moved the message into its processing list and is inside the
        # database transaction, before any commit.
        assert child.stdout.readline() == "resolving\n"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    doomed_list = f"{queue}:processing:{doomed}"
    assert list_items(redis_server, doomed_list) == [message_for("17")]
    assert redis_server.llen(queue) == 0
    assert aggregate_jobs(ledger) == []

    heir = make_ingress(redis_server, engine, queue)
    redriven = wait_for_redrive(heir)
    statuses = drain(heir)

    assert redriven == 1
    assert statuses == [IngressStatus.ENQUEUED]
    assert [job.key for job in aggregate_jobs(ledger)] == ["match:17"]
    assert redis_server.exists(doomed_list) == 0


def wait_for_redrive(ingress: RedisIngress, timeout_seconds: float = 10.0) -> int:
    """Re-drive until the dead consumer's heartbeat expires and its messages move."""
    deadline = time.monotonic() + timeout_seconds
    while (moved := ingress.redrive_orphans()) == 0:
        assert time.monotonic() < deadline, "the dead consumer's messages were never re-driven"
        time.sleep(0.05)
    return moved


def test_redriving_a_message_already_committed_keeps_one_job(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    push(redis_server, queue, message_for("17"))
    assert drain(make_ingress(redis_server, engine, queue)) == [IngressStatus.ENQUEUED]
    # A consumer that died after its commit but before its LREM leaves exactly this behind:
    # the message in its processing list, and no heartbeat.
    redis_server.lpush(f"{queue}:processing:died-after-commit", message_for("17"))

    heir = make_ingress(redis_server, engine, queue)
    assert heir.redrive_orphans() == 1
    statuses = drain(heir)

    assert statuses == [IngressStatus.PENDING]
    [job] = aggregate_jobs(ledger)
    assert (job.key, job.state) == ("match:17", JobState.QUEUED)


def test_orphan_redrive_moves_dead_consumers_messages_oldest_first_and_spares_live_ones(
    redis_server: redis.Redis, sqlite_engine: Engine, queue: str
) -> None:
    alive = make_ingress(redis_server, sqlite_engine, queue, consumer_id="alive")
    alive.heartbeat()
    redis_server.lpush(alive.processing_key, b"alive-1")
    # A dead consumer's list, oldest message at the right end as BLMOVE RIGHT LEFT leaves it.
    dead_list = f"{queue}:processing:dead"
    push(redis_server, dead_list, b"dead-oldest", b"dead-middle", b"dead-newest")
    push(redis_server, queue, b"queued-newer")
    rescuer = make_ingress(redis_server, sqlite_engine, queue, consumer_id="rescuer")

    moved = rescuer.redrive_orphans()

    assert moved == 3
    assert list_items(redis_server, queue) == [
        b"dead-oldest",
        b"dead-middle",
        b"dead-newest",
        b"queued-newer",
    ]
    assert redis_server.exists(dead_list) == 0
    assert list_items(redis_server, alive.processing_key) == [b"alive-1"]
    assert rescuer.redrive_orphans() == 0


def test_orphan_redrive_takes_a_list_once_its_consumer_stops_beating(
    redis_server: redis.Redis, sqlite_engine: Engine, queue: str
) -> None:
    fading = make_ingress(
        redis_server,
        sqlite_engine,
        queue,
        consumer_id="fading",
        heartbeat_ttl_seconds=SHORT_TTL_SECONDS,
    )
    fading.heartbeat()
    redis_server.lpush(fading.processing_key, b"in-flight")
    rescuer = make_ingress(redis_server, sqlite_engine, queue)

    assert rescuer.redrive_orphans() == 0
    assert wait_for_redrive(rescuer) == 1
    assert list_items(redis_server, queue) == [b"in-flight"]


def test_registry_redrive_finds_registered_consumers_and_scan_finds_the_rest(
    redis_server: redis.Redis, sqlite_engine: Engine, queue: str
) -> None:
    registered = make_ingress(
        redis_server,
        sqlite_engine,
        queue,
        consumer_id="registered",
        heartbeat_ttl_seconds=SHORT_TTL_SECONDS,
    )
    registered.heartbeat()
    redis_server.lpush(registered.processing_key, b"registered-1")
    redis_server.delete(registered.consumer_key)  # its heartbeat expired
    redis_server.lpush(f"{queue}:processing:never-registered", b"unregistered-1")
    rescuer = make_ingress(redis_server, sqlite_engine, queue, consumer_id="rescuer")
    rescuer.heartbeat()

    assert rescuer.redrive_orphans(scan=False) == 1
    assert list_items(redis_server, queue) == [b"registered-1"]
    assert redis_server.smembers(rescuer.registry_key) == {b"rescuer"}
    assert rescuer.redrive_orphans(scan=True) == 1
    # Each re-driven list goes to the consuming end, ahead of what was re-driven before.
    assert list_items(redis_server, queue) == [b"unregistered-1", b"registered-1"]


# -- the loop ----------------------------------------------------------------------------


def test_run_consumes_until_stopped_then_retires_its_heartbeat(
    redis_server: redis.Redis, engine: Engine, ledger: SqlLedger, queue: str
) -> None:
    ingress = make_ingress(redis_server, engine, queue, block_seconds=0.1)
    stop = threading.Event()
    runner = threading.Thread(target=ingress.run, args=(stop,))
    runner.start()
    try:
        push(redis_server, queue, message_for("17"), message_for("42"), b"garbage")
        deadline = time.monotonic() + 10
        while redis_server.llen(ingress.dead_letter_key) == 0 or len(aggregate_jobs(ledger)) < 2:
            assert time.monotonic() < deadline, "run() did not consume the messages"
            time.sleep(0.02)
        assert redis_server.exists(ingress.consumer_key) == 1
        assert redis_server.sismember(ingress.registry_key, ingress.consumer_id)
    finally:
        stop.set()
        runner.join(timeout=10)

    assert not runner.is_alive()
    assert [job.key for job in aggregate_jobs(ledger)] == ["match:17", "match:42"]
    assert redis_server.exists(ingress.consumer_key) == 0
    assert redis_server.exists(ingress.registry_key) == 0
    assert redis_server.exists(ingress.processing_key) == 0
    assert redis_server.llen(queue) == 0


def test_client_that_decodes_responses_is_refused(sqlite_engine: Engine) -> None:
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, decode_responses=True)
    with pytest.raises(ValueError, match="decode_responses"):
        make_ingress(client, sqlite_engine, "never-used")
    client.close()


# -- the consumer that gets killed (run as a script by the test above) ------------------


def _hang_while_resolving(_conn: Connection, _ref: str) -> int | None:
    sys.stdout.write("resolving\n")
    sys.stdout.flush()
    time.sleep(600)
    return None


def main(arguments: list[str]) -> None:
    """Take one message and hang before committing, until killed."""
    database_url, queue, consumer_id = arguments
    engine = build_engine(database_url)
    ingress = RedisIngress(
        _connect_redis(),
        engine,
        SqlLedger(engine),
        queue=queue,
        consumer_id=consumer_id,
        resolve=_hang_while_resolving,
        heartbeat_ttl_seconds=SHORT_TTL_SECONDS,
    )
    ingress.run_once(10)


if __name__ == "__main__":
    main(sys.argv[1:])
