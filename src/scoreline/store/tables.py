"""Declarative tables: the schema Alembic owns (see ``migrations/versions``).

Every timestamp is a timezone-aware UTC ``datetime`` in Python, whatever the engine:
:class:`UTCDateTime` stores naive UTC text on SQLite (which has no time zones) and
``TIMESTAMP WITH TIME ZONE`` on PostgreSQL, and hands back aware UTC values on both.
Constraint names are spelled out so that both engines, and every migration, agree on them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "MATCH_STATUSES",
    "PREDICTION_STATUSES",
    "RESULTS",
    "Base",
    "Match",
    "Model",
    "Prediction",
    "PredictionAttempt",
    "StoredPrompt",
    "UTCDateTime",
    "utc_now",
]

MATCH_STATUSES = ("scheduled", "live", "finished", "postponed", "cancelled")
"""Values of ``matches.status``."""
PREDICTION_STATUSES = ("pending", "scored", "void")
"""Values of ``predictions.status``."""
RESULTS = ("H", "D", "A")
"""Values of ``predictions.predicted_result``: home win, draw, away win."""

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime (column default only)."""
    return datetime.now(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that round-trips as an aware UTC datetime on SQLite and PostgreSQL.

    Naive datetimes are refused on the way in: guessing their zone is how off-by-an-hour
    kick-offs happen.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC (naive UTC on SQLite).

        Raises:
            ValueError: ``value`` is naive.
        """
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return the stored value as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base holding the metadata that Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), str: Text(), float: Float()}  # noqa: RUF012


class Match(Base):
    """A football match: fixture, then result, then the quotas computed from predictions."""

    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint(_in("status", MATCH_STATUSES), name="status"),
        CheckConstraint("home_goals >= 0 AND away_goals >= 0", name="goals"),
        Index("ix_matches_kickoff_at", "kickoff_at"),
        Index("ix_matches_competition_season", "competition", "season"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    competition: Mapped[str]
    competition_name: Mapped[str | None]
    season: Mapped[str]
    kickoff_at: Mapped[datetime]
    home_team: Mapped[str]
    away_team: Mapped[str]
    status: Mapped[str] = mapped_column(server_default=text("'scheduled'"))
    home_goals: Mapped[int | None]
    away_goals: Mapped[int | None]
    odds_home: Mapped[float | None]
    odds_draw: Mapped[float | None]
    odds_away: Mapped[float | None]
    quota_home: Mapped[int | None]
    quota_draw: Mapped[int | None]
    quota_away: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)


class Model(Base):
    """One catalog model plus its health.

    A cooldown is not stored: it is derived from the attempt records when it is asked for
    (``store.models``).
    """

    __tablename__ = "models"

    id: Mapped[str] = mapped_column(primary_key=True)
    provider: Mapped[str]
    provider_model: Mapped[str]
    display_name: Mapped[str]
    tier: Mapped[str] = mapped_column(server_default=text("'standard'"))
    price_prompt_per_1m: Mapped[float] = mapped_column(server_default=text("0"))
    price_completion_per_1m: Mapped[float] = mapped_column(server_default=text("0"))
    fallback_id: Mapped[str | None]
    active: Mapped[bool]
    auto_disabled: Mapped[bool] = mapped_column(server_default=false())
    consecutive_failures: Mapped[int] = mapped_column(server_default=text("0"))
    last_error: Mapped[str | None]
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    health_reset_attempt_id: Mapped[int | None]
    """The last attempt id when an operator re-enabled the model: calls up to it no longer
    count toward auto-disable."""
    output_probed: Mapped[str | None]
    """The output mode learned for the model: found by ``models probe``, or lowered after
    the server refused a mode (``scoreline.llm.output``); configuration wins over it."""
    output_probed_at: Mapped[datetime | None]
    output_note: Mapped[str | None]
    """Why the mode is what it is (the probe's findings, or the refusal's status and body)."""
    pinned: Mapped[bool] = mapped_column(server_default=false())
    """Pinned disabled by an operator: never probed for recovery."""
    recover_at: Mapped[datetime | None]
    """When an auto-disabled model is next probed (``[health] recover_after_s``)."""
    recover_wait_s: Mapped[float | None]
    """The wait before that probe; doubled on each failed probe, capped."""


class Prediction(Base):
    """A model's predicted score for a match, stored under the ORIGINAL model id."""

    __tablename__ = "predictions"
    __table_args__ = (
        UniqueConstraint("match_id", "model_id", name="uq_predictions_match_id_model_id"),
        CheckConstraint(_in("predicted_result", RESULTS), name="predicted_result"),
        CheckConstraint(_in("status", PREDICTION_STATUSES), name="status"),
        CheckConstraint("predicted_home >= 0 AND predicted_away >= 0", name="goals"),
        Index("ix_predictions_model_id", "model_id"),
        Index("ix_predictions_status", "status"),
        Index(
            "ix_predictions_leaderboard",
            "model_id",
            "status",
            "after_kickoff",
            "match_id",
            "points",
            "points_tendency",
            "points_goal_diff",
            "points_exact",
            "used_fallback",
        ),
        Index(
            "ix_predictions_probabilities",
            "model_id",
            "status",
            "after_kickoff",
            "match_id",
            "p_home",
            "p_draw",
            "p_away",
        ),
        Index("ix_predictions_scored_at", "scored_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[str] = mapped_column(ForeignKey("matches.id"))
    model_id: Mapped[str] = mapped_column(ForeignKey("models.id"))
    predicted_home: Mapped[int]
    predicted_away: Mapped[int]
    predicted_result: Mapped[str]
    status: Mapped[str] = mapped_column(server_default=text("'pending'"))
    used_fallback: Mapped[bool] = mapped_column(server_default=false())
    answered_by: Mapped[str | None]
    after_kickoff: Mapped[bool] = mapped_column(server_default=false())
    points: Mapped[int | None]
    points_tendency: Mapped[int | None]
    points_goal_diff: Mapped[int | None]
    points_exact: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    """When the row was written."""
    scored_at: Mapped[datetime | None]
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)
    """When the job that made it started (its ``now``): the moment the model was asked."""
    p_home: Mapped[float | None]
    """Probability of a home win the forecaster gave (``None``: it gave none)."""
    p_draw: Mapped[float | None]
    p_away: Mapped[float | None]
    probability_note: Mapped[str | None]
    """Why the reply's probabilities were dropped (the score still counts)."""
    score_matrix: Mapped[str | None]
    """The full score distribution as JSON, for forecasters that have one."""


class PredictionAttempt(Base):
    """One provider call: the ground truth for fallback rates, reliability and cost.

    No foreign keys: an attempt log must never fail to record because of what it describes.
    """

    __tablename__ = "prediction_attempts"
    __table_args__ = (
        Index("ix_prediction_attempts_model_id_created_at", "model_id", "created_at"),
        Index("ix_prediction_attempts_match_id", "match_id"),
        Index("ix_prediction_attempts_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    match_id: Mapped[str | None]
    model_id: Mapped[str]
    called_model_id: Mapped[str]
    provider: Mapped[str]
    is_fallback: Mapped[bool]
    ok: Mapped[bool]
    error_class: Mapped[str | None]
    http_status: Mapped[int | None]
    latency_ms: Mapped[float]
    prompt_tokens: Mapped[int | None]
    completion_tokens: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    uncounted_reason: Mapped[str | None]
    """Why this failure does not count toward auto-disabling the model (``None``: it counts,
    if it is the model's own kind of failure)."""
    reply_text: Mapped[str | None]
    """The reply as received (or an HTTP error's body), keys masked, at most 16 KiB; cleared
    after ``[retention] attempt_text_days``."""
    parse_verdict: Mapped[str | None]
    """``ok``, or the stable kind of rejection; ``None`` when no reply reached the parser."""
    parse_reason: Mapped[str | None]
    """Why the reply was rejected, specifically."""
    served_model: Mapped[str | None]
    """The model the provider says answered."""
    request_id: Mapped[str | None]
    finish_reason: Mapped[str | None]
    output_mode: Mapped[str | None]
    """``json_schema``, ``json_object`` or ``text``: how the request asked for its reply."""
    prompt_version: Mapped[str | None]
    prompt_sha256: Mapped[str | None]
    """Key of the exact prompt text in ``prompts``."""
    reasoning_tokens: Mapped[int | None]
    """Tokens the model spent thinking, when the provider reports them (billed as output)."""
    cost_usd: Mapped[float | None]
    """What the call cost at the catalog's prices when it was made."""
    hedged: Mapped[bool | None]
    """A call made while another for the same prediction was still running."""


class StoredPrompt(Base):
    """A prompt text as sent, stored once per distinct SHA-256."""

    __tablename__ = "prompts"

    sha256: Mapped[str] = mapped_column(primary_key=True)
    version: Mapped[str]
    text: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class JobLock(Base):
    """A lease on a job (``predict-<match id>``): held until released or until it expires.

    Lives in the store rather than the queue so that it works the same on every queue
    backend, and expires by itself when a worker dies holding it.
    """

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(primary_key=True)
    owner: Mapped[str]
    expires_at: Mapped[datetime]


# The data sources' tables (migration 0007), the operations' (0009) and the leaderboard
# summaries' (0011) share the metadata.
from scoreline.store import board_tables as _board_tables  # noqa: E402, F401
from scoreline.store import operation_tables as _operation_tables  # noqa: E402, F401
from scoreline.store import source_tables as _source_tables  # noqa: E402, F401
