"""Read-only listings for the dashboard, the API and the demo: matches and their predictions.

Each function is one read in its own transaction and returns frozen dataclasses, so the
pages render plain values and never hold a session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoreline.store.db import Database
from scoreline.store.matches import StoredMatch, stored_match
from scoreline.store.tables import Match, Model, Prediction

__all__ = [
    "ListedPrediction",
    "MatchListing",
    "RecentMatch",
    "count_predictions",
    "get_match_listing",
    "list_recent_matches",
]


@dataclass(frozen=True, slots=True)
class RecentMatch:
    """A match that has predictions, with how many."""

    match: StoredMatch
    """The match."""
    predictions: int
    """Its stored predictions."""


@dataclass(frozen=True, slots=True)
class ListedPrediction:
    """One model's prediction of a match, credited to the original model."""

    model_id: str
    """The original model."""
    display_name: str
    """Its name for people."""
    predicted_home: int
    """Predicted home goals."""
    predicted_away: int
    """Predicted away goals."""
    predicted_result: str
    """Predicted tendency: H, D or A."""
    status: str
    """One of ``PREDICTION_STATUSES``."""
    used_fallback: bool
    """Whether the fallback model answered."""
    answered_by: str | None
    """The model that actually answered."""
    after_kickoff: bool
    """Made after kick-off (kept off leaderboards by default)."""
    points: int | None
    """Points once scored."""
    created_at: datetime
    """When it was stored, aware UTC."""


@dataclass(frozen=True, slots=True)
class MatchListing:
    """A match and its predictions, read together."""

    match: StoredMatch
    """The match."""
    predictions: tuple[ListedPrediction, ...]
    """Every prediction of it, best points first (unscored last), then by model id."""


def list_recent_matches(db: Database, *, limit: int = 12) -> list[RecentMatch]:
    """The latest matches that have predictions, newest kick-off first.

    Args:
        db: The store.
        limit: How many matches at most.
    """
    # Walk the kick-off index down and keep the matches that have a prediction (a probe
    # of the (match_id, model_id) index each); count only those: grouping every
    # prediction first reads the whole table.
    predicted = select(Prediction.id).where(Prediction.match_id == Match.id).exists()
    counted = (
        select(func.count())
        .where(Prediction.match_id == Match.id)
        .correlate(Match)
        .scalar_subquery()
    )
    query = (
        select(Match, counted)
        .where(predicted)
        .order_by(Match.kickoff_at.desc(), Match.id)
        .limit(limit)
    )
    with db.session() as session:
        return [
            RecentMatch(stored_match(match), int(count)) for match, count in session.execute(query)
        ]


def get_match_listing(db: Database, match_id: str) -> MatchListing | None:
    """A match with every prediction of it, in one read; ``None`` for an unknown id.

    Args:
        db: The store.
        match_id: The match id.
    """
    with db.session() as session:
        match = session.get(Match, match_id)
        if match is None:
            return None
        return MatchListing(stored_match(match), _predictions(session, match_id))


def _predictions(session: Session, match_id: str) -> tuple[ListedPrediction, ...]:
    query = (
        select(Prediction, Model.display_name)
        .join(Model, Model.id == Prediction.model_id)
        .where(Prediction.match_id == match_id)
        .order_by(Prediction.points.desc().nulls_last(), Prediction.model_id)
    )
    return tuple(
        ListedPrediction(
            model_id=p.model_id,
            display_name=display_name,
            predicted_home=p.predicted_home,
            predicted_away=p.predicted_away,
            predicted_result=p.predicted_result,
            status=p.status,
            used_fallback=p.used_fallback,
            answered_by=p.answered_by,
            after_kickoff=p.after_kickoff,
            points=p.points,
            created_at=p.created_at,
        )
        for p, display_name in session.execute(query)
    )


def count_predictions(db: Database, match_ids: Iterable[str]) -> dict[str, int]:
    """How many predictions each of these matches has (matches without any are absent).

    Args:
        db: The store.
        match_ids: The matches to count.
    """
    query = (
        select(Prediction.match_id, func.count())
        .where(Prediction.match_id.in_(list(match_ids)))
        .group_by(Prediction.match_id)
    )
    with db.session() as session:
        return {match_id: int(n) for match_id, n in session.execute(query)}
