"""Queries the predict job reads before calling models and recomputes after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoreline.store.tables import Match, Model, Prediction

__all__ = ["cooling_or_disabled", "finished_before", "prediction_results"]


def finished_before(session: Session, competition: str, kickoff_at: datetime) -> list[Match]:
    """Finished matches of the competition that kicked off strictly before ``kickoff_at``.

    Ordered by kick-off; what the predict job may show a model about a match.
    """
    query = (
        select(Match)
        .where(Match.competition == competition, Match.status == "finished")
        .where(Match.kickoff_at < kickoff_at)
        .where(Match.home_goals.is_not(None), Match.away_goals.is_not(None))
        .order_by(Match.kickoff_at, Match.home_team, Match.away_team)
    )
    return list(session.scalars(query))


def cooling_or_disabled(session: Session, *, now: datetime) -> tuple[set[str], set[str]]:
    """Ids of models whose primary is cooling down at ``now``, and of auto-disabled models."""
    rows = session.execute(select(Model.id, Model.cooldown_until, Model.auto_disabled)).all()
    cooling = {r.id for r in rows if r.cooldown_until is not None and r.cooldown_until > now}
    disabled = {r.id for r in rows if r.auto_disabled}
    return cooling, disabled


def prediction_results(session: Session, match_id: str) -> list[str]:
    """The tendency (``H``/``D``/``A``) of every prediction of the match."""
    query = select(Prediction.predicted_result).where(Prediction.match_id == match_id)
    return list(session.scalars(query))
