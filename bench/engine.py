"""Benchmark the round stat engine: one generated 24-round match, then 2,000 matches.

Prints one JSON line. Only `compute_match_stats` is timed: generating and parsing the
matches happens before the clock starts. Run with `make bench` or `python bench/engine.py`.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time

import orjson

from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.synthetic.valorant import generate_match

TARGET_ROUNDS = 24


def load(seed: int, index: int) -> Match:
    (match,) = parse_source(orjson.dumps(generate_match(seed, index)), f"synthetic {index}")
    return match


def find_match_with_rounds(seed: int, rounds: int) -> Match:
    for index in range(10_000):
        match = load(seed, index)
        if len(match.rounds) == rounds and len(match.players) == 10:
            return match
    raise SystemExit(f"no {rounds}-round match among the first 10,000 of seed {seed}")


def time_one(match: Match, repeats: int) -> list[float]:
    rules = preset("official")
    compute_match_stats(match, rules)  # warm caches and imports
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        compute_match_stats(match, rules)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--preset", default="official")
    args = parser.parse_args()

    one = find_match_with_rounds(args.seed, TARGET_ROUNDS)
    samples = time_one(one, args.repeats)
    matches = [load(args.seed, i) for i in range(args.matches)]
    rules = preset(args.preset)
    start = time.perf_counter()
    for match in matches:
        compute_match_stats(match, rules)
    elapsed = time.perf_counter() - start
    figures = {
        "bench": "engine",
        "preset": args.preset,
        "rounds": len(one.rounds),
        "kills": sum(len(r.kills) for r in one.rounds),
        "damage_entries": sum(len(r.damage) for r in one.rounds),
        "median_ms_per_match": round(statistics.median(samples) * 1000, 4),
        "p90_ms_per_match": round(statistics.quantiles(samples, n=10)[-1] * 1000, 4),
        "matches": len(matches),
        "mean_rounds": round(sum(len(m.rounds) for m in matches) / len(matches), 2),
        "matches_per_s": round(len(matches) / elapsed, 1),
        "target_median_ms": 1.0,
        "python": platform.python_version(),
    }
    sys.stdout.write(orjson.dumps(figures).decode() + "\n")


if __name__ == "__main__":
    main()
