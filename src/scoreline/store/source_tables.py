"""Tables of the data sources (migration 0007): links, snapshots, aliases and logs.

They share ``Base.metadata`` with ``tables``. A match stays one row of ``matches`` however
many sources report it; each source's id of it is a row of ``match_sources``. What a
source said before kick-off (odds, missing players, line-ups, standings) is kept as
snapshots with ``fetched_at``, so a prompt can use only what was known when its job started.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from scoreline.store.tables import Base, utc_now

__all__ = [
    "LineupSnapshot",
    "MatchLive",
    "MatchSource",
    "MissingPlayerSnapshot",
    "OddsSnapshotRow",
    "ResultChange",
    "SourceDisagreement",
    "SourceRequestCount",
    "SourceState",
    "StandingSnapshot",
    "TeamAlias",
]


class MatchSource(Base):
    """One source's id of a match: ``(source, external_id)`` names one match only."""

    __tablename__ = "match_sources"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_match_sources_source_external_id"),
        Index("ix_match_sources_match_id", "match_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    source: Mapped[str]
    """The configured name (``[sources.NAME]``)."""
    external_id: Mapped[str]
    status: Mapped[str]
    """Ours (``scheduled`` … ``awarded``), as this source last reported it."""
    raw_status: Mapped[str | None]
    kickoff_at: Mapped[datetime]
    home_goals: Mapped[int | None]
    away_goals: Mapped[int | None]
    home_team_id: Mapped[str | None]
    away_team_id: Mapped[str | None]
    seen_at: Mapped[datetime] = mapped_column(default=utc_now)


class MatchLive(Base):
    """What the sources add to a match: how far it went, postponement, result's origin."""

    __tablename__ = "match_live"

    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"), primary_key=True)
    duration: Mapped[str | None]
    """``regular``, ``extra_time`` or ``penalties`` (the goals are regular time)."""
    awarded: Mapped[bool] = mapped_column(default=False)
    postponed_at: Mapped[datetime | None]
    """When a postponement was first seen: predictions asked before it are flagged."""
    original_kickoff_at: Mapped[datetime | None]
    result_source: Mapped[str | None]
    missing_reported_at: Mapped[datetime | None]
    """When the match was reported as lacking its result (once)."""


class _Snapshot:
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str]
    fetched_at: Mapped[datetime]


class OddsSnapshotRow(_Snapshot, Base):
    """1X2 odds of one bookmaker at one moment."""

    __tablename__ = "odds_snapshots"
    __table_args__ = (Index("ix_odds_snapshots_match_id_fetched_at", "match_id", "fetched_at"),)

    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    bookmaker: Mapped[str]
    home: Mapped[float]
    draw: Mapped[float]
    away: Mapped[float]
    timing: Mapped[str]
    """``pre-match`` or ``closing`` (published after kick-off: never for a prompt)."""


class MissingPlayerSnapshot(_Snapshot, Base):
    """A player reported missing (injured, suspended, doubtful) for a match."""

    __tablename__ = "missing_player_snapshots"
    __table_args__ = (
        Index("ix_missing_player_snapshots_match_id_fetched_at", "match_id", "fetched_at"),
    )

    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    team: Mapped[str]
    player: Mapped[str]
    reason: Mapped[str]
    kind: Mapped[str]


class LineupSnapshot(_Snapshot, Base):
    """A side's confirmed line-up (players one per line)."""

    __tablename__ = "lineup_snapshots"
    __table_args__ = (Index("ix_lineup_snapshots_match_id_fetched_at", "match_id", "fetched_at"),)

    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    team: Mapped[str]
    formation: Mapped[str | None]
    starters: Mapped[str]
    substitutes: Mapped[str]
    coach: Mapped[str | None]


class StandingSnapshot(_Snapshot, Base):
    """One row of a league table (whole, home or away games) at one moment."""

    __tablename__ = "standing_snapshots"
    __table_args__ = (
        Index(
            "ix_standing_snapshots_competition_season_fetched_at",
            "competition",
            "season",
            "fetched_at",
        ),
    )

    competition: Mapped[str]
    season: Mapped[str]
    scope: Mapped[str]
    position: Mapped[int]
    team: Mapped[str]
    played: Mapped[int]
    won: Mapped[int]
    drawn: Mapped[int]
    lost: Mapped[int]
    goals_for: Mapped[int]
    goals_against: Mapped[int]
    points: Mapped[int]
    form: Mapped[str | None]


class TeamAlias(Base):
    """The operator's spelling of a team (``scoreline teams alias``)."""

    __tablename__ = "team_aliases"

    alias: Mapped[str] = mapped_column(primary_key=True)
    team: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ResultChange(Base):
    """A change of a stored result or status made by a source (corrections included)."""

    __tablename__ = "result_changes"
    __table_args__ = (Index("ix_result_changes_match_id", "match_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    old: Mapped[str]
    """``status home-away`` before (``finished 3-1``)."""
    new: Mapped[str]
    source: Mapped[str]
    at: Mapped[datetime]


class SourceDisagreement(Base):
    """Two sources reporting different results: which was kept and which was not."""

    __tablename__ = "source_disagreements"
    __table_args__ = (Index("ix_source_disagreements_match_id", "match_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    kept_source: Mapped[str]
    kept: Mapped[str]
    other_source: Mapped[str]
    other: Mapped[str]
    at: Mapped[datetime]


class SourceState(Base):
    """A source's health as the last passes left it (``scoreline sources``, ``/admin``)."""

    __tablename__ = "source_states"

    source: Mapped[str] = mapped_column(primary_key=True)
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    last_error_at: Mapped[datetime | None]
    day: Mapped[str | None]
    """The UTC day ``requests_today`` counts (``2025-12-06``)."""
    requests_today: Mapped[int] = mapped_column(default=0)
    requests_total: Mapped[int] = mapped_column(default=0)
    quota_remaining: Mapped[int | None]


class SourceRequestCount(Base):
    """Requests of a source by how they ended (``ok``, ``not_modified``, an error class)."""

    __tablename__ = "source_request_counts"

    source: Mapped[str] = mapped_column(primary_key=True)
    outcome: Mapped[str] = mapped_column(primary_key=True)
    count: Mapped[int]
