from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoreline.jobs.backoff import BackoffPolicy, compute_retry_delay_seconds

SEED_LIKE = BackoffPolicy(base_seconds=5, cap_seconds=300, jitter_fraction=0.25)
NO_JITTER = BackoffPolicy(base_seconds=1, cap_seconds=10, jitter_fraction=0)


@pytest.mark.parametrize(
    ("policy", "attempts", "unit_random", "expected_seconds"),
    [
        (SEED_LIKE, 1, 0.0, 5.0),
        (SEED_LIKE, 2, 0.0, 10.0),
        (SEED_LIKE, 3, 0.0, 20.0),
        (SEED_LIKE, 6, 0.0, 160.0),
        (SEED_LIKE, 7, 0.0, 300.0),  # 320 is capped
        (SEED_LIKE, 1, 0.5, 4.375),  # an eighth removed: half of the 25 % jitter
        (SEED_LIKE, 4, 0.8, 32.0),
        (SEED_LIKE, 7, 0.5, 262.5),  # jitter applies below the cap too
        (SEED_LIKE, 10_000, 0.0, 300.0),  # no overflow for absurd attempt counts
        (NO_JITTER, 3, 0.9, 4.0),
        (NO_JITTER, 5, 0.0, 10.0),
    ],
)
def test_retry_delay_doubles_per_attempt_up_to_the_cap(
    policy: BackoffPolicy, attempts: int, unit_random: float, expected_seconds: float
) -> None:
    assert compute_retry_delay_seconds(attempts, unit_random, policy) == pytest.approx(
        expected_seconds
    )


@pytest.mark.parametrize(
    ("attempts", "unit_random"),
    [(0, 0.0), (-1, 0.0), (1, 1.0), (1, -0.01)],
)
def test_retry_delay_refuses_impossible_arguments(attempts: int, unit_random: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        compute_retry_delay_seconds(attempts, unit_random)


@pytest.mark.parametrize(
    "arguments",
    [
        {"base_seconds": 0},
        {"base_seconds": 10, "cap_seconds": 5},
        {"jitter_fraction": 1.5},
        {"jitter_fraction": -0.1},
    ],
)
def test_backoff_policy_refuses_impossible_settings(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        BackoffPolicy(**arguments)


@given(
    attempts=st.integers(min_value=1, max_value=200),
    unit_random=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_retry_delay_stays_between_the_jittered_floor_and_the_full_delay(
    attempts: int, unit_random: float
) -> None:
    full = compute_retry_delay_seconds(attempts, 0.0, SEED_LIKE)
    delay = compute_retry_delay_seconds(attempts, unit_random, SEED_LIKE)
    assert full * (1 - SEED_LIKE.jitter_fraction) <= delay <= full
    assert full <= compute_retry_delay_seconds(attempts + 1, 0.0, SEED_LIKE)
