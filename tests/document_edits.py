"""Edits of a parsed JSON document by path, for tables of malformed-input cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Path = tuple[str | int, ...]
Edit = Callable[[Any], None]


def _parent(doc: Any, path: Path) -> Any:
    target = doc
    for step in path[:-1]:
        target = target[step]
    return target


def set_at(path: Path, value: object) -> Edit:
    """An edit that sets the value at ``path`` (the last step is created if missing)."""

    def edit(doc: Any) -> None:
        _parent(doc, path)[path[-1]] = value

    return edit


def drop_at(path: Path) -> Edit:
    """An edit that removes the key or item at ``path``."""

    def edit(doc: Any) -> None:
        del _parent(doc, path)[path[-1]]

    return edit
