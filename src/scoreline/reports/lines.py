"""One line of a report: its keys, the summed measures and the figures derived from them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from scoreline.rollups.derived import Figures, Sums
from scoreline.rollups.periods import percent_change

# Figures are shown to two decimals (as `scoreline stats` shows them); every sum they come
# from is on the same line, so a reader can recompute them exactly.
FIGURE_DECIMALS = 2


def round_figure(value: float | int | None) -> float | int | None:
    if isinstance(value, float):
        return round(value, FIGURE_DECIMALS)
    return value


def build_line(
    keys: Mapping[str, Any],
    sums: Sums,
    measures: Sequence[str],
    derive: Callable[[Sums], Figures],
) -> dict[str, Any]:
    """``keys``, then every name of ``measures`` (None where ``sums`` lacks it: the source
    of this line does not have it), then the derived figures, rounded."""
    line: dict[str, Any] = dict(keys)
    line.update({name: sums.get(name) for name in measures})
    line.update({name: round_figure(value) for name, value in derive(sums).items()})
    return line


def compute_changes(
    current: Sums, previous: Sums, measures: Sequence[str], derive: Callable[[Sums], Figures]
) -> dict[str, float | None]:
    """The % change of every measure and figure from ``previous`` to ``current``, from the
    exact values (None where either lacks it or the previous value is 0)."""
    now, before = derive(current), derive(previous)
    changes = {
        name: round_figure(percent_change(current.get(name), previous.get(name)))
        for name in measures
    }
    changes.update({name: round_figure(percent_change(now[name], before[name])) for name in now})
    return changes
