"""Expand the paths, directories and globs a user names into match files, in a stable order."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

# What a directory contributes: the suffixes vendor files are saved with.
MATCH_FILE_SUFFIXES = frozenset({".json", ".log", ".txt"})
MISSING_INPUT = "no such file, directory or matching glob"


def find_match_files(arguments: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Files to read, and the arguments that named nothing (each reported to the user)."""
    files: list[Path] = []
    missing: list[str] = []
    seen: set[Path] = set()
    for argument in arguments:
        found = _expand(argument)
        if not found:
            missing.append(argument)
        for path in found:
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                files.append(path)
    return files, missing


def _expand(argument: str) -> list[Path]:
    path = Path(argument)
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MATCH_FILE_SUFFIXES
        )
    if path.is_file():
        return [path]
    if glob.has_magic(argument):
        return sorted(Path(p) for p in glob.glob(argument, recursive=True) if Path(p).is_file())
    return []
