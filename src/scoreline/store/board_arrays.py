"""The leaderboard's input from the per-model summaries: counts and per-match arrays.

``board_arrays`` answers what ``leaderboard_totals(..., with_probabilities=True)`` and
``match_outcomes`` answer together, already laid out on the sorted match axis, from one
``board_summaries`` row per model: the filters become masks over each model's entries, so
no prediction is scanned. The values are those the predictions' read would send (on
SQLite the probabilities truncated to units of ``1 / PROBABILITY_SCALE``), so every figure
computed from them is the same. When any model has a change the summaries do not hold yet
it answers None: the caller then reads the predictions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from scoreline.store.board_summaries import (
    AFTER_KICKOFF,
    EXACT,
    FALLBACK,
    GOAL_DIFF,
    NULL_PROBABILITY,
    TENDENCY,
    PackedEntries,
)
from scoreline.store.board_tables import BoardChange, BoardSummary
from scoreline.store.db import Database
from scoreline.store.scores import (
    COMMA,
    PROBABILITY_SCALE,
    LeaderboardFilters,
    ModelTotals,
    matching_ids,
)
from scoreline.store.tables import Match, Model

__all__ = ["BoardArrays", "board_arrays"]


@dataclass(frozen=True)
class BoardArrays:
    """Counted scored predictions per model, on the sorted axis of their matches."""

    totals: list[ModelTotals]
    """Counts per model with a counted prediction, by model id (no id or value lists)."""
    match_ids: tuple[str, ...]
    """The match axis: every counted prediction's match, sorted."""
    points: NDArray[np.float64]
    """``(models, matches)``: points, NaN where the model has no counted prediction."""
    probabilities: NDArray[np.float64]
    """``(models, matches, 3)``: home, draw, away, NaN where none."""
    home_goals: NDArray[np.int64]
    """``(matches,)``: goals of finished matches with a result, -1 otherwise."""
    away_goals: NDArray[np.int64]
    odds: NDArray[np.float64]
    """``(matches, 3)``: stored decimal odds (NaN unless asked for, or unknown)."""


class _Unfinished(Exception):
    """A summary is a placeholder of a refresh (never committed, but be safe)."""


@dataclass(frozen=True)
class _Model:
    model_id: str
    entries: PackedEntries
    key: str
    """The match id text, shared by models that predicted the same matches."""
    counted: NDArray[np.bool_]


def _summaries(session: Session) -> list[tuple[str, str, PackedEntries]]:
    columns: tuple[Any, ...] = (BoardSummary.model_id, BoardSummary.entries)
    columns += (BoardSummary.match_ids, BoardSummary.points)
    columns += (BoardSummary.flags, BoardSummary.probabilities)
    rows = session.execute(select(*columns).order_by(BoardSummary.model_id)).all()
    parsed: dict[str, list[str]] = {}
    out = []
    for row in rows:
        if row.entries < 0:
            raise _Unfinished
        entries = PackedEntries.unpack(row, parsed.get(row.match_ids))
        parsed.setdefault(row.match_ids, entries.match_ids)
        out.append((row.model_id, row.match_ids, entries))
    return out


def _counted_models(session: Session, filters: LeaderboardFilters) -> list[_Model]:
    """Every model with a counted prediction, with the mask of its counted entries."""
    wanted: set[str] | None = None
    if filters.filters_matches():
        wanted = set(session.scalars(matching_ids(filters)))
    in_filter: dict[str, NDArray[np.bool_]] = {}
    models = []
    for model_id, key, entries in _summaries(session):
        counted = np.ones(len(entries.match_ids), dtype=bool)
        if wanted is not None:
            if key not in in_filter:
                ids = entries.match_ids
                in_filter[key] = np.fromiter((i in wanted for i in ids), bool, len(ids))
            counted = in_filter[key].copy()
        if not filters.include_after_kickoff:
            counted &= (entries.flags & AFTER_KICKOFF) == 0
        if counted.any():
            models.append(_Model(model_id, entries, key, counted))
    return models


def _totals(model: _Model, name: str) -> ModelTotals:
    flags = model.entries.flags[model.counted]

    def hits(bit: int) -> int:
        return int(np.count_nonzero(flags & bit))

    return ModelTotals(
        model_id=model.model_id,
        display_name=name,
        scored=int(np.count_nonzero(model.counted)),
        total_points=int(model.entries.points[model.counted].sum(dtype=np.int64)),
        tendency_hits=hits(TENDENCY),
        goal_diff_hits=hits(GOAL_DIFF),
        exact_hits=hits(EXACT),
        fallback_count=hits(FALLBACK),
        probabilistic=int(np.count_nonzero((flags & NULL_PROBABILITY[0]) == 0)),
    )


def _axis(models: Sequence[_Model]) -> tuple[tuple[str, ...], dict[str, NDArray[np.intp]]]:
    """The sorted match axis and, per match id text, each entry's column (-1: not on it)."""
    by_key: dict[str, tuple[list[str], NDArray[np.bool_]]] = {}
    for model in models:
        ids, seen = by_key.get(model.key, (model.entries.match_ids, model.counted))
        by_key[model.key] = (ids, seen | model.counted)
    chosen: set[str] = set()
    for ids, seen in by_key.values():
        chosen.update(ids[i] for i in np.flatnonzero(seen))
    axis = tuple(sorted(chosen))
    column = {match_id: i for i, match_id in enumerate(axis)}
    where = {
        key: np.fromiter((column.get(i, -1) for i in ids), dtype=np.intp, count=len(ids))
        for key, (ids, _) in by_key.items()
    }
    return axis, where


def _sent_probabilities(entries: PackedEntries, postgresql: bool) -> NDArray[np.float64]:
    """The probabilities as the predictions' read sends them (see ``store.scores``)."""
    missing = np.column_stack([(entries.flags & bit) != 0 for bit in NULL_PROBABILITY])
    values = entries.probabilities
    if postgresql:
        sent = np.where(missing, -1.0, values)
    else:
        with np.errstate(invalid="ignore"):
            sent = np.where(missing, -1.0, np.trunc(values * PROBABILITY_SCALE))
        sent = sent / PROBABILITY_SCALE
    sent[sent[:, 0] < 0] = np.nan
    return np.asarray(sent, dtype=np.float64)


def _finished(query: Select[Any], filters: LeaderboardFilters) -> Select[Any]:
    """Only the filtered finished matches with a result (``match_outcomes``' choice)."""
    done = Match.status == "finished", Match.home_goals.is_not(None), Match.away_goals.is_not(None)
    query = query.where(*done)
    if filters.filters_matches():
        query = query.where(Match.id.in_(matching_ids(filters)))
    return query


def _concatenated(
    session: Session, filters: LeaderboardFilters
) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64]]:
    """Ids and goals of the finished matches as one row of lists (one fetch, not 20,000)."""
    columns: list[Any] = [Match.id, Match.home_goals, Match.away_goals]
    if session.get_bind().dialect.name == "postgresql":
        arrays: list[Any] = [func.array_agg(c) for c in columns]
        row = session.execute(_finished(select(*arrays), filters)).one()
        ids = list(row[0] or [])
        return ids, np.asarray(row[1] or [], np.int64), np.asarray(row[2] or [], np.int64)
    lists: list[Any] = [func.group_concat(c, COMMA) for c in columns]
    row = session.execute(_finished(select(*lists), filters)).one()
    if not row[0]:
        return [], np.empty(0, np.int64), np.empty(0, np.int64)
    goals = [np.fromstring(str(text), dtype=np.int64, sep=",") for text in row[1:3]]
    return row[0].split(","), goals[0], goals[1]


def _results(
    session: Session, filters: LeaderboardFilters, axis: tuple[str, ...], with_odds: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Goals (-1: no result) and odds (NaN unless ``with_odds``) of the axis' matches."""
    column = {match_id: i for i, match_id in enumerate(axis)}
    goals = np.full((len(axis), 2), -1, dtype=np.int64)
    odds = np.full((len(axis), 3), np.nan)
    if not with_odds:
        ids, home, away = _concatenated(session, filters)
        where = np.fromiter((column.get(i, -1) for i in ids), dtype=np.intp, count=len(ids))
        on = where >= 0
        goals[where[on]] = np.column_stack([home[on], away[on]])
        return goals[:, 0].copy(), goals[:, 1].copy(), odds
    columns: list[Any] = [Match.id, Match.home_goals, Match.away_goals, *_ODDS]
    for row in session.execute(_finished(select(*columns), filters)):
        i = column.get(row[0])
        if i is not None:
            goals[i] = row[1:3]
            odds[i] = [np.nan if v is None else v for v in row[3:6]]
    return goals[:, 0].copy(), goals[:, 1].copy(), odds


_ODDS = (Match.odds_home, Match.odds_draw, Match.odds_away)


def _names(session: Session, ids: list[str]) -> dict[str, str]:
    query = select(Model.id, Model.display_name).where(Model.id.in_(ids))
    return {model_id: name for model_id, name in session.execute(query)}


def board_arrays(
    db: Database, filters: LeaderboardFilters, *, with_odds: bool = False
) -> BoardArrays | None:
    """The leaderboard's counts and arrays from the summaries, or None when a model has a
    change they do not hold yet (read the predictions instead).

    Args:
        db: The store.
        filters: What to count.
        with_odds: Also read the finished matches' stored odds (for the betting figures).
    """
    with db.session() as session:
        if session.execute(select(BoardChange.id).limit(1)).first() is not None:
            return None
        postgresql = session.get_bind().dialect.name == "postgresql"
        try:
            models = _counted_models(session, filters)
        except _Unfinished:
            return None
        names = _names(session, [m.model_id for m in models])
        axis, where = _axis(models)
        home, away, odds = _results(session, filters, axis, with_odds)
    points = np.full((len(models), len(axis)), np.nan)
    probabilities = np.full((len(models), len(axis), 3), np.nan)
    for row, model in enumerate(models):
        columns = where[model.key][model.counted]
        points[row, columns] = model.entries.points[model.counted]
        sent = _sent_probabilities(model.entries, postgresql)[model.counted]
        present = (model.entries.flags[model.counted] & NULL_PROBABILITY[0]) == 0
        probabilities[row, columns[present]] = sent[present]
    totals = [_totals(m, names.get(m.model_id, m.model_id)) for m in models]
    return BoardArrays(totals, axis, points, probabilities, home, away, odds)
