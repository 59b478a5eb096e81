"""Errors of the SQL store.

ScorelineError                      root (scoreline.domain.errors)
└── StoreError                      the database cannot be used as asked
    └── UnsupportedDatabaseError    the URL names a database or driver scoreline does not use
"""

from __future__ import annotations

from scoreline.domain.errors import ScorelineError


class StoreError(ScorelineError):
    """The SQL store cannot do what was asked."""


class UnsupportedDatabaseError(StoreError):
    """The database URL names a backend or driver scoreline does not support."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")
