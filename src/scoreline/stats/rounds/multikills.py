"""Windowed kill chains (STAT_DEFINITIONS §6): the seed's and arena games' multi-kills.

A chain continues while each enemy kill comes within the window of the previous one; it
breaks on a longer gap and, by default, on the killer's own death. A chain of n kills counts
once as an n-kill, never also as shorter chains. Per-round 2K-6K buckets need no module: they
are the count of enemy kills in the round.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence


def find_kill_chains(
    kills: Sequence[tuple[int, int]],
    death_orders: Sequence[int],
    window_ms: int,
    inclusive: bool,
    break_on_death: bool,
) -> list[int]:
    """Chain lengths (>= 1) of one player's enemy kills in one round.

    `kills` are (processing order, t_ms) in processing order; `death_orders` are the
    processing orders of the player's own deaths in the round, ascending.
    """
    if not kills:
        return []
    limit = window_ms if inclusive else window_ms - 1
    chains: list[int] = []
    length = 1
    previous_order, previous_t = kills[0]
    for order, t_ms in kills[1:]:
        # A death strictly between the two kills, found by bisection in the sorted orders.
        died_between = break_on_death and bisect_right(death_orders, previous_order) < bisect_left(
            death_orders, order
        )
        if t_ms - previous_t <= limit and not died_between:
            length += 1
        else:
            chains.append(length)
            length = 1
        previous_order, previous_t = order, t_ms
    chains.append(length)
    return chains
