"""The pages' GET filter forms: query values read leniently, each problem kept to show."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from scoreline.domain.rounds import Game
from scoreline.reports.filters import ReportFilterError
from scoreline.reports.players import DEFAULT_RECENT_MATCHES, MAX_RECENT_MATCHES
from scoreline.rollups.periods import Granularity, Period, PeriodError, resolve_period

FiltersT = TypeVar("FiltersT")
ProfileT = TypeVar("ProfileT")

# As the API's text filters allow.
MAX_TEXT_CHARS = 200


@dataclass(slots=True)
class FormReader:
    """Reads one form's values from the query string; a bad value becomes a message in
    ``problems`` and the filter's default, so the page still renders (with the message)."""

    params: Mapping[str, str]
    problems: list[str] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        """The stripped value, or None when absent or blank."""
        value = self.params.get(name, "").strip()
        if not value:
            return None
        if len(value) > MAX_TEXT_CHARS or "\x00" in value:
            self.problems.append(f"{name}: at most {MAX_TEXT_CHARS} characters, no NUL")
            return None
        return value

    def choice(self, name: str, choices: Collection[str], default: str) -> str:
        value = self.text(name)
        if value is None:
            return default
        if value not in choices:
            known = ", ".join(sorted(choice for choice in choices if choice))
            self.problems.append(f"{name}: {value!r} is not one of {known}")
            return default
        return value

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            self.problems.append(f"{name}: {value!r} is not a whole number")
            return default
        if not minimum <= number <= maximum:
            self.problems.append(f"{name}: must be between {minimum} and {maximum}")
            return default
        return number


def read_period(form: FormReader, *, zone: ZoneInfo, now: datetime) -> Period:
    """The period of ``period`` / ``from`` / ``to`` (the API's parameters), or all time
    with the problem kept when they do not name one."""
    period = form.text("period")
    from_day = _read_day(form, "from")
    to_day = _read_day(form, "to")
    try:
        return resolve_period(period, from_day=from_day, to_day=to_day, zone=zone, now=now)
    except PeriodError as error:
        form.problems.append(f"{error.field}: {error.reason}")
        return resolve_period(None, zone=zone, now=now)


def _read_day(form: FormReader, name: str) -> date | None:
    value = form.text(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        form.problems.append(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
        return None


GAME_CHOICES: tuple[str, ...] = tuple(game.value for game in Game)
# The period presets of the forms' select; a FROM..TO period or from/to days also work.
PERIOD_CHOICES = ("today", "week", "month")
GRANULARITY_CHOICES: tuple[str, ...] = tuple(granularity.value for granularity in Granularity)


def read_report_form(
    form: FormReader, *, zone: ZoneInfo, now: datetime
) -> tuple[Period, dict[str, str]]:
    """The period and the parameters every report page shares (period, from, to, game, map),
    the latter as given, to show the form back."""
    period = read_period(form, zone=zone, now=now)
    shown = {
        "period": form.params.get("period", "").strip(),
        "from": form.params.get("from", "").strip(),
        "to": form.params.get("to", "").strip(),
        "game": form.choice("game", (*GAME_CHOICES, ""), ""),
        "map": form.text("map") or "",
    }
    return period, shown


def read_trend_form(form: FormReader) -> dict[str, str]:
    """The profile pages' trend granularity and number of recent matches, as given (their
    defaults when absent or out of range), to show the form back."""
    granularity = form.choice("granularity", GRANULARITY_CHOICES, Granularity.DAY.value)
    recent = form.integer("recent", DEFAULT_RECENT_MATCHES, minimum=0, maximum=MAX_RECENT_MATCHES)
    return {"granularity": granularity, "recent": str(recent)}


def load_with_trend(
    form: FormReader, shown: Mapping[str, str], load: Callable[..., ProfileT]
) -> ProfileT:
    """``load`` (a profile) with the ``granularity`` and ``recent`` of ``shown``
    (read_trend_form); a trend too long at that granularity is kept as a problem and the
    profile loaded by day instead."""
    recent = int(shown["recent"])
    try:
        return load(granularity=Granularity(shown["granularity"]), recent=recent)
    except PeriodError as error:
        form.problems.append(f"{error.field}: {error.reason}")
        return load(granularity=Granularity.DAY, recent=recent)


def build_filters(
    form: FormReader, make: Callable[..., FiltersT], **values: str | None
) -> FiltersT:
    """``make`` (a report's filters) of the ``values`` that are not empty; with the problem
    kept when it refuses them, ``make()``: no filter at all."""
    try:
        return make(**{name: value for name, value in values.items() if value})
    except ReportFilterError as error:
        form.problems.append(f"{error.field}: {error.reason}")
        return make()


def query_of(shown: Mapping[str, str], **changes: str | int) -> str:
    """A query string of the non-empty ``shown`` parameters with ``changes`` applied."""
    merged: dict[str, str | int] = {**shown, **changes}
    return urlencode({name: value for name, value in merged.items() if value != ""})
