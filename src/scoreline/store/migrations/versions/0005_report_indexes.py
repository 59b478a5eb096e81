"""Reports: a player's and a team's rows, and the match list's order, found by index."""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, columns): the aggregate tables the player and team pages filter by entity, and
# the match list's page order and its player and team filters.
_INDEXED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("round_player_stats", ("player_id",)),
    ("match_player_stats", ("player_id",)),
    ("team_match_stats", ("team_id",)),
    ("clutches", ("player_id",)),
    ("match_player_weapon_stats", ("player_id",)),
    ("matches", ("started_at", "match_pk")),
    ("match_players", ("player_id",)),
    ("match_teams", ("team_id",)),
)


def _index_name(table: str, columns: tuple[str, ...]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    for table, columns in _INDEXED:
        op.create_index(op.f(_index_name(table, columns)), table, list(columns))


def downgrade() -> None:
    for table, columns in reversed(_INDEXED):
        op.drop_index(op.f(_index_name(table, columns)), table_name=table)
