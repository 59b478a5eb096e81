"""Stored result rows as readers see them: one named value per column, rounds counted from 1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from scoreline.store.aggregates import load_results
from scoreline.store.result_columns import FieldKind, ResultLayout
from scoreline.store.schema import AGGREGATE_TABLES

# The contract of `scoreline stats --format json` (scoreline.reports.match_json): ratios are
# rounded to two decimals beside the integers they derive from, round numbers are 1-based as
# players see them. Count buckets (multikills, clutch attempts ...) are one column each,
# named as the store names them (multikills_2k), so a row is also a CSV line.
RATIO_DECIMALS = 2

LAYOUTS: dict[str, ResultLayout] = {
    aggregate.table.name: aggregate.layout for aggregate in AGGREGATE_TABLES
}


def row_columns(layout: ResultLayout) -> tuple[str, ...]:
    """The keys of the dicts ``result_row`` builds for ``layout``, in order."""
    return layout.columns


def result_row(layout: ResultLayout, row: Sequence[Any]) -> dict[str, Any]:
    """``row`` (a result NamedTuple of ``layout``'s type) as column name -> value."""
    values: dict[str, Any] = {}
    for field, value in zip(layout.fields, row, strict=True):
        if field.kind is FieldKind.COUNTS:
            values.update(zip(field.columns, value, strict=True))
        elif field.kind is FieldKind.JOINED:
            values[field.name] = list(value)
        elif field.name == "round_number":
            # The engine counts rounds from 0 (the canonical Round.number).
            values[field.name] = value + 1
        elif isinstance(value, float):
            values[field.name] = round(value, RATIO_DECIMALS)
        else:
            values[field.name] = value
    return values


def load_result_rows(conn: Connection, table_name: str, match_pk: int) -> list[dict[str, Any]]:
    """The rows of aggregate table ``table_name`` for ``match_pk`` as ``result_row`` dicts, in
    primary key order (empty for a match not computed yet)."""
    layout = LAYOUTS[table_name]
    return [result_row(layout, row) for row in load_results(conn, table_name, match_pk)]
