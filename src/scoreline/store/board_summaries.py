"""Per-model leaderboard summaries: a model's scored predictions packed into one row.

Counting a million predictions means scanning a million index entries twice (points, then
probabilities); the leaderboard instead reads one ``board_summaries`` row per model holding
every scored prediction of the model as packed arrays (match ids, points, hit flags,
probabilities), and filters them in numpy. Freshness does not rely on every writer
remembering the summaries: triggers log every change of a scored prediction in
``board_changes`` (``store.board_tables``), and a model's summary is current exactly when
it has no logged change (no summary and no logged change: no scored prediction).
``refresh_summaries`` applies the logged changes (the score job runs it in the transaction
that writes the points); until then ``board_arrays`` answers None and the leaderboard
reads the predictions as before, so a write that bypasses the score job never shows stale
figures.

A refresh costs a handful of statements whatever the number of models: it takes the whole
log at once, reads the summaries it patches in one query, the changed predictions of every
model in another (a whole rebuild reads its model's predictions alone, to bound memory),
and writes the summaries with one executemany. On PostgreSQL it first locks the summary
rows of the logged models, in model-id order, and only then takes their logged changes, so
two refreshes of one model run one after the other and two refreshes never wait for each
other in a cycle. This module needs numpy, so ``store.points`` imports it when a refresh
runs, not when a predict job loads ``store.points`` for the quotas.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.board_tables import BoardChange, BoardSummary
from scoreline.store.db import Database, chunks
from scoreline.store.predictions import is_scored
from scoreline.store.tables import Prediction

__all__ = ["PackedEntries", "refresh_board", "refresh_summaries"]

TENDENCY, GOAL_DIFF, EXACT, FALLBACK, AFTER_KICKOFF = 1, 2, 4, 8, 16
"""Flag bits of an entry: hits (points of that kind above 0), fallback, after kick-off."""
NULL_PROBABILITY = (32, 64, 128)
"""Flag bits: ``p_home``, ``p_draw``, ``p_away`` is NULL."""
_POINTS = np.dtype("<i4")
_PROBABILITIES = np.dtype("<f8")


@dataclass(frozen=True)
class PackedEntries:
    """One model's scored predictions as arrays, sorted by match id."""

    match_ids: list[str]
    points: NDArray[np.int32]
    flags: NDArray[np.uint8]
    probabilities: NDArray[np.float64]
    """``(entries, 3)``."""

    @classmethod
    def unpack(cls, row: Any, ids: list[str] | None = None) -> PackedEntries:
        """Decode a ``board_summaries`` row (``ids``: its match ids, already split)."""
        if ids is None:
            ids = row.match_ids.split(",") if row.match_ids else []
        probabilities = np.frombuffer(row.probabilities, dtype=_PROBABILITIES).reshape(-1, 3)
        return cls(
            ids,
            np.frombuffer(row.points, dtype=_POINTS).astype(np.int32),
            np.frombuffer(row.flags, dtype=np.uint8),
            probabilities,
        )

    def pack(self) -> dict[str, Any]:
        """Column values of the row."""
        return {
            "entries": len(self.match_ids),
            "match_ids": ",".join(self.match_ids),
            "points": self.points.astype(_POINTS).tobytes(),
            "flags": self.flags.astype(np.uint8).tobytes(),
            "probabilities": self.probabilities.astype(_PROBABILITIES).tobytes(),
        }

    def without(self, match_ids: set[str]) -> PackedEntries:
        """The entries whose match is not in ``match_ids`` (the entries are sorted)."""
        ids = self.match_ids
        found = [bisect_left(ids, m) for m in sorted(match_ids)]
        found = [p for p, m in zip(found, sorted(match_ids), strict=True) if ids[p : p + 1] == [m]]
        kept = list(ids)
        for position in reversed(found):
            del kept[position]
        return PackedEntries(
            kept,
            np.delete(self.points, found),
            np.delete(self.flags, found),
            np.delete(self.probabilities, found, axis=0),
        )

    def sorted(self) -> PackedEntries:
        """The same entries, by match id."""
        order = np.asarray(sorted(range(len(self.match_ids)), key=self.match_ids.__getitem__))
        order = order.astype(np.intp)
        return PackedEntries(
            [self.match_ids[i] for i in order],
            self.points[order],
            self.flags[order],
            self.probabilities[order],
        )

    def merged(self, fresh: PackedEntries) -> PackedEntries:
        """These sorted entries with ``fresh`` ones (of other matches) slotted in."""
        fresh = fresh.sorted()
        at = [bisect_left(self.match_ids, m) for m in fresh.match_ids]
        ids = list(self.match_ids)
        for offset, (position, match_id) in enumerate(zip(at, fresh.match_ids, strict=True)):
            ids.insert(position + offset, match_id)
        return PackedEntries(
            ids,
            np.insert(self.points, at, fresh.points),
            np.insert(self.flags, at, fresh.flags),
            np.insert(self.probabilities, at, fresh.probabilities, axis=0),
        )


_READ_COLUMNS = (
    Prediction.match_id,
    Prediction.points,
    Prediction.points_tendency,
    Prediction.points_goal_diff,
    Prediction.points_exact,
    Prediction.used_fallback,
    Prediction.after_kickoff,
    Prediction.p_home,
    Prediction.p_draw,
    Prediction.p_away,
)
_SCORED = select(Prediction.model_id, *_READ_COLUMNS).where(is_scored())


def _entries(rows: Sequence[Any]) -> PackedEntries | None:
    """Pack prediction rows (``_READ_COLUMNS``); None when one has no points (it cannot
    be summarised)."""
    if not rows:
        return PackedEntries([], np.empty(0, np.int32), np.empty(0, np.uint8), np.empty((0, 3)))
    ids, points, *rest = zip(*rows, strict=True)
    if any(p is None for p in points):
        return None
    with np.errstate(invalid="ignore"):  # None becomes NaN, which is not above 0
        hits = [np.array(c, dtype=np.float64) > 0 for c in rest[:3]]
    flags = [*hits, np.array(rest[3], dtype=bool), np.array(rest[4], dtype=bool)]
    flags += [np.fromiter((v is None for v in c), bool, len(c)) for c in rest[5:]]
    packed = sum((bits.astype(np.uint8) << i for i, bits in enumerate(flags)), np.uint8(0))
    return PackedEntries(
        list(ids),
        np.array(points, dtype=np.int32),
        np.asarray(packed, dtype=np.uint8),
        np.array(list(zip(*rest[5:], strict=True)), dtype=np.float64).reshape(-1, 3),
    )


Changes = dict[str, set[str] | None]
"""Logged changes by model: the changed match ids, or None (rebuild the whole summary)."""


def _changes(taken: Sequence[Any]) -> Changes:
    """Group the taken ``(model_id, match_id)`` log rows by model."""
    changes: Changes = {}
    for model_id, match_id in taken:
        if match_id is None:
            changes[model_id] = None
        elif model_id not in changes:
            changes[model_id] = {match_id}
        elif (ids := changes[model_id]) is not None:
            ids.add(match_id)
    return changes


_SUMMARY_COLUMNS = (
    BoardSummary.model_id,
    BoardSummary.entries,
    BoardSummary.match_ids,
    BoardSummary.points,
    BoardSummary.flags,
    BoardSummary.probabilities,
)


def _summaries(session: Session, model_ids: Sequence[str], *, lock: bool) -> dict[str, Any]:
    """The summary rows of these models (``lock``: FOR UPDATE, in model-id order)."""
    query = select(*_SUMMARY_COLUMNS).where(BoardSummary.model_id.in_(model_ids))
    query = query.order_by(BoardSummary.model_id)
    rows = session.execute(query.with_for_update() if lock else query)
    return {row.model_id: row for row in rows}


_TAKE = delete(BoardChange).returning(BoardChange.model_id, BoardChange.match_id)


def _take_sqlite(session: Session) -> tuple[Changes, dict[str, Any]]:
    """Take the whole log; its DELETE also takes SQLite's write lock, so no other writer
    slips in before the reads that follow."""
    changes = _changes(session.execute(_TAKE).all())
    return changes, _summaries(session, sorted(changes), lock=False) if changes else {}


def _take_postgresql(session: Session) -> tuple[Changes, dict[str, Any]]:
    """Lock the logged models' summaries (placeholders where missing), then take their
    logged changes: only the holder of a model's lock takes its changes."""
    model_ids = sorted(session.scalars(select(BoardChange.model_id).distinct()))
    if not model_ids:
        return {}, {}
    empty = {"entries": -1, "match_ids": "", "points": b"", "flags": b"", "probabilities": b""}
    placeholders = [{"model_id": model_id, **empty} for model_id in model_ids]
    session.execute(postgresql.insert(BoardSummary).values(placeholders).on_conflict_do_nothing())
    summaries = _summaries(session, model_ids, lock=True)
    taken = _TAKE.where(BoardChange.model_id.in_(model_ids))
    changes = _changes(session.execute(taken).all())
    # A placeholder with no change left (a refresh that held the lock first took them):
    # the model has no summary and no logged change, so no scored prediction; drop it.
    for model_id, row in summaries.items():
        if row.entries < 0:
            changes.setdefault(model_id, set())
    return changes, summaries


def _changed_rows(session: Session, changes: Changes) -> dict[str, list[Any]]:
    """The scored predictions of the logged (model, match) pairs, by model (rebuilt models
    are read one by one later)."""
    patched = {model_id: ids for model_id, ids in changes.items() if ids is not None}
    match_ids = sorted(set().union(*patched.values()))
    rows: dict[str, list[Any]] = {model_id: [] for model_id in patched}
    for ids in chunks(match_ids):
        chunk = Prediction.match_id.in_(ids)
        for row in session.execute(_SCORED.where(chunk, Prediction.model_id.in_(list(patched)))):
            if row.match_id in patched[row.model_id]:
                rows[row.model_id].append(row[1:])
    return rows


def _patched(
    summary: Any, ids: set[str] | None, fresh: PackedEntries | None
) -> PackedEntries | None:
    """The model's new entries: ``fresh`` in place of the changed matches' entries (all of
    them if ``ids`` is None); None when ``fresh`` is (the predictions must be read)."""
    if fresh is None:
        return None
    if ids is None or summary is None or summary.entries < 0:  # none yet: an empty summary
        return fresh.sorted()
    return PackedEntries.unpack(summary).without(ids).merged(fresh)


def _write(session: Session, patched: dict[str, PackedEntries | None]) -> None:
    """Write the summaries; drop the empty ones and those the predictions must serve
    (logged again for a rebuild, so the leaderboard keeps reading the predictions)."""
    unreadable = [model_id for model_id, entries in patched.items() if entries is None]
    dropped = unreadable + [m for m, e in patched.items() if e is not None and not e.match_ids]
    if dropped:
        session.execute(delete(BoardSummary).where(BoardSummary.model_id.in_(dropped)))
    if unreadable:
        logged = [{"model_id": model_id, "match_id": None} for model_id in unreadable]
        session.execute(insert(BoardChange), logged)
    rows = [{"model_id": m, **e.pack()} for m, e in patched.items() if e and e.match_ids]
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(BoardSummary.__table__)
    columns = ("entries", "match_ids", "points", "flags", "probabilities")
    values = {name: statement.excluded[name] for name in columns}
    session.execute(statement.on_conflict_do_update(index_elements=["model_id"], set_=values), rows)


def refresh_summaries(session: Session) -> int:
    """Bring the summaries of every model with logged changes up to date, in the caller's
    transaction (the score job calls it after writing points); returns how many models."""
    postgresql_store = session.get_bind().dialect.name == "postgresql"
    changes, summaries = (_take_postgresql if postgresql_store else _take_sqlite)(session)
    if not changes:
        return 0
    rows = _changed_rows(session, changes)
    patched: dict[str, PackedEntries | None] = {}
    for model_id, ids in sorted(changes.items()):
        if ids is None:  # a rebuild: one model's predictions at a time bound the memory
            read = session.execute(_SCORED.where(Prediction.model_id == model_id))
            fresh = _entries([row[1:] for row in read])
        else:
            fresh = _entries(rows[model_id])
        patched[model_id] = _patched(summaries.get(model_id), ids, fresh)
    _write(session, patched)
    return len(changes)


def refresh_board(db: Database) -> int:
    """``refresh_summaries`` in a transaction of its own (after bulk loads and imports)."""
    with db.session() as session:
        return refresh_summaries(session)
