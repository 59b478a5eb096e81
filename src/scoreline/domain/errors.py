"""Every error scoreline raises on purpose.

    ScorelineError                  root: catch this to handle anything scoreline raised
    └── InputError                  a source's bytes cannot become canonical records
        ├── UnknownFormatError      no adapter recognises the content
        └── MalformedInputError     a recognised format with a missing or wrong field

An InputError always names the source (a file path or another label) and the field,
so the one-line message tells a user where to look.
"""

from __future__ import annotations


class ScorelineError(Exception):
    """Root of every error scoreline raises on purpose."""

    # False when trying the same work again cannot succeed: a job that raises it ends dead
    # at once, with this error, instead of after every attempt it has left.
    retryable = True


class InputError(ScorelineError):
    """A source could not be turned into canonical records."""

    def __init__(self, source: str, field: str, reason: str) -> None:
        self.source = source
        self.field = field
        self.reason = reason
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {reason}")


class UnknownFormatError(InputError):
    """The content matches none of the supported formats."""


class MalformedInputError(InputError):
    """The format is recognised but a field is missing, of the wrong type or inconsistent."""
