"""Coverage: for each match that kicked off, which models had a prediction stored before it,
and why the others did not.

A model is expected for a match when it is one of the given models (the configuration's
active ones; the store's ``active`` flag otherwise) and had run by kick-off (its first
attempt, prediction or skip is not later), or when anything of it is recorded for the match.
A model pinned disabled by the operator at kick-off is not expected. A miss has one cause,
the first that applies: ``budget`` (a budget skip), ``disabled`` (auto-disabled at kick-off,
or skipped as disabled), ``provider_down`` (called before kick-off, no call answered), else
``late`` (predicted after kick-off, or never asked in time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from scoreline.store.db import Database
from scoreline.store.operation_tables import ModelEvent, PredictionSkip
from scoreline.store.tables import Match, Model, Prediction, PredictionAttempt

__all__ = ["MISS_CAUSES", "MatchCoverage", "match_coverage"]

MISS_CAUSES = ("provider_down", "budget", "disabled", "late")
"""Why an expected model's prediction was not stored before kick-off."""
NOT_PLAYED = ("postponed", "cancelled")
_DISABLED_EVENTS = frozenset({"disabled", "probe_failed"})
_PINNED_EVENTS = frozenset({"pinned"})

Key = tuple[str, str]
"""``(match id, model id)``."""


@dataclass(frozen=True, slots=True)
class MatchCoverage:
    """One kicked-off match: models expected, models covered, and each miss's cause."""

    match_id: str
    competition: str
    kickoff_at: datetime
    home_team: str
    away_team: str
    expected: int
    covered: int
    misses: dict[str, int] = field(default_factory=dict)
    """Misses by cause (only causes that occurred)."""
    missed: tuple[tuple[str, str], ...] = ()
    """``(model id, cause)`` of every miss, by model id."""

    @property
    def ratio(self) -> float | None:
        """Covered share of the expected models; ``None`` when none was expected."""
        return self.covered / self.expected if self.expected else None


@dataclass
class _Records:
    """What the store holds about the matches in the window, by ``(match, model)``."""

    predicted: dict[Key, bool]
    """Every pair with a prediction: whether it was stored before kick-off."""
    answered: dict[Key, bool]
    """Pairs with no prediction in time but calls before kick-off: whether one answered."""
    skips: dict[Key, set[str]]
    events: dict[str, list[tuple[datetime, str]]]
    first_seen: dict[str, datetime]
    involved: dict[str, set[str]] = field(default_factory=dict)
    """Models with anything recorded for the match, by match id."""

    def __post_init__(self) -> None:
        """Index the pairs by match once, not once per match."""
        for pairs in (self.predicted, self.answered, self.skips):
            for match_id, model in pairs:
                self.involved.setdefault(match_id, set()).add(model)


def match_coverage(
    db: Database,
    *,
    since: datetime | None,
    until: datetime,
    model_ids: Iterable[str] | None = None,
) -> list[MatchCoverage]:
    """Coverage of every match that kicked off in ``[since, until]`` and was played, oldest
    first.

    Args:
        db: The store.
        since: First kick-off to include (``None``: from the start).
        until: Last kick-off to include; pass ``now`` (a later match has not kicked off).
        model_ids: The models that should predict (the configuration's active models);
            ``None``: the models the store marks active.
    """
    in_window = _in_window(since, until)
    with db.session() as session:
        matches = list(session.scalars(in_window.order_by(Match.kickoff_at, Match.id)))
        if not matches:
            return []
        if model_ids is None:
            model_ids = session.scalars(select(Model.id).where(Model.active.is_(True)))
        candidates = set(model_ids)
        window_ids = in_window.with_only_columns(Match.id)
        records = _Records(
            predicted=_predicted(session, window_ids),
            answered=_answered(session, window_ids),
            skips=_skips(session, window_ids),
            events=_events(session),
            first_seen=_first_seen(session, candidates),
        )
    return [_coverage(m, candidates, records) for m in matches]


def _in_window(since: datetime | None, until: datetime) -> Select[Any]:
    query = select(Match).where(Match.kickoff_at <= until, Match.status.not_in(NOT_PLAYED))
    return query if since is None else query.where(Match.kickoff_at >= since)


def _in_time() -> ColumnElement[bool]:
    """A prediction stored before its match's kick-off (with ``Match`` joined)."""
    return Prediction.created_at < Match.kickoff_at


def _predicted(session: Session, window: Select[Any]) -> dict[Key, bool]:
    """Compared in SQL: one flag per pair, no timestamp to read back."""
    query = (
        select(Prediction.match_id, Prediction.model_id, _in_time())
        .join(Match, Match.id == Prediction.match_id)
        .where(Prediction.match_id.in_(window))
    )
    return {(match, model): bool(in_time) for match, model, in_time in session.execute(query)}


def _answered(session: Session, window: Select[Any]) -> dict[Key, bool]:
    """Pairs called before kick-off with no prediction in time, and whether a call answered
    (the pairs covered in time are most of them, and need no cause)."""
    ok = func.max(case((PredictionAttempt.ok.is_(True), 1), else_=0))
    covered = (
        select(Prediction.id)
        .where(
            Prediction.match_id == PredictionAttempt.match_id,
            Prediction.model_id == PredictionAttempt.model_id,
            _in_time(),
        )
        .exists()
    )
    query = (
        select(PredictionAttempt.match_id, PredictionAttempt.model_id, ok)
        .join(Match, Match.id == PredictionAttempt.match_id)
        .where(
            PredictionAttempt.match_id.in_(window),
            PredictionAttempt.created_at < Match.kickoff_at,
            ~covered,
        )
        .group_by(PredictionAttempt.match_id, PredictionAttempt.model_id)
    )
    return {(match or "", model): bool(any_ok) for match, model, any_ok in session.execute(query)}


def _skips(session: Session, window: Select[Any]) -> dict[Key, set[str]]:
    query = select(PredictionSkip.match_id, PredictionSkip.model_id, PredictionSkip.reason).where(
        PredictionSkip.match_id.in_(window)
    )
    found: dict[Key, set[str]] = defaultdict(set)
    for match, model, reason in session.execute(query):
        found[(match, model)].add(reason)
    return found


def _events(session: Session) -> dict[str, list[tuple[datetime, str]]]:
    """Every model's state changes, oldest first (a short table: transitions are rare)."""
    query = select(ModelEvent.model_id, ModelEvent.at, ModelEvent.event).order_by(
        ModelEvent.at, ModelEvent.id
    )
    found: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for model, at, event in session.execute(query):
        found[model].append((at, event))
    return found


def _first_seen(session: Session, model_ids: set[str]) -> dict[str, datetime]:
    """When each model first left a record: an attempt, a prediction or a skip.

    One correlated ``MIN`` per model and table: an index seek each on the attempts'
    ``(model_id, created_at)``, never a scan of the whole log on every sweep.
    """
    if not model_ids:
        return {}
    earliest = [
        select(func.min(when)).where(owner == Model.id).scalar_subquery()
        for when, owner in (
            (PredictionAttempt.created_at, PredictionAttempt.model_id),
            (Prediction.created_at, Prediction.model_id),
            (PredictionSkip.at, PredictionSkip.model_id),
        )
    ]
    query = select(Model.id, *earliest).where(Model.id.in_(sorted(model_ids)))
    seen: dict[str, datetime] = {}
    for model, *moments in session.execute(query):
        found = [at for at in moments if at is not None]
        if found:
            seen[model] = min(found)
    return seen


def _state_at(events: list[tuple[datetime, str]], moment: datetime) -> str | None:
    """The last event before ``moment``, if any."""
    last = None
    for at, event in events:
        if at >= moment:
            break
        last = event
    return last


def _expected(match: Match, candidates: set[str], records: _Records) -> list[str]:
    kickoff = match.kickoff_at
    involved = records.involved.get(match.id, set())
    ran = {m for m in candidates if m in records.first_seen and records.first_seen[m] <= kickoff}
    return sorted(
        m
        for m in ran | involved
        if _state_at(records.events.get(m, []), kickoff) not in _PINNED_EVENTS
    )


def _cause(key: Key, kickoff: datetime, records: _Records) -> str:
    reasons = records.skips.get(key, set())
    if "budget" in reasons:
        return "budget"
    state = _state_at(records.events.get(key[1], []), kickoff)
    if "disabled" in reasons or state in _DISABLED_EVENTS:
        return "disabled"
    if records.answered.get(key) is False:
        return "provider_down"
    return "late"


def _coverage(match: Match, candidates: set[str], records: _Records) -> MatchCoverage:
    expected = _expected(match, candidates, records)
    missed: list[tuple[str, str]] = []
    for model in expected:
        key = (match.id, model)
        if not records.predicted.get(key, False):
            missed.append((model, _cause(key, match.kickoff_at, records)))
    return MatchCoverage(
        match_id=match.id,
        competition=match.competition,
        kickoff_at=match.kickoff_at,
        home_team=match.home_team,
        away_team=match.away_team,
        expected=len(expected),
        covered=len(expected) - len(missed),
        misses=dict(Counter(cause for _, cause in missed)),
        missed=tuple(missed),
    )
