"""The model catalog in the database and model health.

Health is decided once, by ``scoreline.health``, from the attempt records: a primary's
cooldown is read from its last calls whenever it is asked for (never stored), and the
auto-disable streak is counted over its own calls since the operator last re-enabled it.
``auto_disabled``, ``consecutive_failures`` and ``last_error`` stay recorded for operators;
each disabling and re-enabling is a ``model_events`` row written with it. Recovery probes
(``recover_at``, ``pinned``) are claimed and settled in ``store.model_recovery``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.config import CooldownConfig
from scoreline.health import cooldown_until, disable_reason, own_failure_streak
from scoreline.store.attempts import (
    NewAttempt,
    last_attempt_id,
    own_calls_since,
    recent_primary_calls,
)
from scoreline.store.db import Database, rowcount
from scoreline.store.errors import UnknownModelError
from scoreline.store.model_events import add_events
from scoreline.store.tables import Model, utc_now

__all__ = [
    "ModelRow",
    "StoredModel",
    "disabled_model_ids",
    "enable_model",
    "get_model",
    "list_models",
    "sync_models",
]

MAX_ERROR_LENGTH = 500
"""``last_error`` is cut to this many characters: enough to diagnose, not a whole body."""


@dataclass(frozen=True)
class ModelRow:
    """The catalog columns of one model (what the configuration says about it)."""

    id: str
    """Model id in the catalog."""
    provider: str
    """Provider name."""
    provider_model: str
    """The provider's name for the model."""
    display_name: str
    """Name shown on leaderboards."""
    tier: str = "standard"
    """Price/quality tier."""
    price_prompt_per_1m: float = 0.0
    """USD per 1M prompt tokens."""
    price_completion_per_1m: float = 0.0
    """USD per 1M completion tokens."""
    fallback_id: str | None = None
    """Id of the fallback model, if any."""
    active: bool = True
    """Whether the configuration enables the model."""


@dataclass(frozen=True)
class StoredModel(ModelRow):
    """A model as the store knows it: catalog columns, health, and its cooldown now."""

    auto_disabled: bool = False
    """Disabled after too many failures of its own; only an operator re-enables it."""
    consecutive_failures: int = 0
    """Its own failures in a row (provider trouble does not count)."""
    last_error: str | None = None
    """The last failure of its primary call."""
    last_success_at: datetime | None = None
    """When its primary call last answered."""
    last_failure_at: datetime | None = None
    """When its primary call last failed."""
    pinned: bool = False
    """Kept disabled by an operator: never probed for recovery."""
    recover_at: datetime | None = None
    """When a disabled, unpinned model is next probed (``None``: not scheduled)."""
    recover_wait_s: float | None = None
    """The wait before that probe (doubled after each failed one, capped)."""
    cooldown_until: datetime | None = None
    """End of the running cooldown of its primary, ``None`` when not cooling down."""


_CATALOG = tuple(ModelRow.__dataclass_fields__)
_STORED = tuple(name for name in StoredModel.__dataclass_fields__ if name != "cooldown_until")


def write_catalog(session: Session, models: Iterable[ModelRow]) -> int:
    """Insert or update the catalog columns of these models, keeping their health columns.

    Models missing from ``models`` are left as they are, so their history stays attached.
    Rows already as given are not written: every predict job syncs the catalog, and a
    steady catalog must cost a read, not a write lock.

    Returns:
        How many models were written.
    """
    rows = _changed(session, [{n: getattr(m, n) for n in _CATALOG} for m in models])
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    module: Any = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect)
    if module is None:
        raise NotImplementedError(f"sync_models does not support {dialect}")
    statement = module.insert(Model).values(rows)
    catalog = {name: statement.excluded[name] for name in rows[0] if name != "id"}
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=catalog))
    return len(rows)


def _changed(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows that are new or differ from what the table holds."""
    if not rows:
        return rows
    columns = [getattr(Model, name) for name in _CATALOG]
    query = select(*columns).where(Model.id.in_([row["id"] for row in rows]))
    stored = {tuple(found) for found in session.execute(query)}
    return [row for row in rows if tuple(row[name] for name in _CATALOG) not in stored]


def sync_models(db: Database, models: Iterable[ModelRow]) -> int:
    """``write_catalog`` in a transaction of its own.

    Returns:
        How many models were written.
    """
    with db.session() as session:
        return write_catalog(session, models)


def cooling_models(
    session: Session,
    *,
    now: datetime,
    cooldown: CooldownConfig | None = None,
    model_ids: Iterable[str] | None = None,
) -> dict[str, datetime]:
    """The end of each running cooldown at ``now``, by model id (of ``model_ids``, or all).

    Only a model with a fallback cools down: the cooldown sends its calls to the fallback.
    """
    rule = cooldown or CooldownConfig()
    query = select(Model.id).where(Model.fallback_id.is_not(None))
    if model_ids is not None:
        query = query.where(Model.id.in_(list(model_ids)))
    ids = list(session.scalars(query))
    cooling: dict[str, datetime] = {}
    for model_id, calls in recent_primary_calls(session, ids, limit=rule.threshold).items():
        until = cooldown_until(calls, threshold=rule.threshold, seconds=rule.seconds)
        if until is not None and until > now:
            cooling[model_id] = until
    return cooling


def disabled_models(session: Session) -> set[str]:
    """Ids of the auto-disabled models."""
    return set(session.scalars(select(Model.id).where(Model.auto_disabled.is_(True))))


def disabled_model_ids(db: Database) -> set[str]:
    """Ids of the auto-disabled models."""
    with db.session() as session:
        return disabled_models(session)


def _stored(model: Model, cooling: Mapping[str, datetime]) -> StoredModel:
    values = {name: getattr(model, name) for name in _STORED}
    return StoredModel(**values, cooldown_until=cooling.get(model.id))


def list_models(
    db: Database, *, now: datetime, cooldown: CooldownConfig | None = None
) -> list[StoredModel]:
    """Every model, health included, sorted by id.

    Args:
        db: The store.
        now: Current time, aware UTC: a cooldown over by then is ``None``.
        cooldown: The cooldown rule (``config.cooldown``); its defaults when omitted.
    """
    with db.session() as session:
        models = list(session.scalars(select(Model).order_by(Model.id)))
        cooling = cooling_models(session, now=now, cooldown=cooldown)
    return [_stored(model, cooling) for model in models]


def get_model(
    db: Database, model_id: str, *, now: datetime, cooldown: CooldownConfig | None = None
) -> StoredModel | None:
    """One model like ``list_models`` gives it, or ``None`` for an unknown id."""
    with db.session() as session:
        model = session.get(Model, model_id)
        if model is None:
            return None
        cooling = cooling_models(session, now=now, cooldown=cooldown, model_ids=[model_id])
    return _stored(model, cooling)


def enable_model(db: Database, model_id: str, *, now: datetime | None = None) -> None:
    """Re-enable a disabled model (the operator's decision): unpin it, restart its count.

    Calls recorded up to now no longer count toward auto-disable; no probe stays scheduled.
    The ``enabled`` event is recorded with it.

    Raises:
        UnknownModelError: No model with this id.
    """
    with db.session() as session:
        statement = (
            update(Model)
            .where(Model.id == model_id)
            .values(
                auto_disabled=False,
                pinned=False,
                recover_at=None,
                recover_wait_s=None,
                consecutive_failures=0,
                health_reset_attempt_id=last_attempt_id(session),
            )
        )
        if rowcount(session.execute(statement)) == 0:
            raise UnknownModelError(model_id)
        add_events(session, [model_id], "enabled", at=now or utc_now(), reasons={})


def update_health(
    session: Session,
    attempts: Sequence[NewAttempt],
    errors: Mapping[str, str],
    *,
    disable_after: int,
    now: datetime,
    recover_after_s: float | None = None,
) -> list[str]:
    """Update the health of every model whose own primary call is among ``attempts``.

    Call after the attempts are inserted in the same transaction. The model rows are locked
    in id order first, so concurrent jobs count each other's calls and never deadlock.

    Args:
        session: The transaction that recorded the attempts.
        attempts: The calls just recorded.
        errors: ``last_error`` text of each model whose primary call failed.
        disable_after: Own failures in a row that auto-disable a model.
        now: Current time, aware UTC.
        recover_after_s: Schedule a disabled model's first recovery probe this long after
            ``now``; ``None`` leaves it to ``store.schedule_recovery``.

    Returns:
        The models this call disabled, sorted (exactly one concurrent job reports each).
    """
    primaries = {a.model_id: a for a in attempts if a.is_own_primary_call}
    if not primaries:
        return []
    marks = _lock(session, primaries)
    streaks = _own_streaks(session, marks, window=2 * disable_after + 8)
    changes: dict[tuple[tuple[str, Any], ...], list[str]] = defaultdict(list)
    for model_id in sorted(marks):
        call = primaries[model_id]
        values: dict[str, Any] = {"consecutive_failures": streaks[model_id]}
        if call.ok:
            values["last_success_at"] = now
        else:
            error = errors.get(model_id, call.error_class or "error")
            values.update(last_error=error[:MAX_ERROR_LENGTH], last_failure_at=now)
        changes[tuple(sorted(values.items()))].append(model_id)
    for changed, ids in changes.items():  # one statement for all the models that answered
        session.execute(update(Model).where(Model.id.in_(ids)).values(**dict(changed)))
    due = {m: streak for m, streak in streaks.items() if streak >= disable_after}
    reasons = {m: disable_reason(due[m], errors.get(m)) for m in due}
    return _disable(session, reasons, now=now, recover_after_s=recover_after_s)


def _lock(session: Session, model_ids: Iterable[str]) -> dict[str, int | None]:
    """Lock the models' rows in id order; returns where each one's count restarts."""
    query = (
        select(Model.id, Model.health_reset_attempt_id)
        .where(Model.id.in_(sorted(model_ids)))
        .order_by(Model.id)
        # FOR NO KEY UPDATE: waits for other jobs' health updates, not for their predictions
        # (whose foreign keys hold KEY SHARE locks on these rows).
        .with_for_update(key_share=True)
    )
    return {row[0]: row[1] for row in session.execute(query)}


def _own_streaks(
    session: Session, marks: Mapping[str, int | None], *, window: int
) -> dict[str, int]:
    """``own_failure_streak`` of each model over its calls since its mark.

    One query reads the last ``window`` calls of every model; a model whose streak may go
    further back (no success among a full window) reads the rest lazily.
    """
    recent = recent_primary_calls(session, marks, limit=window, after=marks)
    streaks = {}
    for model_id, mark in marks.items():
        calls = recent.get(model_id, [])
        if len(calls) < window or any(call.ok for call in calls):
            streaks[model_id] = own_failure_streak(calls)
            continue
        with closing(own_calls_since(session, model_id, after_id=mark)) as every_call:
            streaks[model_id] = own_failure_streak(every_call)
    return streaks


def _disable(
    session: Session,
    reasons: Mapping[str, str],
    *,
    now: datetime,
    recover_after_s: float | None,
) -> list[str]:
    """Disable the models not disabled yet, recording why; returns those flipped, sorted."""
    if not reasons:
        return []
    values: dict[str, Any] = {"auto_disabled": True}
    if recover_after_s is not None:
        values.update(
            recover_at=now + timedelta(seconds=recover_after_s), recover_wait_s=recover_after_s
        )
    statement = (
        update(Model)
        .where(Model.id.in_(sorted(reasons)), Model.auto_disabled.is_(False))
        .values(**values)
        .returning(Model.id)
    )
    flipped = sorted(session.execute(statement).scalars())
    add_events(session, flipped, "disabled", at=now, reasons=dict(reasons))
    return flipped
