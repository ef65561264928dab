"""Leaderboard index: one covering index that the per-model GROUP BY scans in order.

Revision ID: 0003_leaderboard_indexes
Revises: 0002_job_locks
Create Date: 2026-11-26

The leaderboard counts scored predictions per model. Through ``ix_predictions_model_id``
every row costs a random table read (seconds for a million predictions on SQLite); with
every column the query reads in one index, model by model, it is a sequential index scan
and the ``GROUP BY`` needs no sort. ``match_id`` comes right after the filter columns, so
each model's predictions arrive in match order: models that predicted the same matches
send identical match lists, which the bootstrap parses once.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_leaderboard_indexes"
down_revision: str | None = "0002_job_locks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEADERBOARD_COLUMNS = [
    "model_id",
    "status",
    "after_kickoff",
    "match_id",
    "points",
    "points_tendency",
    "points_goal_diff",
    "points_exact",
    "used_fallback",
]


def upgrade() -> None:
    """Create ``ix_predictions_leaderboard``."""
    op.create_index(op.f("ix_predictions_leaderboard"), "predictions", LEADERBOARD_COLUMNS)


def downgrade() -> None:
    """Drop ``ix_predictions_leaderboard``."""
    op.drop_index(op.f("ix_predictions_leaderboard"), table_name="predictions")
