"""The opaque cursor of the match list: the sort key of the last match a page showed."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from scoreline.domain.errors import ScorelineError

# Bumped when the cursor's layout changes, so an old cursor fails with a reason instead of
# being misread.
CURSOR_LAYOUT = "m1"
_SEPARATOR = "|"
# match_pk is a BIGINT: a larger number cannot be a match and must not reach the database.
MAX_MATCH_PK = 2**63 - 1


class MatchSort(StrEnum):
    """The orders of the match list; ties on started_at are broken by match_pk, same way."""

    NEWEST_FIRST = "-started_at"
    OLDEST_FIRST = "started_at"


class InvalidCursorError(ScorelineError):
    """A cursor that this code did not issue, or issued for another sort order."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class MatchCursor:
    """The position after which the next page starts: (started_at, match_pk) in ``sort``."""

    sort: MatchSort
    started_at: datetime
    match_pk: int


def encode_cursor(cursor: MatchCursor) -> str:
    """``cursor`` as URL-safe base64 text without padding."""
    text = _SEPARATOR.join(
        (CURSOR_LAYOUT, cursor.sort.value, cursor.started_at.isoformat(), str(cursor.match_pk))
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> MatchCursor:
    """The cursor ``text`` encodes; InvalidCursorError naming what is wrong with it."""
    try:
        padded = text + "=" * (-len(text) % 4)
        raw = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursorError("not a cursor of this list (bad encoding)") from None
    parts = raw.split(_SEPARATOR)
    if len(parts) != 4 or parts[0] != CURSOR_LAYOUT:
        raise InvalidCursorError("not a cursor of this list (unknown layout)")
    _, sort, started_at, match_pk = parts
    try:
        position = MatchCursor(MatchSort(sort), datetime.fromisoformat(started_at), int(match_pk))
    except ValueError:
        raise InvalidCursorError("not a cursor of this list (unreadable position)") from None
    if position.started_at.utcoffset() is None:
        raise InvalidCursorError("not a cursor of this list (time without offset)")
    if not 0 <= position.match_pk <= MAX_MATCH_PK:
        raise InvalidCursorError("not a cursor of this list (match_pk out of range)")
    return position
