"""Predicting: prompts, reply parsing, the forecasters built from configuration, the job."""

from scoreline.predict.forecasters import (
    LOCAL_FORECASTERS,
    LLMForecaster,
    build_forecasters,
    context_of,
    register_forecaster,
)
from scoreline.predict.job import MODEL_SPECIFIC_ERRORS, PredictSummary, predict_match
from scoreline.predict.parse import (
    MAX_GOALS,
    ReplyParseError,
    Score,
    make_accept,
    parse_score,
    parse_scores,
)
from scoreline.predict.plan import PredictRefusedError
from scoreline.predict.prompt import (
    SYSTEM_PROMPT,
    FixtureInfo,
    MatchContext,
    PastResult,
    TeamStanding,
    build_context,
    render_prompt,
    sample_context,
)

__all__ = [
    "LOCAL_FORECASTERS",
    "MAX_GOALS",
    "MODEL_SPECIFIC_ERRORS",
    "SYSTEM_PROMPT",
    "FixtureInfo",
    "LLMForecaster",
    "MatchContext",
    "PastResult",
    "PredictRefusedError",
    "PredictSummary",
    "ReplyParseError",
    "Score",
    "TeamStanding",
    "build_context",
    "build_forecasters",
    "context_of",
    "make_accept",
    "parse_score",
    "parse_scores",
    "predict_match",
    "register_forecaster",
    "render_prompt",
    "sample_context",
]
