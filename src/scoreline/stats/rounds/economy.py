"""Buy types of teams and players per round (STAT_DEFINITIONS §14), half-open intervals."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from enum import StrEnum
from functools import partial


class BuyType(StrEnum):
    PISTOL = "pistol"
    ECO = "eco"  # vlr.gg/HLTV: team loadout < 5k
    SEMI_ECO = "semi_eco"  # 5k-10k
    SEMI_BUY = "semi_buy"  # 10k-20k
    FULL_BUY = "full_buy"  # >= 20k
    OVERTIME = "overtime"  # Valorant overtime: everyone starts with the same credits


def classify_buy(loadout_value: int, thresholds: tuple[int, int, int]) -> BuyType:
    """Buy type of a loadout value against (eco, semi-eco, semi-buy) upper bounds."""
    eco, semi_eco, semi_buy = thresholds
    if loadout_value < eco:
        return BuyType.ECO
    if loadout_value < semi_eco:
        return BuyType.SEMI_ECO
    if loadout_value < semi_buy:
        return BuyType.SEMI_BUY
    return BuyType.FULL_BUY


LOW_BUYS = frozenset({BuyType.ECO, BuyType.SEMI_ECO})
HIGH_BUYS = frozenset({BuyType.SEMI_BUY, BuyType.FULL_BUY})


_BUY_BY_RANK = (BuyType.ECO.value, BuyType.SEMI_ECO.value, BuyType.SEMI_BUY.value)
_FULL_BUY = BuyType.FULL_BUY.value


def classify_buys(
    loadout_values: Iterable[int | None], thresholds: tuple[int, int, int]
) -> list[str | None]:
    """`classify_buy(v, thresholds).value` for each value, None for None.

    Each distinct value is classified once. With ordered thresholds the class is the number
    of thresholds at or below the value, found by bisection in C; classify_buy remains the
    definition and serves any other thresholds.
    """
    values = list(loadout_values)
    distinct = {value for value in values if value is not None}
    names: dict[int | None, str | None] = {None: None}
    if list(thresholds) == sorted(thresholds):
        rank_of = partial(bisect_right, thresholds)
        for value in distinct:
            rank = rank_of(value)
            names[value] = _BUY_BY_RANK[rank] if rank < len(_BUY_BY_RANK) else _FULL_BUY
    else:
        for value in distinct:
            names[value] = classify_buy(value, thresholds).value
    return list(map(names.__getitem__, values))
