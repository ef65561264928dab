"""Predicting: prompts, reply parsing and the predict job."""

from scoreline.predict.job import MODEL_SPECIFIC_ERRORS, PredictSummary, predict_match
from scoreline.predict.plan import PredictRefusedError
from scoreline.predict.parse import (
    MAX_GOALS,
    ReplyParseError,
    Score,
    make_accept,
    parse_score,
    parse_scores,
)
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
    "MODEL_SPECIFIC_ERRORS",
    "PredictRefusedError",
    "PredictSummary",
    "predict_match",
    "MAX_GOALS",
    "SYSTEM_PROMPT",
    "FixtureInfo",
    "MatchContext",
    "PastResult",
    "ReplyParseError",
    "Score",
    "TeamStanding",
    "build_context",
    "make_accept",
    "parse_score",
    "parse_scores",
    "render_prompt",
    "sample_context",
]
