"""Buy types of teams and players per round (STAT_DEFINITIONS §14), half-open intervals."""

from __future__ import annotations

from enum import StrEnum


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
