"""Response models: the shape of every JSON answer, published in the OpenAPI schema."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from scoreline.config import Config
from scoreline.redaction import redact
from scoreline.web.auth import ADMIN_TOKEN_ENV

__all__ = [
    "EnabledOut",
    "ErrorItem",
    "ErrorOut",
    "FallbackStatOut",
    "FallbackStatsOut",
    "FallbackSummaryOut",
    "HealthOut",
    "LeaderboardFiltersOut",
    "LeaderboardOut",
    "LeaderboardRowOut",
    "MatchOut",
    "MatchPredictionOut",
    "ModelHealthOut",
    "OutcomeTriple",
    "QueueOut",
    "served_secrets",
    "with_status",
    "without_secrets",
]


class ErrorItem(BaseModel):
    """One problem with the request (a 422)."""

    loc: list[str | int] = Field(description="Where: e.g. ['query', 'since'].")
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error answer: a short code and a message for people."""

    error: str = Field(description="Machine-readable code, e.g. not_found, invalid_request.")
    message: str
    detail: list[ErrorItem] | None = None


class HealthOut(BaseModel):
    """Whether the database and the queue answer (HTTP 503 when the database does not)."""

    status: Literal["ok", "degraded", "error"]
    database: Literal["ok", "unreachable", "schema missing", "schema outdated"]
    schema_revision: str | None
    queue: Literal["ok", "unavailable", "unreachable"]
    queue_backend: str | None = None
    pending_jobs: int | None = None
    reason: str | None = None
    version: str


class LeaderboardRowOut(BaseModel):
    """One model's standing; percentages are 0-100; probability figures lower is better
    (RPS, Brier, log loss) or higher is better (skill vs the market)."""

    rank: int | None
    """None: provisional (fewer scored matches than ``min_matches``), listed unranked."""
    model_id: str
    display_name: str
    scored: int
    total_points: int
    avg_points: float
    ci_low: float | None = None
    ci_high: float | None = None
    tendency_pct: float | None = None
    exact_pct: float | None = None
    goal_diff_pct: float | None = None
    fallback_rate_pct: float | None = None
    provisional: bool = False
    n_probabilistic: int = 0
    n_common: int | None = None
    rps: float | None = None
    rps_ci: tuple[float, float] | None = None
    brier: float | None = None
    log_loss: float | None = None
    outcome_accuracy_pct: float | None = None
    skill_vs_market: float | None = None
    skill_ci: tuple[float, float] | None = None
    beats_market: float | None = None
    rank_ci: tuple[int, int] | None = None
    p_first: float | None = None
    scoring_rule: str = "kicktipp"


class LeaderboardFiltersOut(BaseModel):
    """The filters the leaderboard was computed with (UTC)."""

    competition: str | None
    season: str | None
    since: str | None
    until: str | None
    sort: str
    include_after_kickoff: bool
    min_matches: int = 0


class LeaderboardOut(BaseModel):
    """The ranking under the given filters."""

    filters: LeaderboardFiltersOut
    rows: list[LeaderboardRowOut]


class OutcomeTriple(BaseModel):
    """A value for each tendency (odds or quotas); ``None`` where unknown."""

    home: float | None
    draw: float | None
    away: float | None


class MatchPredictionOut(BaseModel):
    """A model's prediction, credited to the original model."""

    model_id: str
    display_name: str
    predicted_home: int
    predicted_away: int
    predicted_result: str
    status: str
    used_fallback: bool
    answered_by: str | None
    after_kickoff: bool
    points: int | None
    created_at: str


class MatchOut(BaseModel):
    """A match, its quotas and every model's prediction."""

    id: str
    competition: str
    competition_name: str | None
    season: str
    kickoff_at: str
    home_team: str
    away_team: str
    status: str
    home_goals: int | None
    away_goals: int | None
    odds: OutcomeTriple
    quotas: OutcomeTriple
    predictions: list[MatchPredictionOut]


class FallbackStatOut(BaseModel):
    """One model's fallback rate and cost over the window."""

    model_id: str
    fallback_to: str
    predictions: int
    fallbacks: int
    fallback_rate: float = Field(description="fallbacks / predictions, 0-1.")
    fallback_calls: int
    fallback_cost_usd: float
    original_cost_usd: float
    cost_multiplier: float | None
    exceeds_2x: bool
    estimated: bool
    primary_failures: dict[str, int]
    in_cooldown: bool
    cooldown_until: str | None


class FallbackSummaryOut(BaseModel):
    """Totals over every listed model."""

    models_with_fallback: int
    models_using_fallback: int
    predictions: int
    fallbacks: int
    models_over_2x: int
    models_in_cooldown: int
    fallback_cost_usd: float
    original_cost_usd: float


class FallbackStatsOut(BaseModel):
    """Fallback statistics for ``[since, until]`` (UTC, inclusive)."""

    since: str
    until: str
    stats: list[FallbackStatOut]
    summary: FallbackSummaryOut


class ModelHealthOut(BaseModel):
    """A model's health and cooldown state."""

    model_id: str
    display_name: str
    provider: str
    fallback_id: str | None
    active: bool
    auto_disabled: bool
    consecutive_failures: int
    last_error: str | None
    cooldown_until: str | None
    in_cooldown: bool
    last_success_at: str | None
    last_failure_at: str | None
    status: Literal["active", "auto_disabled", "inactive"] = Field(
        description="What the model's state comes to: `auto_disabled` (its own failures; an "
        "operator re-enables it), `inactive` (the configuration turns it off) or `active`."
    )
    disabled: bool = Field(description="Whether predict jobs skip the model (not `active`).")


def with_status(row: dict[str, Any], secrets: Iterable[str] = ()) -> dict[str, Any]:
    """A health row as served: ``status`` and ``disabled`` added, ``last_error`` redacted.

    ``active`` is the configuration's flag and stays true for an auto-disabled model, so
    an auto-disabled model read "active"; ``status`` says what a job will do with it.
    ``last_error`` is redacted at the llm edge before it is stored; it is redacted again
    here for rows stored before that.
    """
    if row.get("auto_disabled"):
        status = "auto_disabled"
    elif not row.get("active", True):
        status = "inactive"
    else:
        status = "active"
    error = row.get("last_error")
    served = {**row, "status": status, "disabled": status != "active"}
    if isinstance(error, str):
        served["last_error"] = redact(error, secrets)
    return served


def served_secrets(config: Config) -> tuple[str, ...]:
    """Values no response may show: every provider's key and the admin token."""
    keys = [provider.api_key() for provider in config.providers.values()]
    return tuple(key for key in (*keys, os.environ.get(ADMIN_TOKEN_ENV)) if key)


def without_secrets(job: dict[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """A failed job's record with its texts redacted (its error is a ``repr``)."""
    return {k: redact(v, secrets) if isinstance(v, str) else v for k, v in job.items()}


class EnabledOut(BaseModel):
    """The model after an operator re-enabled it."""

    enabled: bool
    model: ModelHealthOut


class QueueOut(BaseModel):
    """The job queue's pending, scheduled and failed jobs."""

    backend: str
    pending: int
    scheduled: int
    failed: list[dict[str, Any]]
