"""Response models of the public site's JSON (``/api/models``, ``/api/matches``,
``/api/competitions``, ``/api/compare``), published in the OpenAPI schema."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "BestModelOut",
    "BrowsedMatchOut",
    "ChainLinkOut",
    "CompareMatchOut",
    "CompareOut",
    "CompareSideOut",
    "CompetitionOut",
    "CompetitionRecordOut",
    "CompetitionSummaryOut",
    "ConsensusOut",
    "LatestPredictionOut",
    "MatchdayOut",
    "MatchesOut",
    "ModelPageOut",
    "ModelPointsOut",
    "ModelTotalsOut",
    "TableRowOut",
]


class ChainLinkOut(BaseModel):
    """One model of a provider/fallback chain."""

    model_id: str
    provider: str | None
    role: str = Field(description="primary or fallback")


class ModelTotalsOut(BaseModel):
    """A model's record, reliability and cost."""

    scored: int
    points: int
    avg_points: float | None
    predictions: int
    fallbacks: int = Field(description="Predictions served by the fallback.")
    fallback_rate_pct: float | None
    calls: int = Field(description="Provider calls made for the model, fallbacks included.")
    priced_calls: int = Field(description="Calls that reported tokens; the cost covers these.")
    cost_usd: float
    cost_per_prediction_usd: float | None


class MatchdayOut(BaseModel):
    """Points in one matchday (the ISO week of kick-off, UTC)."""

    matchday: str = Field(description="ISO week, e.g. 2025-W07.")
    first_day: str
    last_day: str
    scored: int
    points: int
    avg_points: float | None
    cumulative_avg: float | None = Field(description="Average over all matchdays so far.")


class CompetitionRecordOut(BaseModel):
    """A model's record in one competition and season."""

    competition: str
    competition_name: str | None
    season: str
    scored: int
    points: int
    tendency_hits: int
    exact_hits: int
    avg_points: float | None
    tendency_pct: float | None
    exact_pct: float | None


class LatestPredictionOut(BaseModel):
    """One of a model's latest predictions."""

    match_id: str
    competition: str
    kickoff_at: str
    home_team: str
    away_team: str
    match_status: str
    home_goals: int | None
    away_goals: int | None
    predicted_home: int
    predicted_away: int
    used_fallback: bool
    status: str
    points: int | None


class ModelPageOut(BaseModel):
    """A model's public page."""

    model_id: str
    display_name: str
    provider: str
    active: bool
    chain: list[ChainLinkOut]
    totals: ModelTotalsOut
    matchdays: list[MatchdayOut]
    competitions: list[CompetitionRecordOut]
    latest: list[LatestPredictionOut]
    metrics: dict[str, float | None] = Field(
        description="RPS, Brier and calibration: null until forecasts carry probabilities."
    )


class ShareOut(BaseModel):
    """A count and its share of the predictions."""

    count: int
    pct: float


class ScoreShareOut(ShareOut):
    """A predicted score, how many models predicted it and their share."""

    score: str


class ConsensusOut(BaseModel):
    """The models' predictions of an upcoming match as distributions."""

    count: int
    tendencies: dict[str, ShareOut] = Field(description="H, D and A.")
    scores: list[ScoreShareOut] = Field(description="The most predicted scores.")


class ModelPointsOut(BaseModel):
    """A model's prediction of a finished match and its points."""

    model_id: str
    display_name: str
    predicted: str
    points: int | None
    used_fallback: bool


class BrowsedMatchOut(BaseModel):
    """A match in the browser: consensus when upcoming, points per model when finished."""

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
    predictions: int
    countdown: str | None = None
    consensus: ConsensusOut | None = None
    points: list[ModelPointsOut] | None = None


class MatchesOut(BaseModel):
    """One page of matches."""

    view: str = Field(description="upcoming or finished")
    total: int
    limit: int
    offset: int
    matches: list[BrowsedMatchOut]


class TableRowOut(BaseModel):
    """A team's line in the table."""

    position: int
    team: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int


class BestModelOut(BaseModel):
    """A model's rank in one competition and season."""

    rank: int
    model_id: str
    display_name: str
    scored: int
    total_points: int
    avg_points: float
    tendency_pct: float
    exact_pct: float


class CompetitionOut(BaseModel):
    """A competition's hub for one season."""

    code: str
    name: str | None
    seasons: list[str]
    season: str
    table: list[TableRowOut]
    next: list[BrowsedMatchOut]
    last: list[BrowsedMatchOut]
    best_models: list[BestModelOut]


class CompetitionSummaryOut(BaseModel):
    """A competition the store knows."""

    code: str
    name: str | None
    seasons: list[str]
    matches: int


class CompareSideOut(BaseModel):
    """One side of a comparison, on the common matches."""

    model_id: str
    display_name: str
    total_points: int
    avg_points: float | None


class DifferenceOut(BaseModel):
    """Mean points difference (a − b) per common match and its bootstrap interval."""

    mean: float | None
    ci_low: float | None
    ci_high: float | None


class PickOut(BaseModel):
    """A model's predicted score and points."""

    predicted: str
    points: int


class CompareMatchOut(BaseModel):
    """A common match where the two models' points differed."""

    match_id: str
    kickoff_at: str
    competition: str
    home_team: str
    away_team: str
    result: str
    a: PickOut
    b: PickOut


class MethodOut(BaseModel):
    """How the interval was computed."""

    resamples: int
    seed: int
    confidence: float


class CompareOut(BaseModel):
    """Two models head to head on the matches both predicted."""

    a: CompareSideOut
    b: CompareSideOut
    common: int
    difference: DifferenceOut
    rps_difference: float | None = Field(description="Null until forecasts carry probabilities.")
    counts: dict[str, int] = Field(
        description="both_right, only_a, only_b, neither (by tendency); a_more, b_more, equal."
    )
    matches: list[CompareMatchOut]
    method: MethodOut
