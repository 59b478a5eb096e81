"""Stats of round-based shooters (Valorant, CS2): STAT_DEFINITIONS §0-§15."""

from scoreline.stats.rounds.engine import compute_match_stats
from scoreline.stats.rounds.rules import PRESETS, STAT_VERSION, StatRules, preset

__all__ = ["PRESETS", "STAT_VERSION", "StatRules", "compute_match_stats", "preset"]
