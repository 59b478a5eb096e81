"""The daily rollup tables (scoreline.rollups.specs): sums and counts per day and entity."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here rather than built from scoreline.rollups.specs, so that this revision
# keeps creating the same tables however the specs change.


def upgrade() -> None:
    op.create_table(
        "rollup_player_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("attack_rounds", sa.BigInteger(), nullable=False),
        sa.Column("defense_rounds", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("kast_rounds", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("bodyshots", sa.BigInteger(), nullable=False),
        sa.Column("legshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("hs_known_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_deaths", sa.BigInteger(), nullable=False),
        sa.Column("entry_kills", sa.BigInteger(), nullable=False),
        sa.Column("multikill_2", sa.BigInteger(), nullable=False),
        sa.Column("multikill_3", sa.BigInteger(), nullable=False),
        sa.Column("multikill_4", sa.BigInteger(), nullable=False),
        sa.Column("multikill_5", sa.BigInteger(), nullable=False),
        sa.Column("multikill_6", sa.BigInteger(), nullable=False),
        sa.Column("clutch_attempts", sa.BigInteger(), nullable=False),
        sa.Column("clutch_wins", sa.BigInteger(), nullable=False),
        sa.Column("clutch_kills", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.Column("traded_deaths", sa.BigInteger(), nullable=False),
        sa.Column("survived_rounds", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("suicides", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        sa.Column("loadout_value", sa.BigInteger(), nullable=False),
        sa.Column("economy_rounds", sa.BigInteger(), nullable=False),
        sa.Column("rating_v1_milli", sa.BigInteger(), nullable=False),
        sa.Column("rating_v1_matches", sa.BigInteger(), nullable=False),
        sa.Column("rating2_milli", sa.BigInteger(), nullable=False),
        sa.Column("rating2_matches", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "game", "player_id", name=op.f("pk_rollup_player_day")),
    )
    op.create_index(
        op.f("ix_rollup_player_day_player_id_day"), "rollup_player_day", ["player_id", "day"]
    )
    op.create_table(
        "rollup_player_map_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("attack_rounds", sa.BigInteger(), nullable=False),
        sa.Column("defense_rounds", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("kast_rounds", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("bodyshots", sa.BigInteger(), nullable=False),
        sa.Column("legshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("hs_known_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_deaths", sa.BigInteger(), nullable=False),
        sa.Column("entry_kills", sa.BigInteger(), nullable=False),
        sa.Column("multikill_2", sa.BigInteger(), nullable=False),
        sa.Column("multikill_3", sa.BigInteger(), nullable=False),
        sa.Column("multikill_4", sa.BigInteger(), nullable=False),
        sa.Column("multikill_5", sa.BigInteger(), nullable=False),
        sa.Column("multikill_6", sa.BigInteger(), nullable=False),
        sa.Column("clutch_attempts", sa.BigInteger(), nullable=False),
        sa.Column("clutch_wins", sa.BigInteger(), nullable=False),
        sa.Column("clutch_kills", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.Column("traded_deaths", sa.BigInteger(), nullable=False),
        sa.Column("survived_rounds", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("suicides", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        sa.Column("loadout_value", sa.BigInteger(), nullable=False),
        sa.Column("economy_rounds", sa.BigInteger(), nullable=False),
        sa.Column("rating_v1_milli", sa.BigInteger(), nullable=False),
        sa.Column("rating_v1_matches", sa.BigInteger(), nullable=False),
        sa.Column("rating2_milli", sa.BigInteger(), nullable=False),
        sa.Column("rating2_matches", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "map_name", name=op.f("pk_rollup_player_map_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_map_day_player_id_day"),
        "rollup_player_map_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_player_agent_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("agent", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("attack_rounds", sa.BigInteger(), nullable=False),
        sa.Column("defense_rounds", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("kast_rounds", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("bodyshots", sa.BigInteger(), nullable=False),
        sa.Column("legshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("hs_known_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_deaths", sa.BigInteger(), nullable=False),
        sa.Column("entry_kills", sa.BigInteger(), nullable=False),
        sa.Column("multikill_2", sa.BigInteger(), nullable=False),
        sa.Column("multikill_3", sa.BigInteger(), nullable=False),
        sa.Column("multikill_4", sa.BigInteger(), nullable=False),
        sa.Column("multikill_5", sa.BigInteger(), nullable=False),
        sa.Column("multikill_6", sa.BigInteger(), nullable=False),
        sa.Column("clutch_attempts", sa.BigInteger(), nullable=False),
        sa.Column("clutch_wins", sa.BigInteger(), nullable=False),
        sa.Column("clutch_kills", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.Column("traded_deaths", sa.BigInteger(), nullable=False),
        sa.Column("survived_rounds", sa.BigInteger(), nullable=False),
        sa.Column("team_kills", sa.BigInteger(), nullable=False),
        sa.Column("suicides", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        sa.Column("loadout_value", sa.BigInteger(), nullable=False),
        sa.Column("economy_rounds", sa.BigInteger(), nullable=False),
        sa.Column("rating_v1_milli", sa.BigInteger(), nullable=False),
        sa.Column("rating_v1_matches", sa.BigInteger(), nullable=False),
        sa.Column("rating2_milli", sa.BigInteger(), nullable=False),
        sa.Column("rating2_matches", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "agent", name=op.f("pk_rollup_player_agent_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_agent_day_player_id_day"),
        "rollup_player_agent_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_player_weapon_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("weapon", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths_by", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("bodyshots", sa.BigInteger(), nullable=False),
        sa.Column("legshots", sa.BigInteger(), nullable=False),
        sa.Column("secondary_fire_kills", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "weapon", name=op.f("pk_rollup_player_weapon_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_weapon_day_player_id_day"),
        "rollup_player_weapon_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_player_side_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("kast_rounds", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("damage_received", sa.BigInteger(), nullable=False),
        sa.Column("headshots", sa.BigInteger(), nullable=False),
        sa.Column("bodyshots", sa.BigInteger(), nullable=False),
        sa.Column("legshots", sa.BigInteger(), nullable=False),
        sa.Column("headshot_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_deaths", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.Column("traded_deaths", sa.BigInteger(), nullable=False),
        sa.Column("survived_rounds", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("clutch_attempts", sa.BigInteger(), nullable=False),
        sa.Column("clutch_wins", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "side", name=op.f("pk_rollup_player_side_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_side_day_player_id_day"),
        "rollup_player_side_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_player_economy_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("buy_type", sa.Text(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("spent", sa.BigInteger(), nullable=False),
        sa.Column("loadout_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "buy_type", name=op.f("pk_rollup_player_economy_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_economy_day_player_id_day"),
        "rollup_player_economy_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_player_clutch_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("opponents", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("survived", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "opponents", name=op.f("pk_rollup_player_clutch_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_clutch_day_player_id_day"),
        "rollup_player_clutch_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_player_duel_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("player_id", sa.Text(), nullable=False),
        sa.Column("opponent_id", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("damage_dealt", sa.BigInteger(), nullable=False),
        sa.Column("damage_taken", sa.BigInteger(), nullable=False),
        sa.Column("first_kills", sa.BigInteger(), nullable=False),
        sa.Column("first_deaths", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "player_id", "opponent_id", name=op.f("pk_rollup_player_duel_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_player_duel_day_player_id_day"),
        "rollup_player_duel_day",
        ["player_id", "day"],
    )
    op.create_table(
        "rollup_team_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("first_kill_rounds", sa.BigInteger(), nullable=False),
        sa.Column("first_kill_rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("pistols_played", sa.BigInteger(), nullable=False),
        sa.Column("pistols_won", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("post_plant_rounds", sa.BigInteger(), nullable=False),
        sa.Column("post_plant_won", sa.BigInteger(), nullable=False),
        sa.Column("retake_rounds", sa.BigInteger(), nullable=False),
        sa.Column("retakes_won", sa.BigInteger(), nullable=False),
        sa.Column("eco_rounds", sa.BigInteger(), nullable=False),
        sa.Column("eco_wins", sa.BigInteger(), nullable=False),
        sa.Column("flawless_rounds", sa.BigInteger(), nullable=False),
        sa.Column("clutches_attempted", sa.BigInteger(), nullable=False),
        sa.Column("clutches_won", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "game", "team_id", name=op.f("pk_rollup_team_day")),
    )
    op.create_index(op.f("ix_rollup_team_day_team_id_day"), "rollup_team_day", ["team_id", "day"])
    op.create_table(
        "rollup_team_map_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Text(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("first_kill_rounds", sa.BigInteger(), nullable=False),
        sa.Column("first_kill_rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("pistols_played", sa.BigInteger(), nullable=False),
        sa.Column("pistols_won", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("post_plant_rounds", sa.BigInteger(), nullable=False),
        sa.Column("post_plant_won", sa.BigInteger(), nullable=False),
        sa.Column("retake_rounds", sa.BigInteger(), nullable=False),
        sa.Column("retakes_won", sa.BigInteger(), nullable=False),
        sa.Column("eco_rounds", sa.BigInteger(), nullable=False),
        sa.Column("eco_wins", sa.BigInteger(), nullable=False),
        sa.Column("flawless_rounds", sa.BigInteger(), nullable=False),
        sa.Column("clutches_attempted", sa.BigInteger(), nullable=False),
        sa.Column("clutches_won", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "team_id", "map_name", name=op.f("pk_rollup_team_map_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_team_map_day_team_id_day"), "rollup_team_map_day", ["team_id", "day"]
    )
    op.create_table(
        "rollup_team_agent_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Text(), nullable=False),
        sa.Column("agent", sa.Text(), nullable=False),
        sa.Column("picks", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "team_id", "agent", name=op.f("pk_rollup_team_agent_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_team_agent_day_team_id_day"), "rollup_team_agent_day", ["team_id", "day"]
    )
    op.create_table(
        "rollup_team_outcome_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("kills", sa.BigInteger(), nullable=False),
        sa.Column("deaths", sa.BigInteger(), nullable=False),
        sa.Column("assists", sa.BigInteger(), nullable=False),
        sa.Column("damage", sa.BigInteger(), nullable=False),
        sa.Column("first_kill_rounds", sa.BigInteger(), nullable=False),
        sa.Column("first_kill_rounds_won", sa.BigInteger(), nullable=False),
        sa.Column("pistols_played", sa.BigInteger(), nullable=False),
        sa.Column("pistols_won", sa.BigInteger(), nullable=False),
        sa.Column("plants", sa.BigInteger(), nullable=False),
        sa.Column("defuses", sa.BigInteger(), nullable=False),
        sa.Column("post_plant_rounds", sa.BigInteger(), nullable=False),
        sa.Column("post_plant_won", sa.BigInteger(), nullable=False),
        sa.Column("retake_rounds", sa.BigInteger(), nullable=False),
        sa.Column("retakes_won", sa.BigInteger(), nullable=False),
        sa.Column("eco_rounds", sa.BigInteger(), nullable=False),
        sa.Column("eco_wins", sa.BigInteger(), nullable=False),
        sa.Column("flawless_rounds", sa.BigInteger(), nullable=False),
        sa.Column("clutches_attempted", sa.BigInteger(), nullable=False),
        sa.Column("clutches_won", sa.BigInteger(), nullable=False),
        sa.Column("trade_kills", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "team_id", "outcome", name=op.f("pk_rollup_team_outcome_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_team_outcome_day_team_id_day"),
        "rollup_team_outcome_day",
        ["team_id", "day"],
    )
    op.create_table(
        "rollup_composition_map_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("composition", sa.Text(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("matches", sa.BigInteger(), nullable=False),
        sa.Column("wins", sa.BigInteger(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "composition", "map_name", name=op.f("pk_rollup_composition_map_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_composition_map_day_composition_day"),
        "rollup_composition_map_day",
        ["composition", "day"],
    )
    op.create_table(
        "rollup_composition_economy_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("game", sa.String(16), nullable=False),
        sa.Column("composition", sa.Text(), nullable=False),
        sa.Column("buy_type", sa.Text(), nullable=False),
        sa.Column("rounds_played", sa.BigInteger(), nullable=False),
        sa.Column("rounds_won", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "game", "composition", "buy_type", name=op.f("pk_rollup_composition_economy_day")
        ),
    )
    op.create_index(
        op.f("ix_rollup_composition_economy_day_composition_day"),
        "rollup_composition_economy_day",
        ["composition", "day"],
    )


def downgrade() -> None:
    op.drop_table("rollup_composition_economy_day")
    op.drop_table("rollup_composition_map_day")
    op.drop_table("rollup_team_outcome_day")
    op.drop_table("rollup_team_agent_day")
    op.drop_table("rollup_team_map_day")
    op.drop_table("rollup_team_day")
    op.drop_table("rollup_player_duel_day")
    op.drop_table("rollup_player_clutch_day")
    op.drop_table("rollup_player_economy_day")
    op.drop_table("rollup_player_side_day")
    op.drop_table("rollup_player_weapon_day")
    op.drop_table("rollup_player_agent_day")
    op.drop_table("rollup_player_map_day")
    op.drop_table("rollup_player_day")
