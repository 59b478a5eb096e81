"""Player ratings (STAT_DEFINITIONS §15): HLTV 1.0 exactly, HLTV 2.0 as a labelled approximation."""

from __future__ import annotations

from collections.abc import Sequence

# HLTV 1.0 averages (published, archived 2017): kills, survived rounds and multi-kill points.
HLTV1_AVERAGE_KPR = 0.679
HLTV1_AVERAGE_SPR = 0.317
HLTV1_AVERAGE_RMK = 1.277


def compute_rating_v1(kills: int, deaths: int, rounds: int, kill_rounds: Sequence[int]) -> float:
    """HLTV Rating 1.0. `kill_rounds[n]` = rounds with exactly n kills; 5+ count as 5K."""
    if rounds <= 0:
        return 0.0
    multikill_points = sum(min(n, 5) ** 2 * count for n, count in enumerate(kill_rounds) if n)
    kill_rating = kills / rounds / HLTV1_AVERAGE_KPR
    survival_rating = (rounds - deaths) / rounds / HLTV1_AVERAGE_SPR
    multikill_rating = multikill_points / rounds / HLTV1_AVERAGE_RMK
    return (kill_rating + 0.7 * survival_rating + multikill_rating) / 2.7


def compute_impact_approx(kpr: float, apr: float) -> float:
    """Community fit of HLTV 2.0 Impact (flashed.gg): 2.13 KPR + 0.42 APR - 0.41."""
    return 2.13 * kpr + 0.42 * apr - 0.41


def compute_rating2_approx(
    kast_pct: float, kpr: float, dpr: float, apr: float, adr: float
) -> float:
    """Community linear fit of HLTV 2.0 (flashed.gg); an approximation, never 'the' rating."""
    impact = compute_impact_approx(kpr, apr)
    rating = (
        0.0073 * kast_pct + 0.3591 * kpr - 0.5329 * dpr + 0.2372 * impact + 0.0032 * adr + 0.1587
    )
    return max(0.0, rating)
