"""Per-model, per-match values on one match axis: the input of every comparison.

The store hands each model's points and probabilities over as id lists with values in the
same order; this module lays them out as matrices over the sorted match ids (NaN where a
model has no value), beside each match's outcome and odds, so the metrics are numpy
operations on rows and "common matches" is a column mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from scoreline.scoring.probabilities import outcome_index

PROBABILITY_SCALE = 10**15
"""Units per 1 of probabilities sent as integer text (``store.scores.PROBABILITY_SCALE``;
``ranking`` checks the two agree)."""


class ModelValues(Protocol):
    """One model's per-match values as the store aggregates them (``store.ModelTotals``)."""

    @property
    def model_id(self) -> str: ...
    @property
    def match_ids(self) -> str | None: ...
    @property
    def points(self) -> str | Sequence[float] | None: ...
    @property
    def probability_ids(self) -> str | None: ...
    @property
    def p_home(self) -> str | Sequence[float] | None: ...
    @property
    def p_draw(self) -> str | Sequence[float] | None: ...
    @property
    def p_away(self) -> str | Sequence[float] | None: ...


class Outcome(Protocol):
    """A finished match's result and odds (``store.outcomes.MatchOutcome``)."""

    @property
    def match_id(self) -> str: ...
    @property
    def home_goals(self) -> int: ...
    @property
    def away_goals(self) -> int: ...
    @property
    def odds_home(self) -> float | None: ...
    @property
    def odds_draw(self) -> float | None: ...
    @property
    def odds_away(self) -> float | None: ...


__all__ = [
    "PROBABILITY_SCALE",
    "ForecastMatrix",
    "ModelValues",
    "Outcome",
    "build_matrix",
    "common_columns",
    "parse_numbers",
    "parse_probabilities",
]


def parse_numbers(values: str | Sequence[float] | None) -> NDArray[np.float64]:
    """Whole numbers (points) from a comma-separated string (SQLite) or a list (PostgreSQL).

    Integer text parses several times faster than float text.
    """
    if isinstance(values, str):
        if not values:
            return np.empty(0)
        return np.fromstring(values, dtype=np.int64, sep=",").astype(np.float64)
    return np.asarray(values or [], dtype=np.float64)


def parse_probabilities(values: str | Sequence[float] | None) -> NDArray[np.float64]:
    """Probabilities as the store sends them: integers in units of 1e-15 in a string
    (SQLite, see ``store.scores.PROBABILITY_SCALE``) or floats in a list (None and negative
    values: no probabilities)."""
    if isinstance(values, str):
        units = np.fromstring(values, dtype=np.int64, sep=",") if values else np.empty(0)
        return units / PROBABILITY_SCALE
    return np.array([-1.0 if v is None else v for v in values or []], dtype=np.float64)


def _ids(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split(",")) if value else ()
    return tuple(value or ())


@dataclass(frozen=True)
class ForecastMatrix:
    """Models x matches, over the union of the models' scored matches (sorted ids)."""

    model_ids: tuple[str, ...]
    """Row order."""
    match_ids: tuple[str, ...]
    """Column order."""
    points: NDArray[np.float64]
    """``(models, matches)``: points, NaN where the model has no scored prediction."""
    probs: NDArray[np.float64]
    """``(models, matches, 3)``: home/draw/away probabilities, NaN where none."""
    outcomes: NDArray[np.int64]
    """``(matches,)``: 0 home, 1 draw, 2 away; -1 where the result is not known."""
    odds: NDArray[np.float64]
    """``(matches, 3)``: stored decimal odds, NaN where unknown."""

    def has_probs(self) -> NDArray[np.bool_]:
        """``(models, matches)``: where a model gave probabilities on a known outcome."""
        return np.asarray(~np.isnan(self.probs[:, :, 0]) & (self.outcomes >= 0), dtype=bool)


def _columns(
    totals: Sequence[ModelValues],
) -> tuple[tuple[str, ...], dict[str, NDArray[np.intp]]]:
    """The match axis and, per distinct id list, its column indices (each list parsed once)."""
    keys = {t.match_ids or "" for t in totals}
    keys |= {t.probability_ids for t in totals if t.probability_ids is not None}
    id_lists = {key: _ids(key) for key in keys}
    match_ids = tuple(sorted(set().union(*id_lists.values())))
    column = {match_id: i for i, match_id in enumerate(match_ids)}
    where = {
        key: np.fromiter(map(column.__getitem__, ids), dtype=np.intp, count=len(ids))
        for key, ids in id_lists.items()
    }
    return match_ids, where


def _outcome_arrays(
    match_ids: tuple[str, ...], outcomes: Sequence[Outcome]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    column = {match_id: i for i, match_id in enumerate(match_ids)}
    known = [(column[o.match_id], o) for o in outcomes if o.match_id in column]
    result = np.full(len(match_ids), -1, dtype=np.int64)
    odds = np.full((len(match_ids), 3), np.nan)
    if not known:
        return result, odds
    where = np.array([i for i, _ in known], dtype=np.intp)
    goals = np.array([(o.home_goals, o.away_goals) for _, o in known], dtype=np.int64)
    result[where] = outcome_index(goals[:, 0], goals[:, 1])
    prices = [(o.odds_home, o.odds_draw, o.odds_away) for _, o in known]
    odds[where] = np.array(prices, dtype=np.float64)  # None becomes NaN
    return result, odds


def build_matrix(totals: Sequence[ModelValues], outcomes: Sequence[Outcome]) -> ForecastMatrix:
    """Lay the models' points and probabilities out on the sorted match axis.

    Raises:
        RuntimeError: A model's values do not match its match ids (a store fault).
    """
    match_ids, columns = _columns(totals)
    points = np.full((len(totals), len(match_ids)), np.nan)
    probs = np.full((len(totals), len(match_ids), 3), np.nan)
    for row, entry in enumerate(totals):
        where = columns[entry.match_ids or ""]
        values = parse_numbers(entry.points)
        if len(values) != len(where):
            raise RuntimeError(f"points of {entry.model_id} do not match its matches")
        points[row, where] = values
        if entry.p_home is None:
            continue
        if entry.probability_ids is not None:
            where = columns[entry.probability_ids]
        triple = np.column_stack(
            [parse_probabilities(p) for p in (entry.p_home, entry.p_draw, entry.p_away)]
        )
        if len(triple) != len(where):
            raise RuntimeError(f"probabilities of {entry.model_id} do not match its matches")
        triple[triple[:, 0] < 0] = np.nan
        probs[row, where] = triple
    result, odds = _outcome_arrays(match_ids, outcomes)
    return ForecastMatrix(tuple(t.model_id for t in totals), match_ids, points, probs, result, odds)


def common_columns(mask: NDArray[np.bool_], rows: Sequence[int]) -> NDArray[np.intp]:
    """Columns where every one of ``rows`` has a value (all columns for no rows: none)."""
    if not rows:
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(mask[list(rows)].all(axis=0))
