"""Model health from the attempt records: remember where an operator re-enabled a model.

Revision ID: 0004_model_health_reset
Revises: 0003_leaderboard_indexes
Create Date: 2026-12-03

Auto-disable counts a model's own failures in a row over its recorded calls. An operator
re-enabling the model restarts that count; ``health_reset_attempt_id`` holds the last attempt
id at that moment, and only later calls count. The cooldown is derived from the same records,
so the counters ``primary_failure_streak`` and ``cooldown_until`` go.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_model_health_reset"
down_revision: str | None = "0003_leaderboard_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``models.health_reset_attempt_id``; drop the stored cooldown counters."""
    with op.batch_alter_table("models") as batch:
        batch.drop_column("primary_failure_streak")
        batch.drop_column("cooldown_until")
    op.add_column("models", sa.Column("health_reset_attempt_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Restore the counters (empty: no cooldown running) and drop the reset marker."""
    with op.batch_alter_table("models") as batch:
        batch.add_column(
            sa.Column(
                "primary_failure_streak", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch.add_column(sa.Column("cooldown_until", sa.DateTime(timezone=True), nullable=True))
        batch.drop_column("health_reset_attempt_id")
