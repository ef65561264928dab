"""Running unattended: model recovery, pins, costs, skips and alerts.

Revision ID: 0009_unattended
Revises: 0008_probabilities
Create Date: 2026-12-03

A model may be pinned disabled (never probed again), and an auto-disabled one carries when
it is next probed and the wait that doubles on each failed probe; every change of a
model's state is a row of ``model_events`` with its reason. Each attempt keeps its
reasoning tokens, its cost at the catalog's prices when it was made, and whether it was a
hedged call. ``prediction_skips`` records a model left out of a match's job and why
(``budget``, ``disabled``…); ``alerts_sent`` keeps when each cause last alerted, so
alerts are deduplicated across workers.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_unattended"
down_revision: str | None = "0008_probabilities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
MODEL_COLUMNS = (("recover_at", TS), ("recover_wait_s", sa.Float()))
ATTEMPT_COLUMNS = (
    ("reasoning_tokens", sa.Integer()),
    ("cost_usd", sa.Float()),
    ("hedged", sa.Boolean()),
)


def upgrade() -> None:
    """Add the columns and the three tables."""
    op.add_column(
        "models", sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    for name, column_type in MODEL_COLUMNS:
        op.add_column("models", sa.Column(name, column_type, nullable=True))
    for name, attempt_type in ATTEMPT_COLUMNS:
        op.add_column("prediction_attempts", sa.Column(name, attempt_type, nullable=True))
    _events()
    _skips()
    op.create_table(
        "alerts_sent",
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("last_sent_at", TS, nullable=False),
        sa.Column("sent", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("suppressed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("cause", name=op.f("pk_alerts_sent")),
    )


def _events() -> None:
    op.create_table(
        "model_events",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_events")),
    )
    op.create_index(op.f("ix_model_events_model_id_at"), "model_events", ["model_id", "at"])


def _skips() -> None:
    op.create_table(
        "prediction_skips",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("model_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_skips")),
        sa.UniqueConstraint(
            "match_id",
            "model_id",
            "reason",
            name=op.f("uq_prediction_skips_match_id_model_id_reason"),
        ),
    )


def downgrade() -> None:
    """Drop them again (events, skips and alert history are lost)."""
    op.drop_table("prediction_skips")
    op.drop_index(op.f("ix_model_events_model_id_at"), table_name="model_events")
    op.drop_table("model_events")
    op.drop_table("alerts_sent")
    with op.batch_alter_table("prediction_attempts") as batch:
        for name, _ in reversed(ATTEMPT_COLUMNS):
            batch.drop_column(name)
    for name, _ in reversed(MODEL_COLUMNS):
        op.drop_column("models", name)
    op.drop_column("models", "pinned")
