"""How a stat result row (a NamedTuple of the round engine) maps to flat, summable columns."""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

# Tuple-valued counters become one integer column per bucket, so SQL can sum each bucket
# (daily rollups); the suffixes name the buckets as results.py documents them.
COUNT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "multikills": ("2k", "3k", "4k", "5k", "6k"),
    "kill_chains": ("2", "3", "4", "5", "6"),
    "clutch_attempts": ("1v1", "1v2", "1v3", "1v4", "1v5"),
    "clutch_wins": ("1v1", "1v2", "1v3", "1v4", "1v5"),
}
# Text fields holding a sorted tuple (team composition) join its items with this.
JOINED_SEPARATOR = ","


# A NamedTuple class: its _fields and type hints give the columns, its _make rebuilds rows.
ResultRowType = type[Any]


class FieldKind(Enum):
    INTEGER = "integer"
    BOOLEAN = "boolean"
    FLOAT = "float"
    TEXT = "text"
    COUNTS = "counts"  # tuple[int, ...] of fixed length: one integer column per bucket
    JOINED = "joined"  # tuple[str, ...]: one text column, items joined by JOINED_SEPARATOR
    PAIRS = "pairs"  # dict[str, tuple[int, int]]: one JSON object of two-item arrays


_SCALAR_KINDS: dict[object, FieldKind] = {
    int: FieldKind.INTEGER,
    bool: FieldKind.BOOLEAN,
    float: FieldKind.FLOAT,
    str: FieldKind.TEXT,
}


@dataclass(frozen=True, slots=True)
class ResultField:
    """One field of a result row and the columns that store it."""

    name: str
    kind: FieldKind
    nullable: bool
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResultLayout:
    """The columns of one result row type, in field order, and the two-way mapping."""

    row_type: ResultRowType
    fields: tuple[ResultField, ...]
    columns: tuple[str, ...] = field(init=False)
    # True when every field is one scalar column: the row is then its own column tuple.
    is_flat: bool = field(init=False)
    # (position, kind) of the fields that are not one scalar column, in field order.
    _special: tuple[tuple[int, FieldKind], ...] = field(init=False)

    def __post_init__(self) -> None:
        special = tuple(
            (position, f.kind) for position, f in enumerate(self.fields) if f.kind not in _PLAIN
        )
        object.__setattr__(self, "columns", tuple(c for f in self.fields for c in f.columns))
        object.__setattr__(self, "is_flat", not special)
        object.__setattr__(self, "_special", special)

    def flatten(self, row: Sequence[Any]) -> list[Any]:
        """The column values of ``row``; PAIRS stay a dict for the writer to encode."""
        # Scalar runs are copied by slice: a per-field loop costs ~10 us on a 49-field row.
        values: list[Any] = []
        start = 0
        for position, kind in self._special:
            values.extend(row[start:position])
            value = row[position]
            if kind is FieldKind.COUNTS:
                values.extend(value)
            elif kind is FieldKind.JOINED:
                values.append(JOINED_SEPARATOR.join(value))
            else:
                values.append(value)
            start = position + 1
        values.extend(row[start:])
        return values

    def unflatten(self, values: Sequence[Any]) -> tuple[Any, ...]:
        """The result row whose columns are ``values`` (the inverse of flatten)."""
        items: list[Any] = []
        position = 0
        for f in self.fields:
            width = len(f.columns)
            if f.kind is FieldKind.COUNTS:
                items.append(tuple(values[position : position + width]))
            else:
                items.append(_UNFLATTEN[f.kind](values[position]))
            position += width
        row: tuple[Any, ...] = self.row_type._make(items)
        return row


_PLAIN = frozenset({FieldKind.INTEGER, FieldKind.BOOLEAN, FieldKind.FLOAT, FieldKind.TEXT})


def _restore_scalar(value: Any) -> Any:
    return value


def _restore_joined(value: str) -> tuple[str, ...]:
    return tuple(value.split(JOINED_SEPARATOR)) if value else ()


def _restore_pairs(value: dict[str, Sequence[int]]) -> dict[str, tuple[int, ...]]:
    # Keys sorted, as the engine emits them: jsonb keeps its own key order, not the input's.
    return {key: tuple(value[key]) for key in sorted(value)}


def _restore_boolean(value: Any) -> bool | None:
    # SQLite hands back 0/1 when read without SQLAlchemy's type processing.
    return None if value is None else bool(value)


_UNFLATTEN: dict[FieldKind, Callable[[Any], Any]] = {
    FieldKind.INTEGER: _restore_scalar,
    FieldKind.BOOLEAN: _restore_boolean,
    FieldKind.FLOAT: _restore_scalar,
    FieldKind.TEXT: _restore_scalar,
    FieldKind.JOINED: _restore_joined,
    FieldKind.PAIRS: _restore_pairs,
}


def describe_result_row(row_type: ResultRowType) -> ResultLayout:
    """The layout of ``row_type``, read from its type hints.

    Raises TypeError for a field type with no column mapping (a new result field must get
    one here, deliberately, rather than be stored some accidental way).
    """
    hints = get_type_hints(row_type)
    fields = tuple(_describe_field(name, hints[name]) for name in row_type._fields)
    return ResultLayout(row_type, fields)


def _describe_field(name: str, hint: object) -> ResultField:
    nullable = False
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType) and type(None) in args:
        others = [arg for arg in args if arg is not type(None)]
        if len(others) != 1:
            raise TypeError(f"{name}: unions other than X | None are not stored")
        hint, nullable = others[0], True
    if hint in _SCALAR_KINDS:
        return ResultField(name, _SCALAR_KINDS[hint], nullable, (name,))
    if nullable:
        raise TypeError(f"{name}: only scalar fields may be None, got {hint!r}")
    origin, args = get_origin(hint), get_args(hint)
    if origin is tuple and args == (str, Ellipsis):
        return ResultField(name, FieldKind.JOINED, False, (name,))
    if origin is tuple and args and all(arg is int for arg in args):
        suffixes = COUNT_SUFFIXES.get(name)
        if suffixes is None or len(suffixes) != len(args):
            raise TypeError(
                f"{name}: a {len(args)}-count field needs its suffixes in COUNT_SUFFIXES"
            )
        return ResultField(name, FieldKind.COUNTS, False, tuple(f"{name}_{s}" for s in suffixes))
    if origin is dict and args and args[0] is str and get_origin(args[1]) is tuple:
        return ResultField(name, FieldKind.PAIRS, False, (name,))
    raise TypeError(f"{name}: no column mapping for {hint!r}")
