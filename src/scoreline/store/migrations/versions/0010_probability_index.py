"""A covering index for the leaderboard's probability figures, and one on ``scored_at``.

Revision ID: 0010_probability_index
Revises: 0009_unattended
Create Date: 2026-12-03

RPS, Brier and log loss read each counted prediction's probabilities; this index serves
that read from the index alone, as ``ix_predictions_leaderboard`` serves the points.
``ix_predictions_scored_at`` makes the latest scoring time one index lookup: the public
site's cache reads it on every request to know whether what it holds is still current.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_probability_index"
down_revision: str | None = "0009_unattended"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["model_id", "status", "after_kickoff", "match_id", "p_home", "p_draw", "p_away"]


def upgrade() -> None:
    """Create the indexes."""
    op.create_index(op.f("ix_predictions_probabilities"), "predictions", COLUMNS)
    op.create_index(op.f("ix_predictions_scored_at"), "predictions", ["scored_at"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index(op.f("ix_predictions_scored_at"), table_name="predictions")
    op.drop_index(op.f("ix_predictions_probabilities"), table_name="predictions")
