"""Settling many matches in one transaction: the score job's reads and writes, batched.

``settle_match`` reads one match and its predictions and writes what the rule decided, in a
transaction per match. A backtest reveals a week of results at once and scored them that
way, 380 transactions a season with a handful of statements each. ``settle_matches`` does
the same for a batch: one read of the matches, one of all their predictions, then one
executemany per kind of write (quotas, points), in one transaction. The rule sees exactly
what ``settle_match`` would show it, match by match, in the order given; the leaderboard's
summaries are refreshed once, at the end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from scoreline.store.db import Database, chunks
from scoreline.store.errors import UnknownMatchError
from scoreline.store.matches import StoredMatch
from scoreline.store.points import (
    PointsRow,
    Settled,
    SettleRule,
    refresh_board_summaries,
    unscore_predictions,
    void_predictions,
)
from scoreline.store.predictions import SCORE_INPUT_COLUMNS, PredictionToScore, to_score
from scoreline.store.tables import Match, Prediction

__all__ = ["SettleRequest", "settle_matches"]

_MATCHES = cast(Table, Match.__table__)
_PREDICTIONS = cast(Table, Prediction.__table__)
_MATCH_COLUMNS = tuple(Match.__table__.c[f.name] for f in fields(StoredMatch))
_PREDICTION_COLUMNS = (Prediction.match_id, *SCORE_INPUT_COLUMNS)


@dataclass(frozen=True, slots=True)
class SettleRequest:
    """One match to settle and the moment it is settled at (its ``scored_at``)."""

    match_id: str
    """The match."""
    now: datetime
    """Aware UTC; stored as ``scored_at`` and on voided predictions."""


def _read(
    session: Session, ids: Sequence[str]
) -> tuple[dict[str, StoredMatch], dict[str, list[PredictionToScore]]]:
    """The matches and all of their predictions (by id, void ones included)."""
    matches: dict[str, StoredMatch] = {}
    predictions: dict[str, list[PredictionToScore]] = defaultdict(list)
    for chunk in chunks(ids):
        query = select(*_MATCH_COLUMNS).where(Match.id.in_(chunk))
        matches.update((row.id, StoredMatch(*row)) for row in session.execute(query))
        query = (
            select(*_PREDICTION_COLUMNS)
            .where(Prediction.match_id.in_(chunk))
            .order_by(Prediction.match_id, Prediction.id)
        )
        for row in session.execute(query):
            predictions[row.match_id].append(to_score(row))
    return matches, predictions


def _write_quotas(session: Session, quotas: list[dict[str, Any]]) -> None:
    """One executemany ``UPDATE matches SET quota_* ... WHERE id = ?``."""
    if quotas:
        table = _MATCHES
        statement = (
            update(table)
            .where(table.c.id == bindparam("match_id"))
            .values(
                quota_home=bindparam("home"),
                quota_draw=bindparam("draw"),
                quota_away=bindparam("away"),
            )
        )
        session.execute(statement, quotas)


def _write_points(session: Session, points: list[dict[str, Any]]) -> None:
    """One executemany ``UPDATE predictions SET ... WHERE id = ?``."""
    if points:
        table = _PREDICTIONS
        statement = (
            update(table)
            .where(table.c.id == bindparam("prediction_id"))
            .values(
                status="scored",
                points=bindparam("total"),
                points_tendency=bindparam("tendency"),
                points_goal_diff=bindparam("goal_diff"),
                points_exact=bindparam("exact"),
                scored_at=bindparam("now"),
            )
        )
        session.execute(statement, points)


def _points_values(rows: Sequence[PointsRow], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "prediction_id": r.prediction_id,
            "total": r.points,
            "tendency": r.tendency,
            "goal_diff": r.goal_diff,
            "exact": r.exact,
            "now": now,
        }
        for r in rows
    ]


def settle_matches(
    db: Database, requests: Sequence[SettleRequest], rule: SettleRule
) -> list[Settled]:
    """``settle_match`` for many matches, in one transaction; one result per request, in order.

    Args:
        db: The store.
        requests: Distinct matches, each with its settling moment.
        rule: Decides quotas, points, voiding or unscoring from a match and its predictions.

    Raises:
        UnknownMatchError: A match is not stored (nothing is written).
        ValueError: A match is asked twice.
    """
    ids = [r.match_id for r in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("settle_matches: a match is asked more than once")
    if not requests:
        return []
    settled: list[Settled] = []
    with db.session() as session:
        matches, predictions = _read(session, ids)
        quotas: list[dict[str, Any]] = []
        points: list[dict[str, Any]] = []
        for request in requests:
            match = matches.get(request.match_id)
            if match is None:
                raise UnknownMatchError(request.match_id)
            decided = rule(match, predictions.get(request.match_id, []))
            if decided.quotas is not None:
                home, draw, away = decided.quotas
                quotas.append({"match_id": match.id, "home": home, "draw": draw, "away": away})
            voided = void_predictions(session, match.id, request.now) if decided.void else 0
            unscored = unscore_predictions(session, match.id) if decided.unscore else 0
            points += _points_values(decided.points, request.now)
            settled.append(Settled(match, len(decided.points), voided, unscored))
        _write_quotas(session, quotas)
        _write_points(session, points)
        refresh_board_summaries(session)
    return settled
