"""Cron schedules: which slot is due at a given instant, and the job key of each slot."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter  # type: ignore[import-untyped, unused-ignore]

from scoreline.jobs.errors import InvalidJobError, InvalidScheduleError

# The slot separator in job keys ("rollups.daily@2024-05-01T00:00:00+00:00").
SLOT_SEPARATOR = "@"

# croniter steps in whole seconds: looking back from one microsecond after `now` makes a
# slot that falls exactly on `now` count as due.
_JUST_AFTER = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Enqueue a ``kind`` job with ``payload`` at every slot of ``cron`` (evaluated in UTC)."""

    name: str
    cron: str
    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    priority: int = 0

    def __post_init__(self) -> None:
        if not self.name or SLOT_SEPARATOR in self.name:
            raise InvalidScheduleError(
                f"schedule name {self.name!r} must be non-empty and free of {SLOT_SEPARATOR!r}"
            )
        if not croniter.is_valid(self.cron):
            raise InvalidScheduleError(f"schedule {self.name!r}: bad cron expression {self.cron!r}")


def compute_latest_slot(cron: str, now: datetime) -> datetime:
    """The last instant of ``cron`` at or before ``now``, in UTC."""
    start = _require_aware(now).astimezone(UTC) + _JUST_AFTER
    slot: datetime = croniter(cron, start).get_prev(datetime)
    return slot.astimezone(UTC)


def compute_next_slot(cron: str, now: datetime) -> datetime:
    """The first instant of ``cron`` strictly after ``now``, in UTC."""
    start = _require_aware(now).astimezone(UTC)
    slot: datetime = croniter(cron, start).get_next(datetime)
    return slot.astimezone(UTC)


def compute_slot_key(name: str, slot: datetime) -> str:
    """The job key of one slot of a schedule: unique per (schedule, slot) in the ledger."""
    return f"{name}{SLOT_SEPARATOR}{_require_aware(slot).astimezone(UTC).isoformat()}"


def find_due_slots(schedules: Iterable[Schedule], now: datetime) -> list[tuple[Schedule, datetime]]:
    """Each schedule with its latest slot at or before ``now``.

    Only the latest: a scheduler that was down for a day enqueues one catch-up job per
    schedule, not one per missed slot.
    """
    return [(schedule, compute_latest_slot(schedule.cron, now)) for schedule in schedules]


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidJobError(f"naive datetime {value.isoformat()}: schedules need aware ones")
    return value
