"""Errors of the worker.

ScorelineError                  root (scoreline.domain.errors)
└── WorkerError                 the worker cannot start as asked
    ├── DuplicateHandlerError   two different handlers registered for one job kind
    ├── UnknownKindError        --kinds names a kind no registered handler runs
    └── HandlersModuleError     a --handlers-module cannot be imported
"""

from __future__ import annotations

from collections.abc import Iterable

from scoreline.domain.errors import ScorelineError


class WorkerError(ScorelineError):
    """The worker cannot start as asked."""


class DuplicateHandlerError(WorkerError):
    """A second, different handler was registered for a job kind."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"a handler is already registered for job kind {kind!r}")


class UnknownKindError(WorkerError):
    """Kinds were asked for that no registered handler runs."""

    def __init__(self, unknown: Iterable[str], known: Iterable[str]) -> None:
        self.unknown = tuple(unknown)
        self.known = tuple(known)
        super().__init__(
            f"no handler for job kind(s) {', '.join(self.unknown)}; "
            f"this worker runs: {', '.join(self.known) or 'none'}"
        )


class HandlersModuleError(WorkerError):
    """A module named to register handlers could not be imported."""

    def __init__(self, module: str, reason: str) -> None:
        self.module = module
        self.reason = reason
        super().__init__(f"cannot import handlers module {module!r}: {reason}")
