"""A player's place in a leaderboard's population: mid-rank percentiles, ties counted half."""

from __future__ import annotations

import pytest

from scoreline.reports.leaderboards import compute_mid_rank_percentile


@pytest.mark.parametrize(
    ("value", "population", "percentile"),
    [
        (5.0, [5.0], 50.0),  # alone: half of itself
        (3.0, [1.0, 2.0, 3.0, 4.0], 62.5),  # 2 below, itself half
        (4.0, [1.0, 2.0, 3.0, 4.0], 87.5),  # the best of four
        (1.0, [1.0, 2.0, 3.0, 4.0], 12.5),  # the worst of four
        (0.0, [0.0] * 9 + [30.0], 45.0),  # a 0 % rate most players share sits among them
        (30.0, [0.0] * 9 + [30.0], 95.0),
        (2.0, [1.0, 2.0, 2.0, 3.0], 50.0),  # 1 below, 2 level
    ],
)
def test_ties_count_half(value: float, population: list[float], percentile: float) -> None:
    assert compute_mid_rank_percentile(value, population) == pytest.approx(percentile)


def test_percentiles_of_a_population_average_fifty() -> None:
    population = [0.0, 0.0, 1.5, 2.0, 2.0, 2.0, 7.25]
    percentiles = [compute_mid_rank_percentile(value, population) for value in population]
    assert sum(percentiles) / len(percentiles) == pytest.approx(50.0)
