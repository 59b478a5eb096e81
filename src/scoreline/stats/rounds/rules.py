"""Every window, threshold and counting choice of the round stats, with the named presets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

# Bump when any definition changes what a stat means; stamped on every stored aggregate.
STAT_VERSION = 1


class Counting(StrEnum):
    """Which deaths give K, D and A (STAT_DEFINITIONS §1, §2 and §20)."""

    PUBLISHER = "publisher"  # reproduce the game's own scoreboard, game by game (§20)
    ENEMY_ONLY = "enemy_only"  # K = enemy kills, D = every death, A = assists on enemy kills


class TradeMode(StrEnum):
    STRICT = "strict"  # the killer of a teammate is killed back
    LOOSE = "loose"  # any enemy is killed by a teammate inside the window


class TradeCredit(StrEnum):
    ALL_IN_WINDOW = "all_in_window"  # every death by the avenged killer inside W is traded
    LAST_ONLY = "last_only"  # only the most recent one


class MultikillMode(StrEnum):
    PER_ROUND = "per_round"
    WINDOWED = "windowed"


class SurvivalMode(StrEnum):
    ALIVE_AT_END = "alive_at_end"
    NEVER_DIED = "never_died"


@dataclass(frozen=True, slots=True)
class StatRules:
    """The parameters of STAT_DEFINITIONS §0.5. Windows are in ms; boundaries say inclusive."""

    name: str = "community"
    counting: Counting = Counting.ENEMY_ONLY
    trade_window_ms: int = 5000
    trade_window_inclusive: bool = True
    trade_mode: TradeMode = TradeMode.STRICT
    trade_credit: TradeCredit = TradeCredit.ALL_IN_WINDOW
    multikill_primary: MultikillMode = MultikillMode.PER_ROUND
    multikill_window_ms: int = 5000
    multikill_window_inclusive: bool = False
    multikill_break_on_death: bool = True
    clutch_confirm_ms: int = 0
    clutch_requires_survival: bool = False
    clutch_unwinnable_cutoff: bool = False
    clutch_exclude_surrendered: bool = True
    kast_survival_mode: SurvivalMode = SurvivalMode.ALIVE_AT_END
    kast_no_survival_credit_in_lost_rounds: bool = False
    hs_excluded_weapons: frozenset[str] = field(default_factory=frozenset)
    # Exit frags count in K/D/A (scoreboard parity) but never in first kills, trades or clutches.
    post_round_kills_in_events: bool = False
    exclude_afk_rounds: bool = False
    team_buy_thresholds: tuple[int, int, int] = (5000, 10000, 20000)
    player_buy_thresholds: tuple[int, int, int] = (1000, 2000, 4000)
    ratings: bool = True

    def with_changes(self, **changes: object) -> StatRules:
        return replace(self, **changes)  # type: ignore[arg-type]


COMMUNITY = StatRules()
OFFICIAL = StatRules(name="official", counting=Counting.PUBLISHER)
SEED = StatRules(
    name="seed",
    trade_window_ms=3000,
    multikill_primary=MultikillMode.WINDOWED,
    clutch_confirm_ms=3000,
)

PRESETS: dict[str, StatRules] = {r.name: r for r in (OFFICIAL, COMMUNITY, SEED)}


def preset(name: str) -> StatRules:
    """The named preset; raises KeyError listing the known names."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(PRESETS)
        raise KeyError(f"unknown preset {name!r}; known presets: {known}") from None
