"""Per-model leaderboard summaries, and the change log that keeps them honest.

Revision ID: 0011_board_summaries
Revises: 0010_probability_index
Create Date: 2026-12-03

``board_summaries`` holds each model's scored predictions packed into one row, so the
leaderboard reads one row per model instead of scanning every prediction twice.
``board_changes`` logs the (model, match) of every write that involves a scored
prediction (triggers on ``predictions``, see ``store.board_tables``); a model with a
logged change is read from the predictions until the score job refreshes its summary.
The summaries of the models that already have scored predictions are built here (a
million predictions take a quarter of a minute or so).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from scoreline.store.board_tables import drop_triggers, install_triggers

revision: str = "0011_board_summaries"
down_revision: str | None = "0010_probability_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables and the triggers; log every scored model for a rebuild."""
    op.create_table(
        "board_changes",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("match_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_changes")),
    )
    op.create_index(op.f("ix_board_changes_model_id"), "board_changes", ["model_id"])
    op.create_table(
        "board_summaries",
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("match_ids", sa.Text(), nullable=False),
        sa.Column("points", sa.LargeBinary(), nullable=False),
        sa.Column("flags", sa.LargeBinary(), nullable=False),
        sa.Column("probabilities", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("model_id", name=op.f("pk_board_summaries")),
    )
    install_triggers(op.get_bind())
    op.execute(
        "INSERT INTO board_changes (model_id, match_id) "
        "SELECT DISTINCT model_id, NULL FROM predictions WHERE status = 'scored'"
    )
    # Built here rather than by the first score job, which would hold the write lock for it.
    from scoreline.store.board_summaries import refresh_summaries  # numpy: only when run

    with Session(bind=op.get_bind()) as session:
        refresh_summaries(session)


def downgrade() -> None:
    """Drop the triggers and the tables."""
    drop_triggers(op.get_bind())
    op.drop_table("board_summaries")
    op.drop_index(op.f("ix_board_changes_model_id"), table_name="board_changes")
    op.drop_table("board_changes")
