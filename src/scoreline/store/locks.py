"""Serialise work on one key (a match) across processes, for the length of a transaction."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, text


def compute_lock_id(key: str) -> int:
    """A stable signed 64-bit id for ``key``, the argument type of PostgreSQL advisory locks.

    blake2b rather than hash(): Python salts str hashes per process, and every process must
    agree on the id of a key.
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_key(connection: Connection, key: str) -> None:
    """Hold a lock on ``key`` until ``connection``'s transaction ends; blocks while another has it.

    PostgreSQL: ``pg_advisory_xact_lock``. SQLite: nothing to do, since every write
    transaction already holds the one database-wide write lock (BEGIN IMMEDIATE).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": compute_lock_id(key)}
        )
