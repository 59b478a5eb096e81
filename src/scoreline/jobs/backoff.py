"""How long a failed job waits before its next attempt: exponential, capped, jittered."""

from __future__ import annotations

from dataclasses import dataclass

# 2 ** 64 seconds is far past any cap; bounding the exponent keeps the float finite.
_MAX_EXPONENT = 64


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """``delay = min(cap, base * 2 ** (attempts - 1))``, minus up to ``jitter_fraction`` of it.

    The jitter spreads the retries of jobs that failed together (a database restart) so they
    do not all come back in the same instant.
    """

    base_seconds: float = 5.0
    cap_seconds: float = 300.0
    jitter_fraction: float = 0.25

    def __post_init__(self) -> None:
        if self.base_seconds <= 0:
            raise ValueError(f"base_seconds must be > 0, got {self.base_seconds}")
        if self.cap_seconds < self.base_seconds:
            raise ValueError(f"cap_seconds must be >= base_seconds, got {self.cap_seconds}")
        if not 0 <= self.jitter_fraction <= 1:
            raise ValueError(f"jitter_fraction must be in [0, 1], got {self.jitter_fraction}")


DEFAULT_BACKOFF = BackoffPolicy()


def compute_retry_delay_seconds(
    attempts: int, unit_random: float, policy: BackoffPolicy = DEFAULT_BACKOFF
) -> float:
    """Seconds before the next attempt of a job whose attempt number ``attempts`` just failed.

    ``unit_random`` is a draw from [0, 1): 0 gives the full delay, values near 1 remove
    ``jitter_fraction`` of it. Taking the draw as an argument keeps this function pure.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1 after a failure, got {attempts}")
    if not 0 <= unit_random < 1:
        raise ValueError(f"unit_random must be in [0, 1), got {unit_random}")
    exponent = min(attempts - 1, _MAX_EXPONENT)
    delay = min(policy.cap_seconds, policy.base_seconds * 2.0**exponent)
    return delay * (1 - policy.jitter_fraction * unit_random)
