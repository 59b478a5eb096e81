"""The one SQLAlchemy Core schema of the store, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scoreline.store.types import BigIntegerId, JsonDocument, UtcDateTime

# Named constraints let Alembic alter them later (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The values of scoreline.jobs.model.JobState (the store sits below jobs, so it repeats them;
# a test checks that the two agree).
JOB_STATES = ("queued", "running", "done", "dead")

# The durable job ledger (DESIGN.md, "Jobs"). (kind, key) is unique for the life of the row:
# it means "this work exists", whatever its state.
jobs = Table(
    "jobs",
    metadata,
    Column("id", BigIntegerId, primary_key=True, autoincrement=True),
    Column("kind", String(100), nullable=False),
    Column("key", String(500), nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("state", String(16), nullable=False),
    # A larger number is claimed first.
    Column("priority", Integer, nullable=False),
    Column("run_at", UtcDateTime, nullable=False),
    # Claims so far; the claim that sets attempts = n is "attempt n", and (worker_id, attempts)
    # identifies the holder, so a worker whose lease was taken over cannot complete.
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    Column("worker_id", String(200), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_traceback", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    UniqueConstraint("kind", "key"),
    CheckConstraint(
        "state IN (" + ", ".join(f"'{state}'" for state in JOB_STATES) + ")", name="state"
    ),
    CheckConstraint("attempts >= 0", name="attempts"),
    CheckConstraint("max_attempts >= 1", name="max_attempts"),
    CheckConstraint("state <> 'running' OR lease_expires_at IS NOT NULL", name="running_lease"),
)

# Claim order over the queued jobs only: done jobs pile up and must not slow a claim.
Index(
    "ix_jobs_queued_order",
    jobs.c.priority.desc(),
    jobs.c.run_at,
    jobs.c.id,
    postgresql_where=jobs.c.state == "queued",
    sqlite_where=jobs.c.state == "queued",
)
# Finding expired leases.
Index(
    "ix_jobs_running_lease",
    jobs.c.lease_expires_at,
    postgresql_where=jobs.c.state == "running",
    sqlite_where=jobs.c.state == "running",
)
# Listing and counting by state and kind.
Index("ix_jobs_state_kind", jobs.c.state, jobs.c.kind)
