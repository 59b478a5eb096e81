"""The SQL store: engines by URL, the one schema, migrations and per-key locks."""

from __future__ import annotations

from scoreline.store.engines import DEFAULT_DATABASE_URL, build_engine, normalize_database_url
from scoreline.store.errors import StoreError, UnsupportedDatabaseError
from scoreline.store.locks import compute_lock_id, lock_key
from scoreline.store.migrate import upgrade_database
from scoreline.store.schema import metadata

__all__ = [
    "DEFAULT_DATABASE_URL",
    "StoreError",
    "UnsupportedDatabaseError",
    "build_engine",
    "compute_lock_id",
    "lock_key",
    "metadata",
    "normalize_database_url",
    "upgrade_database",
]
