"""The worker: job handlers by kind, and the processes that run them (DESIGN.md, "Jobs")."""

from __future__ import annotations

from scoreline.worker.errors import (
    DuplicateHandlerError,
    HandlersModuleError,
    UnknownKindError,
    WorkerError,
)
from scoreline.worker.handlers import (
    HANDLERS,
    Handler,
    HandlerRegistry,
    JobContext,
    WorkerRuntime,
    WorkerSettings,
)
from scoreline.worker.runner import Companion, WorkerLoop, WorkerOptions, run_workers

__all__ = [
    "HANDLERS",
    "Companion",
    "DuplicateHandlerError",
    "Handler",
    "HandlerRegistry",
    "HandlersModuleError",
    "JobContext",
    "UnknownKindError",
    "WorkerError",
    "WorkerLoop",
    "WorkerOptions",
    "WorkerRuntime",
    "WorkerSettings",
    "run_workers",
]
