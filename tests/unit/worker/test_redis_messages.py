"""parse_message: which seed-protocol messages name a match, and why the others are refused."""

from __future__ import annotations

import pytest

from scoreline.domain.errors import MalformedInputError
from scoreline.worker.redis_ingress import (
    MAX_MATCH_REF_CHARACTERS,
    MAX_MESSAGE_BYTES,
    MalformedMessageError,
    parse_message,
)

RIOT_MATCH_ID = "97ccb0b5-394c-4563-ab0b-8977b195dd66"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b'{"match_id": "42"}', "42", id="our-decimal-id"),
        pytest.param(f'{{"match_id":"{RIOT_MATCH_ID}"}}'.encode(), RIOT_MATCH_ID, id="riot-uuid"),
        pytest.param(b'{"match_id": "  42\\n"}', "42", id="surrounding-whitespace-dropped"),
        pytest.param(b'{"match_id": "7", "extra": [1, 2]}', "7", id="extra-members-ignored"),
        pytest.param(b' \n{"match_id": "7"}\n', "7", id="whitespace-around-the-object"),
        pytest.param('{"match_id": "é-1"}'.encode(), "é-1", id="non-ascii-id"),
        pytest.param(b'{"match_id": "1", "match_id": "2"}', "2", id="duplicate-member-last-wins"),
    ],
)
def test_well_formed_message_yields_its_match_id(raw: bytes, expected: str) -> None:
    assert parse_message(raw) == expected


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        pytest.param(b"\xff\xfe{}", "", "not UTF-8 text", id="not-utf8"),
        pytest.param(b"", "", "not JSON", id="empty-message"),
        pytest.param(b"match 42", "", "not JSON", id="plain-text"),
        pytest.param(b'{"match_id": "42"', "", "not JSON", id="truncated-json"),
        pytest.param(b"[" * 5_000, "", "not JSON", id="nested-too-deeply"),
        pytest.param(b'["42"]', "", "not a JSON object (got an array)", id="array"),
        pytest.param(b'"42"', "", "not a JSON object (got a string)", id="bare-string"),
        pytest.param(b"42", "", "not a JSON object (got a number)", id="bare-number"),
        pytest.param(b"null", "", "not a JSON object (got null)", id="null"),
        pytest.param(b"{}", "match_id", "missing", id="no-match-id"),
        pytest.param(b'{"matchId": "42"}', "match_id", "missing", id="wrong-member-name"),
        pytest.param(
            b'{"match_id": 42}', "match_id", "must be a string, got a number", id="number-id"
        ),
        pytest.param(b'{"match_id": null}', "match_id", "must be a string, got null", id="null-id"),
        pytest.param(
            b'{"match_id": true}', "match_id", "must be a string, got a boolean", id="boolean-id"
        ),
        pytest.param(
            b'{"match_id": {"id": "42"}}',
            "match_id",
            "must be a string, got an object",
            id="object-id",
        ),
        pytest.param(b'{"match_id": ""}', "match_id", "empty", id="empty-id"),
        pytest.param(b'{"match_id": "  "}', "match_id", "empty", id="blank-id"),
        pytest.param(
            b'{"match_id": "4\\u00002"}', "match_id", "contains unprintable characters", id="nul"
        ),
        pytest.param(
            b'{"match_id": "\\ud800"}',
            "match_id",
            "contains unprintable characters",
            id="surrogate",
        ),
        pytest.param(
            b'{"match_id": "' + b"9" * (MAX_MATCH_REF_CHARACTERS + 1) + b'"}',
            "match_id",
            f"longer than {MAX_MATCH_REF_CHARACTERS} characters",
            id="id-too-long",
        ),
        pytest.param(
            b'{"match_id": "1", "pad": "' + b"x" * MAX_MESSAGE_BYTES + b'"}',
            "",
            f"longer than {MAX_MESSAGE_BYTES} bytes",
            id="message-too-long",
        ),
    ],
)
def test_malformed_message_is_refused_with_field_and_reason(
    raw: bytes, field: str, reason: str
) -> None:
    with pytest.raises(MalformedMessageError) as caught:
        parse_message(raw, source="queue-under-test")
    assert caught.value.source == "queue-under-test"
    assert caught.value.field == field
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("raw", "dead_letter_reason"),
    [
        pytest.param(b"[]", "not a JSON object (got an array)", id="whole-message-fault"),
        pytest.param(b"{}", "match_id: missing", id="field-fault-names-the-field"),
    ],
)
def test_dead_letter_reason_names_the_field_when_there_is_one(
    raw: bytes, dead_letter_reason: str
) -> None:
    with pytest.raises(MalformedMessageError) as caught:
        parse_message(raw)
    assert caught.value.dead_letter_reason == dead_letter_reason


def test_malformed_message_is_a_malformed_input_naming_the_queue() -> None:
    with pytest.raises(MalformedInputError, match=r"^aggregate_matches: match_id: missing$"):
        parse_message(b"{}")
