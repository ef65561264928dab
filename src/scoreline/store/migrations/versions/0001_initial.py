"""Initial schema: matches, models, predictions, prediction_attempts.

Revision ID: 0001_initial
Revises:
Create Date: 2026-05-10

Constraint and index names are wrapped in ``op.f()``: they are final, and the
naming convention of ``Base.metadata`` must not be applied to them a second time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _create_matches() -> None:
    op.create_table(
        "matches",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("competition", sa.Text(), nullable=False),
        sa.Column("competition_name", sa.Text(), nullable=True),
        sa.Column("season", sa.Text(), nullable=False),
        sa.Column("kickoff_at", TS, nullable=False),
        sa.Column("home_team", sa.Text(), nullable=False),
        sa.Column("away_team", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'scheduled'"), nullable=False),
        sa.Column("home_goals", sa.Integer(), nullable=True),
        sa.Column("away_goals", sa.Integer(), nullable=True),
        sa.Column("odds_home", sa.Float(), nullable=True),
        sa.Column("odds_draw", sa.Float(), nullable=True),
        sa.Column("odds_away", sa.Float(), nullable=True),
        sa.Column("quota_home", sa.Integer(), nullable=True),
        sa.Column("quota_draw", sa.Integer(), nullable=True),
        sa.Column("quota_away", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'live', 'finished', 'postponed', 'cancelled')",
            name=op.f("ck_matches_status"),
        ),
        sa.CheckConstraint("home_goals >= 0 AND away_goals >= 0", name=op.f("ck_matches_goals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
    )
    op.create_index(op.f("ix_matches_kickoff_at"), "matches", ["kickoff_at"])
    op.create_index(op.f("ix_matches_competition_season"), "matches", ["competition", "season"])


def _create_models() -> None:
    op.create_table(
        "models",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("provider_model", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("tier", sa.Text(), server_default=sa.text("'standard'"), nullable=False),
        sa.Column("price_prompt_per_1m", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "price_completion_per_1m", sa.Float(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("fallback_id", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("auto_disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "consecutive_failures", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_success_at", TS, nullable=True),
        sa.Column("last_failure_at", TS, nullable=True),
        sa.Column(
            "primary_failure_streak", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("cooldown_until", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
    )


def _create_predictions() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("predicted_home", sa.Integer(), nullable=False),
        sa.Column("predicted_away", sa.Integer(), nullable=False),
        sa.Column("predicted_result", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("used_fallback", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("after_kickoff", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("points_tendency", sa.Integer(), nullable=True),
        sa.Column("points_goal_diff", sa.Integer(), nullable=True),
        sa.Column("points_exact", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("scored_at", TS, nullable=True),
        sa.CheckConstraint(
            "predicted_result IN ('H', 'D', 'A')", name=op.f("ck_predictions_predicted_result")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'scored', 'void')", name=op.f("ck_predictions_status")
        ),
        sa.CheckConstraint(
            "predicted_home >= 0 AND predicted_away >= 0", name=op.f("ck_predictions_goals")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_predictions_match_id_matches")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name=op.f("fk_predictions_model_id_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_predictions")),
        sa.UniqueConstraint("match_id", "model_id", name=op.f("uq_predictions_match_id_model_id")),
    )
    op.create_index(op.f("ix_predictions_model_id"), "predictions", ["model_id"])
    op.create_index(op.f("ix_predictions_status"), "predictions", ["status"])


def _create_prediction_attempts() -> None:
    op.create_table(
        "prediction_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("match_id", sa.Text(), nullable=True),
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("called_model_id", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("is_fallback", sa.Boolean(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error_class", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_attempts")),
    )
    op.create_index(
        op.f("ix_prediction_attempts_model_id_created_at"),
        "prediction_attempts",
        ["model_id", "created_at"],
    )
    op.create_index(op.f("ix_prediction_attempts_match_id"), "prediction_attempts", ["match_id"])


def upgrade() -> None:
    """Create the four tables, their constraints and indexes."""
    _create_matches()
    _create_models()
    _create_predictions()
    _create_prediction_attempts()


def downgrade() -> None:
    """Drop everything the upgrade created (children first)."""
    for table in ("prediction_attempts", "predictions", "models", "matches"):
        op.drop_table(table)
