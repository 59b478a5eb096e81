"""Deterministic synthetic match documents for tests, demos and benchmarks (pure, no I/O)."""

from __future__ import annotations

from scoreline.synthetic.valorant import generate_match, generate_matches

__all__ = ["generate_match", "generate_matches"]
