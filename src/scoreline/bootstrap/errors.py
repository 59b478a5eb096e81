"""Errors of the composition root.

ScorelineError                      root (scoreline.domain.errors)
└── BootstrapError                  the runtime cannot be built from the settings
    ├── SettingsError               a SCORELINE_* setting has a value scoreline cannot use
    ├── DatabaseUnavailableError    the database named by SCORELINE_DATABASE_URL did not answer
    └── SchemaNotReadyError         the database schema is not at the revision this code needs
"""

from __future__ import annotations

from collections.abc import Sequence

from scoreline.domain.errors import ScorelineError


class BootstrapError(ScorelineError):
    """The runtime cannot be built from the settings."""


class SettingsError(BootstrapError):
    """One or more settings are invalid; ``problems`` holds one line per setting."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid settings: " + "; ".join(self.problems))


class DatabaseUnavailableError(BootstrapError):
    """The database could not be reached; ``url`` has its password hidden."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot use the database {url}: {reason}")


class SchemaNotReadyError(BootstrapError):
    """The schema is older (or newer) than the code; only `scoreline db upgrade` changes it."""

    def __init__(self, url: str, current: str | None, head: str) -> None:
        self.url = url
        self.current = current
        self.head = head
        super().__init__(
            f"the database {url} is at schema revision {current or 'none (empty)'}, "
            f"this scoreline needs {head}: run `scoreline db upgrade`"
        )
