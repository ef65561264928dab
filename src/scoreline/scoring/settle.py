"""The score job: settle a match's predictions from its stored result.

``score_match`` is idempotent and always works from what the store holds now: for a
finished match it recomputes the quotas from all of the match's non-void predictions made
before kick-off and the points of every non-void prediction, writing only what changed. So a
corrected result, or a late prediction that moves the quotas, is handled by running it
again. A cancelled or postponed match voids its predictions; a match whose result was
withdrawn (back to scheduled or live) puts its scored predictions back to pending.

Everything for one match happens in one transaction; ``score_matches`` decides many matches
the same way in one transaction (a backtest's week of results).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoreline.scoring.points import score_prediction
from scoreline.scoring.quotas import Quotas, compute_quotas
from scoreline.store import (
    VOIDING_STATUSES,
    Database,
    PointsRow,
    PredictionToScore,
    Settlement,
    StoredMatch,
    UnknownMatchError,
    matches_to_score,
    settle_match,
)
from scoreline.store.score_writes import SettleRequest, settle_matches

__all__ = [
    "ScoreSummary",
    "match_quotas",
    "rescore_changed",
    "score_all",
    "score_match",
    "score_matches",
]


@dataclass
class ScoreSummary:
    """What one score job did to one match."""

    match_id: str
    """The match."""
    match_status: str
    """Its status when scored (``finished``, ``cancelled`` ...)."""
    quotas: Quotas | None = None
    """The quotas stored on the match (finished matches only)."""
    scored: int = 0
    """Pending predictions scored now."""
    rescored: int = 0
    """Already scored predictions whose points changed (corrected result, new quotas)."""
    unchanged: int = 0
    """Already scored predictions whose points stayed the same."""
    voided: int = 0
    """Predictions voided (cancelled or postponed match)."""
    unscored: int = 0
    """Scored predictions put back to pending (the result was withdrawn)."""
    wall_ms: float = 0.0
    """Wall time of the job."""

    @property
    def changed(self) -> int:
        """Predictions this run wrote."""
        return self.scored + self.rescored + self.voided + self.unscored

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``, logs and the queue's results."""
        quotas = None
        if self.quotas is not None:
            quotas = {"H": self.quotas.home, "D": self.quotas.draw, "A": self.quotas.away}
        return {
            "match_id": self.match_id,
            "match_status": self.match_status,
            "quotas": quotas,
            "scored": self.scored,
            "rescored": self.rescored,
            "unchanged": self.unchanged,
            "voided": self.voided,
            "unscored": self.unscored,
            "wall_ms": round(self.wall_ms, 1),
        }


def match_quotas(predictions: Sequence[PredictionToScore]) -> Quotas:
    """Quotas from the non-void predictions made before kick-off (all, if none was).

    A prediction made after kick-off is scored like any other, but it does not move the
    quotas: the points of honest predictions must not depend on late ones, which the
    leaderboard leaves out by default.
    """
    live = [p for p in predictions if p.status != "void"]
    before = [p for p in live if not p.after_kickoff]
    return compute_quotas(p.predicted_result for p in (before or live))


def _settle_finished(
    predictions: list[PredictionToScore],
    goals: tuple[int, int],
    quotas: Quotas,
    *,
    stale_before: datetime,
    summary: ScoreSummary,
    draw_goal_difference: bool,
) -> list[PointsRow]:
    """Return the points to write; count what happened in ``summary``."""
    writes: list[PointsRow] = []
    for prediction in predictions:
        if prediction.status == "void":
            continue
        breakdown = score_prediction(
            prediction.predicted_home,
            prediction.predicted_away,
            goals[0],
            goals[1],
            quotas,
            draw_goal_difference=draw_goal_difference,
        )
        row = PointsRow(
            prediction.id, breakdown.total, breakdown.tendency, breakdown.goal_diff, breakdown.exact
        )
        points = (row.points, row.tendency, row.goal_diff, row.exact)
        if prediction.status == "scored" and prediction.points == points:
            summary.unchanged += 1
            if prediction.scored_at is not None and prediction.scored_at >= stale_before:
                continue  # checked against the current row already: nothing to write
        elif prediction.status == "scored":
            summary.rescored += 1
        else:
            summary.scored += 1
        writes.append(row)
    return writes


def _decide(
    match: StoredMatch,
    predictions: list[PredictionToScore],
    summary: ScoreSummary,
    draw_goal_difference: bool,
) -> Settlement:
    """What the rules say about the match as stored now; counts go into ``summary``."""
    summary.match_status = match.status
    home, away = match.home_goals, match.away_goals
    if match.status in VOIDING_STATUSES:
        return Settlement(void=True)
    if match.status != "finished":
        return Settlement(unscore=True)
    if home is None or away is None:
        return Settlement()
    quotas = match_quotas(predictions)
    summary.quotas = quotas
    stored = (match.quota_home, match.quota_draw, match.quota_away)
    new = (quotas.home, quotas.draw, quotas.away)
    points = _settle_finished(
        predictions,
        (home, away),
        quotas,
        stale_before=match.updated_at,
        summary=summary,
        draw_goal_difference=draw_goal_difference,
    )
    return Settlement(quotas=new if new != stored else None, points=points)


def score_match(
    db: Database, match_id: str, *, now: datetime, draw_goal_difference: bool = False
) -> ScoreSummary:
    """Score (or void) every prediction of one match from its stored result; idempotent.

    Args:
        db: The store.
        match_id: The match.
        now: Current time, aware UTC; stored as ``scored_at``.
        draw_goal_difference: The draw rule (``[scoring] draw_goal_difference``); scoring a
            match again under the other rule rewrites the points that differ.

    Returns:
        What was done. A match that is neither finished, cancelled nor postponed is left
        alone (except that scored predictions go back to pending: its result was withdrawn).

    Raises:
        UnknownMatchError: No match with this id.
    """
    started = time.perf_counter()
    summary = ScoreSummary(match_id=match_id, match_status="")
    settled = settle_match(
        db,
        match_id,
        lambda match, rows: _decide(match, rows, summary, draw_goal_difference),
        now=now,
    )
    summary.voided, summary.unscored = settled.voided, settled.unscored
    summary.wall_ms = (time.perf_counter() - started) * 1000
    return summary


def score_matches(
    db: Database,
    due: Sequence[tuple[str, datetime]],
    *,
    draw_goal_difference: bool = False,
) -> list[ScoreSummary]:
    """``score_match`` for many matches in one transaction (a backtest's week of results).

    Each match is decided exactly as ``score_match`` decides it, from what the store holds,
    with its own ``now``; the reads and writes are batched (``store.score_writes``), so a
    season is scored in a few statements instead of several per match.

    Args:
        db: The store.
        due: Distinct ``(match_id, now)`` pairs; ``now`` is aware UTC (``scored_at``).
        draw_goal_difference: The draw rule (``[scoring] draw_goal_difference``).

    Returns:
        One summary per match, in the order given; ``wall_ms`` is the batch's share.

    Raises:
        UnknownMatchError: A match is not stored (nothing is written).
    """
    started = time.perf_counter()
    summaries = [ScoreSummary(match_id=match_id, match_status="") for match_id, _ in due]
    by_id = {s.match_id: s for s in summaries}
    settled = settle_matches(
        db,
        [SettleRequest(match_id, now) for match_id, now in due],
        lambda match, rows: _decide(match, rows, by_id[match.id], draw_goal_difference),
    )
    share = (time.perf_counter() - started) * 1000 / max(1, len(summaries))
    for summary, done in zip(summaries, settled, strict=True):
        summary.voided, summary.unscored = done.voided, done.unscored
        summary.wall_ms = share
    return summaries


def rescore_changed(
    db: Database, changed_ids: Iterable[str], *, now: datetime, draw_goal_difference: bool = False
) -> list[ScoreSummary]:
    """Rescore the matches whose result an import changed (``ImportReport.changed_result_ids``).

    Args:
        db: The store.
        changed_ids: Match ids; unknown ids are skipped.
        now: Current time, aware UTC.

    Returns:
        One summary per known match, in the order given.
    """
    summaries = []
    for match_id in changed_ids:
        try:
            summaries.append(
                score_match(db, match_id, now=now, draw_goal_difference=draw_goal_difference)
            )
        except UnknownMatchError:
            continue
    return summaries


def score_all(
    db: Database, *, now: datetime, draw_goal_difference: bool = False
) -> list[ScoreSummary]:
    """Score every match that needs it: finished with pending predictions, finished and
    changed since it was scored, cancelled or postponed with predictions not yet void.

    Each match is its own transaction, so one bad match never holds back the others.

    Args:
        db: The store.
        now: Current time, aware UTC.

    Returns:
        One summary per match handled, by match id.
    """
    return [
        score_match(db, match_id, now=now, draw_goal_difference=draw_goal_difference)
        for match_id in matches_to_score(db)
    ]
