"""Every match's competition, season and kick-off day, and one model's counted points as lists.

A model page folds the model's points into days and competitions. A ``GROUP BY`` day per
model makes SQLite sort the model's rows (a third of a page's time at a million
predictions); instead the page reads the model's counted points as one row of lists from
the covering ``ix_predictions_leaderboard`` and looks each match up in the calendar, which
is the same for every model and kept by the caller until the store changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select

from scoreline.store.db import Database
from scoreline.store.scores import COMMA
from scoreline.store.tables import Match, Prediction

__all__ = ["CountedPoints", "MatchCalendar", "counted_points", "kickoff_day", "match_calendar"]


@dataclass(frozen=True, slots=True)
class MatchCalendar:
    """Every match, in the order of ``match_ids``, with what a model page groups by."""

    match_ids: tuple[str, ...]
    competitions: tuple[str, ...]
    names: tuple[str | None, ...]
    """Competition names (None where the data gives none)."""
    seasons: tuple[str, ...]
    days: tuple[str, ...]
    """The UTC kick-off day, ``YYYY-MM-DD``."""


@dataclass(frozen=True, slots=True)
class CountedPoints:
    """A model's counted predictions (scored, made before kick-off) as aligned lists.

    ``codes`` holds ``4 * points + 2 * tendency_hit + exact_hit`` per prediction (NULL
    points count 0): one list instead of three is a third of the transfer.
    """

    match_ids: list[str]
    codes: str | list[int]
    """Comma-separated on SQLite (the caller parses it at once), a list on PostgreSQL."""


def kickoff_day(dialect: str) -> Any:
    """The UTC kick-off day as SQL (PostgreSQL's ``date()`` follows the session's zone)."""
    if dialect == "postgresql":
        return func.date(func.timezone("UTC", Match.kickoff_at))
    return func.date(Match.kickoff_at)


def match_calendar(db: Database) -> MatchCalendar:
    """Every match's id, competition, its name, season and UTC kick-off day."""
    with db.session() as session:
        day = kickoff_day(session.get_bind().dialect.name)
        query = select(Match.id, Match.competition, Match.competition_name, Match.season, day)
        rows = session.execute(query).all()
    if not rows:
        return MatchCalendar((), (), (), (), ())
    ids, codes, names, seasons, days = zip(*rows, strict=True)
    return MatchCalendar(ids, codes, names, seasons, tuple(str(d) for d in days))


def _code() -> Any:
    def hit(column: Any) -> Any:
        return case((column > 0, 1), else_=0)

    points = func.coalesce(Prediction.points, 0)
    return points * 4 + hit(Prediction.points_tendency) * 2 + hit(Prediction.points_exact)


def counted_points(db: Database, model_id: str) -> CountedPoints:
    """A model's counted match ids and coded points, read as one row of two lists."""
    counted = and_(
        Prediction.model_id == model_id,
        Prediction.status == "scored",
        Prediction.after_kickoff.is_(False),
    )
    with db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            columns: list[Any] = [func.array_agg(Prediction.match_id), func.array_agg(_code())]
        else:
            columns = [
                func.group_concat(Prediction.match_id, COMMA),
                func.group_concat(_code(), COMMA),
            ]
        # Both aggregates of one group see its rows in the same order, so the lists align.
        ids, codes = session.execute(select(*columns).where(counted)).one()
    if isinstance(ids, str):
        return CountedPoints(ids.split(","), codes)
    return CountedPoints(list(ids or []), [int(c) for c in codes or []])
