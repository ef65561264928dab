"""What changes whenever a public figure may change: the store's change mark.

New predictions raise the highest prediction id, scoring raises the latest ``scored_at``
(an index lookup each), a new or updated match changes the matches' latest ``updated_at``
or their count. A cache keyed by the mark is never stale for more than one request, and
reading it costs a few milliseconds at a million predictions. (A replay that re-scores an
old match at an earlier simulated time is not noticed: replays serve no site.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from scoreline.store.db import Database
from scoreline.store.tables import Match, Prediction

__all__ = ["change_mark"]


def change_mark(db: Database) -> tuple[Any, ...]:
    """A value that differs whenever predictions, scores or matches have changed."""
    # One aggregate a statement: SQLite answers a lone max() from an index, two by a scan.
    queries = (
        select(func.max(Prediction.id)),
        select(func.max(Prediction.scored_at)),
        select(func.max(Match.updated_at)),
        select(func.count()).select_from(Match),
    )
    with db.session() as session:
        return tuple(session.execute(query).scalar_one() for query in queries)
