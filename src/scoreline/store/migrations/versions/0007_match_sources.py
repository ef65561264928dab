"""Matches from the data sources: links, snapshots, aliases, result and health logs.

Revision ID: 0007_match_sources
Revises: 0006_attempt_evidence
Create Date: 2026-12-03

``match_sources`` links each source's id of a match to the one row of ``matches``;
``match_live`` keeps how far a match went, its postponement and whose result is stored.
Odds, missing players, line-ups and standings are snapshots with ``fetched_at``. The
operator's team aliases, every change of a result, the sources' disagreements and each
source's health live in their own tables. ``matches`` itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_match_sources"
down_revision: str | None = "0006_attempt_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
TABLES = (
    "match_sources",
    "match_live",
    "odds_snapshots",
    "missing_player_snapshots",
    "lineup_snapshots",
    "standing_snapshots",
    "team_aliases",
    "result_changes",
    "source_disagreements",
    "source_states",
    "source_request_counts",
)


def upgrade() -> None:
    """Create the tables of the data sources."""
    _links()
    _odds()
    _team_news()
    _standings()
    _logs()
    _health()


def downgrade() -> None:
    """Drop them (every snapshot and log is lost; the matches stay)."""
    for name in reversed(TABLES):
        op.drop_table(name)


def _links() -> None:
    """The links of sources to matches, and what they add to a match."""
    op.create_table(
        "match_sources",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("raw_status", sa.Text(), nullable=True),
        sa.Column("kickoff_at", TS, nullable=False),
        sa.Column("home_goals", sa.Integer(), nullable=True),
        sa.Column("away_goals", sa.Integer(), nullable=True),
        sa.Column("home_team_id", sa.Text(), nullable=True),
        sa.Column("away_team_id", sa.Text(), nullable=True),
        sa.Column("seen_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_match_sources_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_sources")),
        sa.UniqueConstraint(
            "source", "external_id", name=op.f("uq_match_sources_source_external_id")
        ),
    )
    op.create_index(op.f("ix_match_sources_match_id"), "match_sources", ["match_id"])
    op.create_table(
        "match_live",
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("duration", sa.Text(), nullable=True),
        sa.Column("awarded", sa.Boolean(), nullable=False),
        sa.Column("postponed_at", TS, nullable=True),
        sa.Column("original_kickoff_at", TS, nullable=True),
        sa.Column("result_source", sa.Text(), nullable=True),
        sa.Column("missing_reported_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_match_live_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("match_id", name=op.f("pk_match_live")),
    )


def _odds() -> None:
    """1X2 odds, each with its ``fetched_at``."""
    op.create_table(
        "odds_snapshots",
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("bookmaker", sa.Text(), nullable=False),
        sa.Column("home", sa.Float(), nullable=False),
        sa.Column("draw", sa.Float(), nullable=False),
        sa.Column("away", sa.Float(), nullable=False),
        sa.Column("timing", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_odds_snapshots_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_odds_snapshots")),
    )
    op.create_index(
        op.f("ix_odds_snapshots_match_id_fetched_at"), "odds_snapshots", ["match_id", "fetched_at"]
    )


def _team_news() -> None:
    """Missing players and line-ups, each with its ``fetched_at``."""
    op.create_table(
        "missing_player_snapshots",
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("player", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_missing_player_snapshots_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_player_snapshots")),
    )
    op.create_index(
        op.f("ix_missing_player_snapshots_match_id_fetched_at"),
        "missing_player_snapshots",
        ["match_id", "fetched_at"],
    )
    op.create_table(
        "lineup_snapshots",
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("formation", sa.Text(), nullable=True),
        sa.Column("starters", sa.Text(), nullable=False),
        sa.Column("substitutes", sa.Text(), nullable=False),
        sa.Column("coach", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_lineup_snapshots_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineup_snapshots")),
    )
    op.create_index(
        op.f("ix_lineup_snapshots_match_id_fetched_at"),
        "lineup_snapshots",
        ["match_id", "fetched_at"],
    )


def _standings() -> None:
    """League tables, each row with its ``fetched_at``."""
    op.create_table(
        "standing_snapshots",
        sa.Column("competition", sa.Text(), nullable=False),
        sa.Column("season", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("played", sa.Integer(), nullable=False),
        sa.Column("won", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("lost", sa.Integer(), nullable=False),
        sa.Column("goals_for", sa.Integer(), nullable=False),
        sa.Column("goals_against", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("form", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_snapshots")),
    )
    op.create_index(
        op.f("ix_standing_snapshots_competition_season_fetched_at"),
        "standing_snapshots",
        ["competition", "season", "fetched_at"],
    )


def _logs() -> None:
    """The operator's aliases, result changes and the sources' disagreements."""
    op.create_table(
        "team_aliases",
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("alias", name=op.f("pk_team_aliases")),
    )
    op.create_table(
        "result_changes",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("old", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_result_changes_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_changes")),
    )
    op.create_index(op.f("ix_result_changes_match_id"), "result_changes", ["match_id"])
    op.create_table(
        "source_disagreements",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("match_id", sa.Text(), nullable=False),
        sa.Column("kept_source", sa.Text(), nullable=False),
        sa.Column("kept", sa.Text(), nullable=False),
        sa.Column("other_source", sa.Text(), nullable=False),
        sa.Column("other", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_source_disagreements_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_disagreements")),
    )
    op.create_index(op.f("ix_source_disagreements_match_id"), "source_disagreements", ["match_id"])


def _health() -> None:
    """Each source's health and its requests by outcome."""
    op.create_table(
        "source_states",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("last_success_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", TS, nullable=True),
        sa.Column("day", sa.Text(), nullable=True),
        sa.Column("requests_today", sa.Integer(), nullable=False),
        sa.Column("requests_total", sa.Integer(), nullable=False),
        sa.Column("quota_remaining", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_source_states")),
    )
    op.create_table(
        "source_request_counts",
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "outcome", name=op.f("pk_source_request_counts")),
    )
