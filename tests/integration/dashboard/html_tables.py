"""The tables of a page as a reader without JavaScript gets them: header and cell texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from scoreline.dashboard.rendering import format_decimal


@dataclass
class HtmlTable:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def column(self, label: str) -> list[str]:
        index = self.header.index(label)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, HtmlTable] = {}
        self._table: HtmlTable | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._unnamed = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            name = dict(attrs).get("id") or f"table-{self._unnamed}"
            self._unnamed += 1
            self._table = self.tables[name] = HtmlTable()
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            if self._in_head:
                self._table.header = self._row
            else:
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_tables(html: str) -> dict[str, HtmlTable]:
    """Every table of ``html`` by its id (``table-N`` for the N-th one without an id)."""
    reader = _TableReader()
    reader.feed(html)
    return reader.tables


def shown(value: Any) -> str:
    """A value of the API as the pages print it in a cell."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format_decimal(value)
    return str(value)
