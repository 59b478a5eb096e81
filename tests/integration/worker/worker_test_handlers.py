"""Test-only job kinds, registered on import (worker processes import it by --handlers-module).

Every kind that succeeds records one row in ``worker_test_effects`` in the transaction that
marks its job done, so a job run twice to completion would show twice.

- ``test.record``: record the effect; payload ``sleep_seconds`` works that long first, and
  ``started_dir`` gets a file ``<job id>-<attempt>`` holding the worker's pid on start.
- ``test.fail``: raise until the file named by payload ``fixed_when`` exists, then record.
- ``test.readonly``: write nothing; the runner completes the job.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, insert, select

from scoreline.jobs import Job
from scoreline.worker import HANDLERS, JobContext

# The name worker processes import this module by (see worker_setups.WORKER_CLI).
HANDLERS_MODULE = "worker_test_handlers"

effects_metadata = MetaData()
effects = Table(
    "worker_test_effects",
    effects_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", Integer, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("match_id", String(100), nullable=True),
)


def create_effects_table(engine: Engine) -> None:
    effects_metadata.create_all(engine)


def find_effects(engine: Engine) -> list[tuple[int, int, int]]:
    """(job_id, attempt, pid) of every recorded effect."""
    with engine.connect() as conn:
        rows = conn.execute(select(effects.c.job_id, effects.c.attempt, effects.c.pid)).all()
    return [(int(job_id), int(attempt), int(pid)) for job_id, attempt, pid in rows]


def record_effect(conn: Connection, job: Job) -> int:
    conn.execute(
        insert(effects).values(
            job_id=job.id,
            attempt=job.attempts,
            pid=os.getpid(),
            match_id=job.payload.get("match_id"),
        )
    )
    return job.id


def _mark_started(job: Job) -> None:
    started_dir = job.payload.get("started_dir")
    if isinstance(started_dir, str):
        (Path(started_dir) / f"{job.id}-{job.attempts}").write_text(str(os.getpid()))


@HANDLERS.handler("test.record")
def record(job: Job, context: JobContext) -> None:
    _mark_started(job)
    context.compute(time.sleep, float(job.payload.get("sleep_seconds", 0)))
    context.save(record_effect, job)


class FixMissingError(Exception):
    """The poison job's fix has not been applied yet."""


def _check_fixed(path: str) -> None:
    if not Path(path).exists():
        raise FixMissingError(f"boom: {path} does not exist yet")


@HANDLERS.handler("test.fail")
def fail_until_fixed(job: Job, context: JobContext) -> None:
    context.compute(_check_fixed, str(job.payload["fixed_when"]))
    context.save(record_effect, job)


@HANDLERS.handler("test.readonly")
def read_only(job: Job, context: JobContext) -> None:
    context.log.info("nothing to write", key=job.key)
