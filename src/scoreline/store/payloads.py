"""Raw source bytes, compressed and deduplicated by content hash, and the record of rejections."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from scoreline.store.conflicts import insert_on_conflict
from scoreline.store.record_errors import PayloadNotFoundError
from scoreline.store.schema import ingest_rejections, raw_payloads

# zlib rather than zstd: no maintained zstd binding is a dependency. Level 3, measured on the
# files of ../shared/data and generated matches (376 KB to 1.5 MB of JSON): ~2.3 ms and ~15%
# of the size for 376 KB, against ~5.0 ms and ~12% at level 6 — ingest throughput matters
# more than the last 3% of the bytes.
PAYLOAD_ZLIB_LEVEL = 3


@dataclass(frozen=True, slots=True)
class SavedPayload:
    """``created`` is False when these exact bytes were stored already (a duplicate)."""

    payload_id: int
    created: bool


def sha256_hex(data: bytes) -> str:
    """The content hash payloads are deduplicated by: sha256 of the raw bytes, lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def save_payload(
    conn: Connection,
    *,
    source: str,
    source_format: str,
    data: bytes,
    received_at: datetime,
) -> SavedPayload:
    """Store ``data`` compressed, unless the same bytes are stored already.

    A duplicate writes nothing and returns the stored payload's id with ``created`` False:
    the caller then reports the duplicate and writes nothing else. Safe when two
    transactions store the same bytes at once: one creates, the other sees a duplicate.
    """
    digest = sha256_hex(data)
    existing = _find_payload_id(conn, digest)
    if existing is not None:
        # Checked before compressing: re-ingesting a directory should cost a hash per file.
        return SavedPayload(existing, created=False)
    statement = (
        insert_on_conflict(conn, raw_payloads)
        .values(
            source=source,
            source_format=source_format,
            sha256=digest,
            payload=zlib.compress(data, PAYLOAD_ZLIB_LEVEL),
            size=len(data),
            received_at=received_at,
        )
        .on_conflict_do_nothing(index_elements=[raw_payloads.c.sha256])
        .returning(raw_payloads.c.id)
    )
    payload_id = conn.execute(statement).scalar_one_or_none()
    if payload_id is not None:
        return SavedPayload(payload_id, created=True)
    # Another transaction stored the same bytes between the check and the insert.
    concurrent = _find_payload_id(conn, digest)
    if concurrent is None:
        raise AssertionError(f"sha256 {digest} conflicted but is not stored")
    return SavedPayload(concurrent, created=False)


def save_rejection(
    conn: Connection,
    *,
    source: str,
    sha256: str,
    field: str,
    reason: str,
    received_at: datetime,
) -> int:
    """Record that ``source`` was rejected, naming the field and the reason; returns its id.

    Each rejection is kept, so the same bad file sent twice is recorded twice.
    """
    statement = (
        insert(ingest_rejections)
        .values(source=source, sha256=sha256, field=field, reason=reason, received_at=received_at)
        .returning(ingest_rejections.c.id)
    )
    rejection_id: int = conn.execute(statement).scalar_one()
    return rejection_id


def load_payload(conn: Connection, payload_id: int) -> bytes:
    """The original bytes of payload ``payload_id``; PayloadNotFoundError if there is none."""
    compressed = conn.execute(
        select(raw_payloads.c.payload).where(raw_payloads.c.id == payload_id)
    ).scalar_one_or_none()
    if compressed is None:
        raise PayloadNotFoundError(payload_id)
    return zlib.decompress(compressed)


def _find_payload_id(conn: Connection, digest: str) -> int | None:
    payload_id: int | None = conn.execute(
        select(raw_payloads.c.id).where(raw_payloads.c.sha256 == digest)
    ).scalar_one_or_none()
    return payload_id
