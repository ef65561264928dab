"""Predicting: prompts, reply parsing and the predict job."""

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
    "MAX_GOALS",
    "MODEL_SPECIFIC_ERRORS",
    "SYSTEM_PROMPT",
    "FixtureInfo",
    "MatchContext",
    "PastResult",
    "PredictRefusedError",
    "PredictSummary",
    "ReplyParseError",
    "Score",
    "TeamStanding",
    "build_context",
    "make_accept",
    "parse_score",
    "parse_scores",
    "predict_match",
    "render_prompt",
    "sample_context",
]
