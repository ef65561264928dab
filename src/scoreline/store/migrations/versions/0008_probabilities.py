"""Outcome probabilities beside each predicted score.

Revision ID: 0008_probabilities
Revises: 0007_match_sources
Create Date: 2026-12-03

Each prediction keeps the forecaster's probabilities of a home win, a draw and an away win
(``NULL`` when it gave none, as every earlier prediction), why given probabilities were
dropped (``probability_note``: the score still counts), and, for forecasters with a full
score distribution (Dixon-Coles), that distribution as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_probabilities"
down_revision: str | None = "0007_match_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("p_home", sa.Float()),
    ("p_draw", sa.Float()),
    ("p_away", sa.Float()),
    ("probability_note", sa.Text()),
    ("score_matrix", sa.Text()),
)


def upgrade() -> None:
    """Add the probability columns (nullable: older predictions have none)."""
    for name, column_type in COLUMNS:
        op.add_column("predictions", sa.Column(name, column_type, nullable=True))


def downgrade() -> None:
    """Drop them (plain DROP COLUMN: a batch copy would break the foreign keys)."""
    for name, _ in reversed(COLUMNS):
        op.drop_column("predictions", name)
