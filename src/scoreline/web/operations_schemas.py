"""Response models of the operator's view of running unattended (``/api/admin/overview``,
``/api/admin/coverage``): the shapes ``report.operations_overview`` and
``report.coverage_rows`` return."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = [
    "AlertOut",
    "BudgetOut",
    "CoverageMatchOut",
    "CoverageOut",
    "MatchdayCoverageOut",
    "MissedOut",
    "ModelEventOut",
    "ModelStateOut",
    "ModelsByStateOut",
    "OverviewOut",
    "PooledCoverageOut",
    "SourceOut",
    "WeekCoverageOut",
]


class BudgetOut(BaseModel):
    """Spend of the UTC day and month against ``[budget]`` (``None`` limits: none set)."""

    spent_today_usd: float
    spent_month_usd: float
    daily_usd: float | None
    monthly_usd: float | None
    unpriced_today: int
    unpriced_month: int
    open: bool
    reason: str | None
    reopens_at: str | None


class MissedOut(BaseModel):
    """A model expected at kick-off with no prediction stored before it."""

    model_id: str
    cause: str


class CoverageMatchOut(BaseModel):
    """One kicked-off match: models expected, covered, and why the others missed."""

    match_id: str
    competition: str
    kickoff_at: str
    home_team: str
    away_team: str
    expected: int
    covered: int
    ratio: float | None
    misses: dict[str, int]
    missed: list[MissedOut]


class PooledCoverageOut(BaseModel):
    """Pairs over several matches."""

    matches: int
    expected: int
    covered: int
    ratio: float | None
    misses: dict[str, int]


class MatchdayCoverageOut(PooledCoverageOut):
    """The UTC date of the last match that kicked off, pooled."""

    date: str


class WeekCoverageOut(PooledCoverageOut):
    """The last seven days, pooled."""

    since: str


class CoverageOut(BaseModel):
    """Coverage of the last match, the last matchday and the last seven days."""

    line: float
    last_match: CoverageMatchOut | None
    last_matchday: MatchdayCoverageOut | None
    week: WeekCoverageOut


class ModelStateOut(BaseModel):
    """One model's state."""

    model_id: str
    display_name: str
    provider: str
    state: str
    detail: str | None
    cooldown_until: str | None
    recover_at: str | None
    last_error: str | None


class ModelsByStateOut(BaseModel):
    """Counts by state and every model."""

    counts: dict[str, int]
    models: list[ModelStateOut]


class ModelEventOut(BaseModel):
    """A recorded change of a model's state."""

    model_id: str
    at: str
    event: str
    reason: str | None


class AlertOut(BaseModel):
    """A cause that alerted: when last, how often sent and suppressed."""

    cause: str
    last_sent_at: str
    sent: int
    suppressed: int
    last_message: str | None


class SourceOut(BaseModel):
    """A data source's health."""

    source: str
    ok: bool
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    requests_today: int
    quota_remaining: int | None


class OverviewOut(BaseModel):
    """Everything the operator checks on a deployment running unattended."""

    now: str
    budget: BudgetOut
    coverage: CoverageOut
    models: ModelsByStateOut
    events: list[ModelEventOut]
    alerts: list[AlertOut]
    sources: list[SourceOut]
