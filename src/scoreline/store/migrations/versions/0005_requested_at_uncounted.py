"""When a prediction was asked for, and failures not counted against a model.

Revision ID: 0005_requested_at_uncounted
Revises: 0004_model_health_reset
Create Date: 2026-12-03

``predictions.created_at`` becomes what it says, the moment the row was written; the job's
start moves to ``predictions.requested_at`` (existing rows: their ``created_at``, which was
the job's start). ``prediction_attempts.uncounted_reason`` says why a failed call does not
count toward auto-disabling its model (the match was at fault, not the model).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_requested_at_uncounted"
down_revision: str | None = "0004_model_health_reset"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add ``predictions.requested_at`` (filled from ``created_at``) and the attempts' reason."""
    op.add_column("predictions", sa.Column("requested_at", TS, nullable=True))
    op.execute("UPDATE predictions SET requested_at = created_at")
    with op.batch_alter_table("predictions") as batch:
        batch.alter_column("requested_at", existing_type=TS, nullable=False)
    op.add_column("prediction_attempts", sa.Column("uncounted_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop both columns (``created_at`` keeps the write time)."""
    with op.batch_alter_table("prediction_attempts") as batch:
        batch.drop_column("uncounted_reason")
    with op.batch_alter_table("predictions") as batch:
        batch.drop_column("requested_at")
