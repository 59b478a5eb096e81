"""Errors of the payload, match and aggregate stores.

StoreError                          root of the store (scoreline.store.errors)
├── PayloadNotFoundError            no raw payload has this id
├── UnstorableMatchError            a Match the canonical tables cannot key (duplicate rounds)
├── MatchNotFoundError              no stored match has this match_pk (or it is another match)
├── MatchEventsPrunedError          retention deleted the match's round events: no recompute
└── AmbiguousMatchRefError          a source match id stored for more than one game
"""

from __future__ import annotations

from datetime import datetime

from scoreline.store.errors import StoreError


class PayloadNotFoundError(StoreError):
    """No raw payload is stored under this id."""

    def __init__(self, payload_id: int) -> None:
        self.payload_id = payload_id
        super().__init__(f"no raw payload with id {payload_id}")


class UnstorableMatchError(StoreError):
    """The Match breaks a key of the canonical tables."""

    def __init__(self, match_id: str, reason: str) -> None:
        self.match_id = match_id
        self.reason = reason
        super().__init__(f"match {match_id}: {reason}")


class MatchNotFoundError(StoreError):
    """No stored match has this match_pk, or it holds another source match."""

    def __init__(self, match_pk: int, reason: str = "no such match") -> None:
        self.match_pk = match_pk
        self.reason = reason
        super().__init__(f"match_pk {match_pk}: {reason}")


class MatchEventsPrunedError(StoreError):
    """Retention deleted the match's round events: its stats stay but cannot be recomputed."""

    retryable = False  # the events are gone for good: only a new ingest brings them back

    def __init__(self, match_pk: int, pruned_at: datetime) -> None:
        self.match_pk = match_pk
        self.pruned_at = pruned_at
        super().__init__(
            f"match_pk {match_pk}: its round events were deleted by retention on "
            f"{pruned_at.isoformat()}, so it cannot be recomputed; its stored stats and "
            "rollups stay as they are"
        )


class AmbiguousMatchRefError(StoreError):
    """A source match id names stored matches of several games: use the match_pk instead."""

    def __init__(self, ref: str, match_pks: list[int]) -> None:
        self.ref = ref
        self.match_pks = match_pks
        super().__init__(
            f"{ref!r} is the source id of several stored matches "
            f"(match_pk {', '.join(map(str, match_pks))}): give the match_pk"
        )
