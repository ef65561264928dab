"""The configuration's sections beside the catalog: health, schedule, budget, alerts…

Each is a small strict model with its defaults; ``scoreline.config.Config`` holds one of each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ERROR_CLASSES",
    "AlertsConfig",
    "BudgetConfig",
    "CooldownConfig",
    "ErrorClass",
    "HealthConfig",
    "PromptConfig",
    "RetentionConfig",
    "ScheduleConfig",
    "ScoringConfig",
    "Strict",
]

ErrorClass = Literal[
    "timeout",
    "connection",
    "rate_limited",
    "server_error",
    "client_error",
    "auth",
    "invalid_body",
    "empty_content",
    "unparseable",
]
"""The classes of a failed call that ``fallback_on`` may list."""
ERROR_CLASSES: tuple[str, ...] = ErrorClass.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    """Unknown keys are errors (a typo is never silently ignored); values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CooldownConfig(Strict):
    """Skip a primary that keeps failing while its fallback serves."""

    threshold: int = Field(3, ge=1)
    """Consecutive primary failures that start a cooldown."""
    seconds: float = Field(600.0, ge=0)
    """How long calls go straight to the fallback before the primary is probed again."""


class HealthConfig(Strict):
    """Auto-disabling of models that keep failing for reasons of their own."""

    disable_after: int = Field(5, ge=1)
    recover_after_s: float = Field(3600.0, ge=0)
    """A model auto-disabled for its own failures is probed again after this long; each
    failed probe doubles the wait, up to ``recover_max_s``."""
    recover_max_s: float = Field(24 * 3600.0, ge=0)


class ScheduleConfig(Strict):
    """The worker's periodic reconcile step."""

    reconcile_every_s: int = Field(60, ge=1)
    near_kickoff_every_s: int = Field(5, ge=1)
    """Sweep this often instead while a match in the predict window still lacks predictions,
    so work lost with a killed worker is picked up again well before kick-off."""
    predict_window_min: int = Field(30, ge=1)
    job_lock_ttl_s: float = Field(30.0, gt=0)
    """How long a per-match job lease lives unless renewed: the running job renews it every
    third of this, so a killed worker's lease frees itself within seconds."""
    # Data sources (``scoreline.live``): the fetches the worker runs, and when.
    fixtures_every_s: int = Field(3 * 3600, ge=60)
    fixtures_near_days: int = Field(2, ge=1)
    fixtures_daily_days: int = Field(14, ge=1)
    standings_every_s: int = Field(24 * 3600, ge=60)
    odds_before_min: int = Field(120, ge=1)
    team_news_before_min: tuple[int, ...] = (360, 60)
    live_poll_every_s: int = Field(60, ge=5)
    result_missing_after_min: int = Field(360, ge=1)


class RetentionConfig(Strict):
    """How long evidence is kept: older reply texts are cleared, the rows and counts stay."""

    attempt_text_days: int = Field(365, ge=1)


class PromptConfig(Strict):
    """What the prompt may show: the market's odds only when asked for."""

    include_odds: bool = False


class BudgetConfig(Strict):
    """What paid models may cost; ``None``: no limit. Reference forecasters always run."""

    daily_usd: float | None = Field(None, ge=0)
    monthly_usd: float | None = Field(None, ge=0)


class AlertsConfig(Strict):
    """Where the operator is told, and when: a webhook (Slack/Discord JSON) and/or the log."""

    webhook_url_env: str | None = None
    """Environment variable holding the webhook URL (a secret: never logged)."""
    webhook_url: str | None = None
    """The URL itself, when it is not a secret; ``webhook_url_env`` wins."""
    log: bool = True
    """Also write each alert to the log."""
    min_coverage: float = Field(0.95, ge=0, le=1)
    source_down_after_s: float = Field(1800.0, ge=0)
    backlog_after_s: float = Field(300.0, ge=0)
    repeat_after_s: float = Field(3600.0, ge=0)
    """One message per cause per this long."""
    timeout_s: float = Field(5.0, gt=0, allow_inf_nan=False)


class ScoringConfig(Strict):
    """The Kicktipp rule in use."""

    draw_goal_difference: bool = True
    """True: a right draw tendency earns the goal-difference point (the reference system);
    false: Kicktipp's own rule (a draw with the wrong score earns the tendency only)."""
    demargin: Literal["multiplicative", "shin", "power"] = "multiplicative"
    """How ``ref-market`` removes the bookmaker's margin from the 1X2 odds (``shin`` and
    ``power`` need the ``reference`` extra)."""
