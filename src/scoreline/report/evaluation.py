"""Two models compared on their common matches, and one model's calibration, as plain data.

``paired_comparison`` judges points on the matches both models have scored and RPS on the
matches both gave probabilities for: the mean of ``a - b`` with a paired bootstrap interval,
the share of resamples in which ``a`` is better, a two-sided sign test and a paired
permutation test. ``model_calibration`` gives per outcome the reliability bins, the ECE and
the Murphy decomposition of the Brier score (``scoring.calibration``). Resamples and seed are
the leaderboard's, so the same data always gives the same figures.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from itertools import repeat
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from scoreline.errors import ScorelineError
from scoreline.report.cache import report_cache
from scoreline.scoring.board_metrics import loss_matrices
from scoreline.scoring.calibration import calibration, murphy_decomposition
from scoreline.scoring.forecast_matrix import (
    ForecastMatrix,
    build_matrix,
    parse_numbers,
    parse_probabilities,
)
from scoreline.scoring.probabilities import outcome_index
from scoreline.scoring.ranking import LEADERBOARD_RESAMPLES, LEADERBOARD_SEED
from scoreline.scoring.uncertainty import paired_difference, permutation_test, sign_test
from scoreline.store import Database, LeaderboardFilters, get_model, leaderboard_totals
from scoreline.store.outcomes import finished_results, match_outcomes, model_forecasts

__all__ = ["EvaluationError", "model_calibration", "paired_comparison"]


class EvaluationError(ScorelineError):
    """Nothing to evaluate: a model without scored predictions (or probabilities)."""

    exit_code: ClassVar[int] = 2


def _matrix(db: Database, model_ids: list[str], filters: LeaderboardFilters) -> ForecastMatrix:
    totals = leaderboard_totals(db, filters, with_probabilities=True, models=model_ids)
    chosen = sorted((t for t in totals if t.model_id in model_ids), key=lambda t: t.model_id)
    missing = set(model_ids) - {t.model_id for t in chosen}
    for model_id in sorted(missing):
        if get_model(db, model_id, now=datetime.now(UTC)) is None:
            raise EvaluationError(f"unknown model {model_id!r}")
        raise EvaluationError(f"{model_id} has no scored prediction in this selection")
    return build_matrix(chosen, match_outcomes(db, filters))


def _difference(a: NDArray[np.float64], b: NDArray[np.float64], lower: bool) -> dict[str, Any]:
    if a.size == 0:
        return {"n": 0}
    found = paired_difference(
        a, b, lower_is_better=lower, n_resamples=LEADERBOARD_RESAMPLES, seed=LEADERBOARD_SEED
    )
    return {
        "n": found.n,
        "mean_a": float(a.mean()),
        "mean_b": float(b.mean()),
        "difference": found.difference.estimate,
        "ci": [found.difference.low, found.difference.high],
        "share_a_better": found.share_better,
        "sign_test_p": sign_test(a, b),
        "permutation_p": permutation_test(
            a, b, n_resamples=LEADERBOARD_RESAMPLES, seed=LEADERBOARD_SEED
        ),
    }


def paired_comparison(
    db: Database, a: str, b: str, filters: LeaderboardFilters | None = None
) -> dict[str, Any]:
    """Compare models ``a`` and ``b`` on points and on RPS over their common matches.

    Raises:
        EvaluationError: ``a`` equals ``b``, an unknown id, or a model without a scored
            prediction.
    """
    if a == b:
        raise EvaluationError("compare needs two different models")
    matrix = _matrix(db, [a, b], filters or LeaderboardFilters())
    i, j = matrix.model_ids.index(a), matrix.model_ids.index(b)
    points = matrix.points[[i, j]]
    both = ~np.isnan(points).any(axis=0)
    rps = loss_matrices(matrix.probs[[i, j]], matrix.outcomes)["rps"]
    both_probs = ~np.isnan(rps).any(axis=0)
    return {
        "a": a,
        "b": b,
        "points": _difference(points[0, both], points[1, both], lower=False),
        "rps": _difference(rps[0, both_probs], rps[1, both_probs], lower=True),
        "resamples": LEADERBOARD_RESAMPLES,
        "seed": LEADERBOARD_SEED,
    }


def _ids(values: str | list[str] | None) -> list[str]:
    if isinstance(values, str):
        return values.split(",") if values else []
    return list(values or [])


def _results(db: Database, filters: LeaderboardFilters) -> tuple[dict[str, int], Any, Any]:
    """The filtered finished matches' columns by id, home goals and away goals."""
    found = finished_results(db, filters)
    column = {match_id: i for i, match_id in enumerate(_ids(found.match_ids))}
    return column, parse_numbers(found.home_goals), parse_numbers(found.away_goals)


def _forecasts(
    db: Database, model_id: str, filters: LeaderboardFilters
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """A model's probabilities on finished matches and their outcomes, in match id order.

    The results are the same for every model, so they are kept until the store changes.
    """
    found = model_forecasts(db, model_id, filters)
    if not found.count:
        return np.empty((0, 3)), np.empty(0, dtype=np.int64)
    column, home, away = report_cache.get(
        db, "finished_results", filters, lambda: _results(db, filters)
    )
    ids = _ids(found.match_ids)
    probs = np.column_stack(
        [parse_probabilities(p) for p in (found.p_home, found.p_draw, found.p_away)]
    )
    if ids != sorted(ids):  # SQLite sends them in index order, which is sorted already
        order = sorted(range(len(ids)), key=ids.__getitem__)
        ids, probs = [ids[i] for i in order], probs[order]
    where = np.fromiter(map(column.get, ids, repeat(-1)), dtype=np.intp, count=len(ids))
    known = where >= 0
    return probs[known], outcome_index(home[where[known]], away[where[known]])


def model_calibration(
    db: Database, model_id: str, *, bins: int = 10, filters: LeaderboardFilters | None = None
) -> dict[str, Any]:
    """Reliability bins per outcome, ECE and the Brier decomposition of one model.

    Reads that model's forecasts only: a model page asks for it on its first visit after
    every change to the store.

    Raises:
        EvaluationError: An unknown id, no scored prediction with probabilities, or
            ``bins`` below 1.
    """
    if bins < 1:
        raise EvaluationError(f"--bins must be at least 1, got {bins}")
    chosen = filters or LeaderboardFilters()
    probs, outcomes = _forecasts(db, model_id, chosen)
    if not len(outcomes):
        _matrix(db, [model_id], chosen)  # raises for an unknown or unscored model
        raise EvaluationError(f"{model_id} has no scored prediction with probabilities")
    per_outcome, ece = calibration(probs, outcomes, bins=bins)
    return {
        "model_id": model_id,
        "n": len(outcomes),
        "bins": bins,
        "ece": ece,
        "outcomes": [asdict(o) for o in per_outcome],
        "brier_decomposition": asdict(murphy_decomposition(probs, outcomes, bins=bins)),
    }
