"""The composition root: settings from the environment, and everything built from them."""

from __future__ import annotations

from scoreline.bootstrap.composition import (
    Runtime,
    SchemaStatus,
    build_child_runtime_opener,
    build_engine,
    build_ledger,
    build_worker_companions,
    build_worker_schedules,
    describe_schema,
    open_runtime,
    prepare_schema,
    upgrade_schema,
)
from scoreline.bootstrap.errors import (
    BootstrapError,
    DatabaseUnavailableError,
    SchemaNotReadyError,
    SettingsError,
)
from scoreline.bootstrap.settings import Settings, find_env_name, load_settings

__all__ = [
    "BootstrapError",
    "DatabaseUnavailableError",
    "Runtime",
    "SchemaNotReadyError",
    "SchemaStatus",
    "Settings",
    "SettingsError",
    "build_child_runtime_opener",
    "build_engine",
    "build_ledger",
    "build_worker_companions",
    "build_worker_schedules",
    "describe_schema",
    "find_env_name",
    "load_settings",
    "open_runtime",
    "prepare_schema",
    "upgrade_schema",
]
