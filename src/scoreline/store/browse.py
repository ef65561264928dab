"""Browsing matches and competitions for the public site: pages of matches, the
predictions of a page, the competitions known, a competition's results.

Served by ``ix_matches_kickoff_at``, ``ix_matches_competition_season`` and the
``(match_id, model_id)`` unique index of ``predictions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select, union_all

from scoreline.store.db import Database
from scoreline.store.matches import StoredMatch, stored_match
from scoreline.store.tables import Match, Model, Prediction

__all__ = [
    "UPCOMING_STATUSES",
    "CompetitionInfo",
    "MatchFilters",
    "MatchPage",
    "PagePrediction",
    "TeamRecord",
    "browse_matches",
    "competition_table",
    "list_competitions",
    "predictions_of",
]

UPCOMING_STATUSES = ("scheduled", "live")
"""Statuses of matches still to be decided."""


@dataclass(frozen=True, slots=True)
class MatchFilters:
    """Which matches to list."""

    upcoming: bool
    """Scheduled or live matches, soonest first; otherwise finished ones, latest first."""
    competition: str | None = None
    """Only this competition code."""
    since: datetime | None = None
    """Kick-off at or after this moment (aware UTC)."""
    until: datetime | None = None
    """Kick-off at or before this moment (aware UTC)."""


@dataclass(frozen=True, slots=True)
class MatchPage:
    """One page of matches and how many match the filters in all."""

    total: int
    """Matches matching the filters."""
    matches: tuple[StoredMatch, ...]
    """The page, in the filters' order."""


@dataclass(frozen=True, slots=True)
class PagePrediction:
    """A prediction of a listed match, credited to the original model."""

    match_id: str
    model_id: str
    display_name: str
    predicted_home: int
    predicted_away: int
    predicted_result: str
    used_fallback: bool
    after_kickoff: bool
    points: int | None


@dataclass(frozen=True, slots=True)
class CompetitionInfo:
    """A competition the store has matches of."""

    code: str
    name: str | None
    seasons: tuple[str, ...]
    """Its seasons, newest first."""
    matches: int


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team's record in a competition's season."""

    team: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int


def _conditions(filters: MatchFilters) -> list[Any]:
    status = Match.status.in_(UPCOMING_STATUSES) if filters.upcoming else Match.status == "finished"
    conditions: list[Any] = [status]
    if filters.competition:
        conditions.append(Match.competition == filters.competition)
    if filters.since is not None:
        conditions.append(Match.kickoff_at >= filters.since)
    if filters.until is not None:
        conditions.append(Match.kickoff_at <= filters.until)
    return conditions


def browse_matches(
    db: Database, filters: MatchFilters, *, limit: int = 20, offset: int = 0
) -> MatchPage:
    """One page of matches and the total count.

    Args:
        db: The store.
        filters: Which matches, and so their order.
        limit: Page size.
        offset: Matches to skip.
    """
    conditions = _conditions(filters)
    kickoff = Match.kickoff_at.asc() if filters.upcoming else Match.kickoff_at.desc()
    query = select(Match).where(*conditions).order_by(kickoff, Match.id)
    counted = select(func.count()).select_from(Match).where(*conditions)
    with db.session() as session:
        total = int(session.execute(counted).scalar_one())
        rows = session.scalars(query.limit(limit).offset(offset)).all()
        return MatchPage(total, tuple(stored_match(m) for m in rows))


def predictions_of(db: Database, match_ids: Iterable[str]) -> list[PagePrediction]:
    """Every prediction of these matches, by match, best points first, then by model.

    Args:
        db: The store.
        match_ids: The matches (a page: tens, not thousands).
    """
    query = (
        select(
            Prediction.match_id,
            Prediction.model_id,
            Model.display_name,
            Prediction.predicted_home,
            Prediction.predicted_away,
            Prediction.predicted_result,
            Prediction.used_fallback,
            Prediction.after_kickoff,
            Prediction.points,
        )
        .join(Model, Model.id == Prediction.model_id)
        .where(Prediction.match_id.in_(list(match_ids)))
        .order_by(Prediction.match_id, Prediction.points.desc().nulls_last(), Prediction.model_id)
    )
    # Columns, not entities: a page of 20 matches is a thousand predictions, and building
    # an ORM object for each cost more than the query.
    with db.session() as session:
        return [PagePrediction(*row) for row in session.execute(query)]


def list_competitions(db: Database) -> list[CompetitionInfo]:
    """Every competition with its seasons and match count, by code.

    Args:
        db: The store.
    """
    query = (
        select(Match.competition, func.max(Match.competition_name), Match.season, func.count())
        .group_by(Match.competition, Match.season)
        .order_by(Match.competition, Match.season.desc())
    )
    found: dict[str, tuple[str | None, list[str], int]] = {}
    with db.session() as session:
        for code, name, season, count in session.execute(query):
            known, seasons, total = found.get(code, (None, [], 0))
            seasons.append(season)
            found[code] = (known or name, seasons, total + int(count))
    return [
        CompetitionInfo(code, name, tuple(seasons), total)
        for code, (name, seasons, total) in found.items()
    ]


def _sum_of(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def competition_table(db: Database, code: str, season: str) -> list[TeamRecord]:
    """Every team's record over the finished matches of a competition's season, by name.

    Aggregated in SQL (each match counted once from each side), so a season of any size
    comes back as one row per team.

    Args:
        db: The store.
        code: Competition code.
        season: Season.
    """
    finished = and_(
        Match.competition == code,
        Match.season == season,
        Match.status == "finished",
        Match.home_goals.is_not(None),
        Match.away_goals.is_not(None),
    )
    sides = union_all(
        select(Match.home_team.label("team"), Match.home_goals.label("gf"),
               Match.away_goals.label("ga")).where(finished),
        select(Match.away_team, Match.away_goals, Match.home_goals).where(finished),
    ).subquery()  # fmt: skip
    gf, ga = sides.c.gf, sides.c.ga
    query = (
        select(
            sides.c.team,
            func.count(),
            _sum_of(gf > ga),
            _sum_of(gf == ga),
            _sum_of(gf < ga),
            func.sum(gf),
            func.sum(ga),
        )
        .group_by(sides.c.team)
        .order_by(sides.c.team)
    )
    with db.session() as session:
        return [
            TeamRecord(str(row[0]), *(int(v) for v in row[1:])) for row in session.execute(query)
        ]
