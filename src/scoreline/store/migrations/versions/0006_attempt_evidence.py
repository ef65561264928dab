"""Every reply on the record, and each model's output mode.

Revision ID: 0006_attempt_evidence
Revises: 0005_requested_at_uncounted
Create Date: 2026-12-03

Each attempt keeps the reply text as received (keys masked, at most 16 KiB), its parse
verdict and reason, the model the provider says answered, the request id, the finish reason,
the output mode sent and the prompt's version and SHA-256; the prompt texts live once per
hash in ``prompts``. A model keeps the output mode learned for it (``output_probed``), when,
and why. Existing attempts keep NULL in every new column: their replies were never kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_attempt_evidence"
down_revision: str | None = "0005_requested_at_uncounted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
ATTEMPT_COLUMNS = (
    "reply_text",
    "parse_verdict",
    "parse_reason",
    "served_model",
    "request_id",
    "finish_reason",
    "output_mode",
    "prompt_version",
    "prompt_sha256",
)
MODEL_COLUMNS = (("output_probed", sa.Text()), ("output_probed_at", TS), ("output_note", sa.Text()))


def upgrade() -> None:
    """Add the evidence columns, the models' output mode and the ``prompts`` table."""
    for name in ATTEMPT_COLUMNS:
        op.add_column("prediction_attempts", sa.Column(name, sa.Text(), nullable=True))
    op.create_index(
        op.f("ix_prediction_attempts_created_at"), "prediction_attempts", ["created_at"]
    )
    for name, column_type in MODEL_COLUMNS:
        op.add_column("models", sa.Column(name, column_type, nullable=True))
    op.create_table(
        "prompts",
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_prompts")),
    )


def downgrade() -> None:
    """Drop them again (the replies recorded since are lost)."""
    op.drop_table("prompts")
    # Plain ALTER TABLE DROP COLUMN (SQLite >= 3.35): a batch would copy and drop ``models``,
    # which the foreign keys of existing predictions forbid.
    for name, _ in reversed(MODEL_COLUMNS):
        op.drop_column("models", name)
    op.drop_index(op.f("ix_prediction_attempts_created_at"), table_name="prediction_attempts")
    with op.batch_alter_table("prediction_attempts") as batch:
        for name in reversed(ATTEMPT_COLUMNS):
            batch.drop_column(name)
