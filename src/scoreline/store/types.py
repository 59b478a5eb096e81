"""Column types shared by every table: timestamps stored in UTC and read back aware."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as UTC: ``timestamptz`` on PostgreSQL, ISO text on SQLite.

    SQLite keeps no zone, so every value is converted to UTC before it is written; the
    fixed-width text SQLAlchemy writes then sorts in time order, which claim ordering needs.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} given: scoreline stores aware ones"
            )
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002 (fixed signature)
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid alias), never a BIGINT one.
BigIntegerId = BigInteger().with_variant(Integer(), "sqlite")

# jsonb on PostgreSQL (indexable, compact); JSON text on SQLite.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")
