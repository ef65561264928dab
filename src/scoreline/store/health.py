"""The model catalog in the database, model health and the shared primary cooldown.

Health counters and cooldown state are changed with single ``UPDATE`` statements that
compute from the stored value (``SET streak = streak + 1``), so several workers updating
the same model concurrently never lose a count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Update, case, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.db import rowcount
from scoreline.store.errors import UnknownModelError
from scoreline.store.tables import Model

__all__ = [
    "CooldownState",
    "ModelRow",
    "cooldown_state",
    "enable_model",
    "list_models",
    "record_model_failure",
    "record_model_success",
    "record_model_successes",
    "record_primary_result",
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


class CooldownState(NamedTuple):
    """A primary model's shared cooldown state."""

    streak: int
    """Consecutive primary failures."""
    cooldown_until: datetime | None
    """End of the running cooldown, or ``None`` when the primary may be called."""


def sync_models(session: Session, models: Iterable[ModelRow]) -> int:
    """Insert or update the catalog columns of these models, keeping their health columns.

    Models missing from ``models`` are left as they are, so their history stays attached.
    Rows already as given are not written: every predict job syncs the catalog, and a
    steady catalog must cost a read, not a write lock.

    Returns:
        How many models were written.
    """
    rows = _changed(session, [asdict(model) for model in models])
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
    names = list(rows[0])
    columns = [getattr(Model, name) for name in names]
    query = select(*columns).where(Model.id.in_([row["id"] for row in rows]))
    stored = {tuple(found) for found in session.execute(query)}
    return [row for row in rows if tuple(row[name] for name in names) not in stored]


def list_models(session: Session) -> list[Model]:
    """Return every model row, health included, sorted by id."""
    return list(session.scalars(select(Model).order_by(Model.id)))


def _update_model(session: Session, model_id: str, statement: Update) -> None:
    if rowcount(session.execute(statement.where(Model.id == model_id))) == 0:
        raise UnknownModelError(model_id)


def record_model_success(session: Session, model_id: str, *, now: datetime) -> None:
    """Record that the model answered: its consecutive-failure count restarts.

    An auto-disabled model stays disabled; only an operator re-enables it.

    Raises:
        UnknownModelError: No model with this id.
    """
    statement = update(Model).values(consecutive_failures=0, last_success_at=now)
    _update_model(session, model_id, statement)


def record_model_successes(session: Session, model_ids: Iterable[str], *, now: datetime) -> int:
    """``record_model_success`` for many models in one statement (the predict job's batch).

    Returns:
        How many models were updated (unknown ids are skipped).
    """
    ids = sorted(set(model_ids))
    if not ids:
        return 0
    statement = (
        update(Model).where(Model.id.in_(ids)).values(consecutive_failures=0, last_success_at=now)
    )
    return rowcount(session.execute(statement))


def record_model_failure(
    session: Session,
    model_id: str,
    *,
    error: str,
    counts_toward_disable: bool,
    disable_after: int,
    now: datetime,
) -> bool:
    """Record a failed call of the model and auto-disable it after too many in a row.

    Args:
        session: Open session.
        model_id: The model that failed.
        error: What went wrong (stored cut to ``MAX_ERROR_LENGTH``; must hold no secret).
        counts_toward_disable: Whether the failure is the model's own (a bad reply) rather
            than the provider's or the network's; only those count.
        disable_after: Consecutive counted failures that disable the model.
        now: Current time, aware UTC.

    Returns:
        True when this call disabled the model (exactly one concurrent caller sees True).

    Raises:
        UnknownModelError: No model with this id.
    """
    step = 1 if counts_toward_disable else 0
    statement = update(Model).values(
        consecutive_failures=Model.consecutive_failures + step,
        last_error=error[:MAX_ERROR_LENGTH],
        last_failure_at=now,
    )
    _update_model(session, model_id, statement)
    if not counts_toward_disable:
        return False
    disable = (
        update(Model)
        .where(Model.id == model_id, Model.auto_disabled.is_(False))
        .where(Model.consecutive_failures >= disable_after)
        .values(auto_disabled=True)
    )
    return rowcount(session.execute(disable)) == 1


def enable_model(session: Session, model_id: str) -> None:
    """Re-enable an auto-disabled model (the operator's decision) and restart its count.

    Raises:
        UnknownModelError: No model with this id.
    """
    statement = update(Model).values(auto_disabled=False, consecutive_failures=0)
    _update_model(session, model_id, statement)


def cooldown_state(session: Session, model_id: str, *, now: datetime) -> CooldownState:
    """Return the primary's failure streak and the end of its cooldown if still running.

    Args:
        session: Open session.
        model_id: The primary model.
        now: Current time, aware UTC; a cooldown that ended by then is reported as ``None``.

    Raises:
        UnknownModelError: No model with this id.
    """
    query = select(Model.primary_failure_streak, Model.cooldown_until).where(Model.id == model_id)
    row = session.execute(query).one_or_none()
    if row is None:
        raise UnknownModelError(model_id)
    until = row.cooldown_until if row.cooldown_until and row.cooldown_until > now else None
    return CooldownState(row.primary_failure_streak, until)


def record_primary_result(
    session: Session,
    model_id: str,
    *,
    ok: bool,
    threshold: int,
    cooldown_s: float,
    now: datetime,
) -> None:
    """Update the shared cooldown state after a call of the primary model.

    A success resets the streak and ends any cooldown. A failure adds one to the streak;
    once the streak reaches ``threshold`` the primary is cooled down until
    ``now + cooldown_s`` (a failed probe after a cooldown starts a new one).

    Raises:
        UnknownModelError: No model with this id.
    """
    if ok:
        statement = update(Model).values(primary_failure_streak=0, cooldown_until=None)
    else:
        # Typed literal: the column's UTC conversion must apply inside the CASE as well.
        until = literal(now + timedelta(seconds=cooldown_s), Model.cooldown_until.type)
        reached = Model.primary_failure_streak + 1 >= threshold
        statement = update(Model).values(
            primary_failure_streak=Model.primary_failure_streak + 1,
            # Both SET expressions read the row as it was before the UPDATE.
            cooldown_until=case((reached, until), else_=Model.cooldown_until),
        )
    _update_model(session, model_id, statement)
