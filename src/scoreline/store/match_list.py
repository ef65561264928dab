"""``scoreline matches``: what the store knows of each match, its sources and predictions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from scoreline.store.db import Database
from scoreline.store.source_tables import MatchSource
from scoreline.store.tables import Match, Prediction

__all__ = ["KnownMatch", "known_matches"]


@dataclass(frozen=True, slots=True)
class KnownMatch:
    """One row of ``scoreline matches --json``."""

    id: str
    competition: str
    season: str
    kickoff: datetime
    home: str
    away: str
    status: str
    home_goals: int | None
    away_goals: int | None
    predictions: int
    sources: tuple[str, ...]


def known_matches(
    db: Database,
    *,
    status: str | None = None,
    competition: str | None = None,
    kickoff_from: datetime | None = None,
    kickoff_to: datetime | None = None,
) -> list[KnownMatch]:
    """Matches by kick-off, filtered, each with its prediction count and sources."""
    counts = (
        select(Prediction.match_id, func.count().label("n"))
        .group_by(Prediction.match_id)
        .subquery()
    )
    query = (
        select(Match, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.match_id == Match.id)
        .order_by(Match.kickoff_at, Match.id)
    )
    if status is not None:
        query = query.where(Match.status == status)
    if competition is not None:
        query = query.where(Match.competition == competition)
    if kickoff_from is not None:
        query = query.where(Match.kickoff_at >= kickoff_from)
    if kickoff_to is not None:
        query = query.where(Match.kickoff_at <= kickoff_to)
    with db.session() as session:
        rows = session.execute(query).all()
        links: dict[str, list[str]] = {}
        for match_id, source in session.execute(
            select(MatchSource.match_id, MatchSource.source).order_by(MatchSource.source)
        ):
            links.setdefault(match_id, []).append(source)
        return [
            KnownMatch(
                m.id,
                m.competition,
                m.season,
                m.kickoff_at,
                m.home_team,
                m.away_team,
                m.status,
                m.home_goals,
                m.away_goals,
                int(n),
                tuple(links.get(m.id, ())),
            )
            for m, n in rows
        ]
