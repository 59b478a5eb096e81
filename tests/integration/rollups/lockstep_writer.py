"""A writer process for the concurrency test: saves its share of matches, in step with others."""

from __future__ import annotations

from multiprocessing.synchronize import Barrier

from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.store import build_engine
from scoreline.store.aggregates import save_match_stats
from scoreline.store.canonical import load_match

STEP_TIMEOUT_S = 60


def save_in_step(url: str, match_pks: list[int], preset_name: str, step: Barrier) -> None:
    """Compute the matches' stats first, then save one match per step: every writer starts
    each step together, so that their transactions overlap on the server."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            rules = preset(preset_name)
            computed = [(pk, compute_match_stats(load_match(conn, pk), rules)) for pk in match_pks]
        for match_pk, stats in computed:
            step.wait(timeout=STEP_TIMEOUT_S)
            with engine.begin() as conn:
                save_match_stats(conn, match_pk, stats)
    except BaseException:
        step.abort()
        raise
    finally:
        engine.dispose()
