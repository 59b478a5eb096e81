"""The match list's cursor: what it encodes comes back, anything else is refused with a reason."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoreline.reports.match_cursor import (
    InvalidCursorError,
    MatchCursor,
    MatchSort,
    decode_cursor,
    encode_cursor,
)

MAX_MATCH_PK = 2**63 - 1


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@given(
    sort=st.sampled_from(MatchSort),
    started_at=st.datetimes(timezones=st.just(UTC)),
    offset_minutes=st.integers(-14 * 60, 14 * 60),
    match_pk=st.integers(0, MAX_MATCH_PK),
)
def test_a_cursor_decodes_to_the_position_it_encodes(
    sort: MatchSort, started_at: datetime, offset_minutes: int, match_pk: int
) -> None:
    moment = started_at.astimezone(timezone(timedelta(minutes=offset_minutes)))
    cursor = MatchCursor(sort, moment, match_pk)

    text = encode_cursor(cursor)

    assert decode_cursor(text) == cursor
    assert text.isascii()
    assert "=" not in text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "unknown layout"),
        ("!!!", "bad encoding"),
        ("é", "bad encoding"),
        (base64.urlsafe_b64encode(b"\xff\xfe").decode(), "bad encoding"),
        (encoded("m0|-started_at|2024-01-01T00:00:00+00:00|5"), "unknown layout"),
        (encoded("m1|-started_at|2024-01-01T00:00:00+00:00"), "unknown layout"),
        (encoded("m1|sideways|2024-01-01T00:00:00+00:00|5"), "unreadable position"),
        (encoded("m1|started_at|yesterday|5"), "unreadable position"),
        (encoded("m1|started_at|2024-01-01T00:00:00+00:00|five"), "unreadable position"),
        (encoded("m1|started_at|2024-01-01T00:00:00|5"), "time without offset"),
        (encoded("m1|started_at|2024-01-01T00:00:00+00:00|-1"), "out of range"),
        (encoded(f"m1|started_at|2024-01-01T00:00:00+00:00|{MAX_MATCH_PK + 1}"), "out of range"),
    ],
)
def test_a_cursor_this_list_did_not_issue_is_refused_with_the_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(InvalidCursorError, match=reason):
        decode_cursor(text)
