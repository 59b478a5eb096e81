"""Retention: when a match's round events were deleted, and the payload link retention follows."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "matches", sa.Column("events_pruned_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(op.f("ix_matches_raw_payload_id"), "matches", ["raw_payload_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_matches_raw_payload_id"), table_name="matches")
    # Batch mode: SQLite copies the table to drop a column.
    with op.batch_alter_table("matches") as batch:
        batch.drop_column("events_pruned_at")
