"""What every report's filters share: the error naming the field, and exact-key filters."""

from __future__ import annotations

from dataclasses import dataclass, fields

from scoreline.domain.errors import ScorelineError


class ReportFilterError(ScorelineError):
    """A filter of a report that cannot select anything meaningful; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def check_filter_text(field: str, value: str | None) -> None:
    """ReportFilterError for text no stored key can hold (PostgreSQL refuses NUL)."""
    if value is not None and "\x00" in value:
        raise ReportFilterError(field, "contains a NUL character")


@dataclass(frozen=True, slots=True)
class KeyFilters:
    """The base of a report's filters: each field is named as the stored key it matches
    exactly, and None keeps everything."""

    def __post_init__(self) -> None:
        for field in fields(self):
            check_filter_text(field.name, getattr(self, field.name))

    def dims(self) -> dict[str, str]:
        """The filters that are set, by key name."""
        chosen = ((field.name, getattr(self, field.name)) for field in fields(self))
        return {name: value for name, value in chosen if value is not None}

    def view(self) -> dict[str, str | None]:
        """Every filter as the API names it (``map`` for map_name), None where not set."""
        return {
            "map" if field.name == "map_name" else field.name: getattr(self, field.name)
            for field in fields(self)
        }
