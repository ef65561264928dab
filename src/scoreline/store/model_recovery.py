"""Recovery of disabled models: scheduling, claiming and settling the probes, and pins.

An auto-disabled model that is not pinned carries ``recover_at``, when it is next probed,
and ``recover_wait_s``, the wait that led there. A job that wants to probe it first
*claims* the probe with one conditional ``UPDATE`` (``recover_at <= now`` → ``now + wait``):
of two concurrent jobs exactly one sees a row change, so a model is probed once however
many workers run. A worker that dies mid-probe loses nothing: the model is due again after
the wait. The outcome is *settled* afterwards: re-enabled (``recovered``) or the wait
doubled, capped (``probe_failed``), each with its ``model_events`` row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scoreline.health import next_wait
from scoreline.store.attempts import last_attempt_id
from scoreline.store.db import Database, rowcount
from scoreline.store.errors import UnknownModelError
from scoreline.store.model_events import add_events
from scoreline.store.tables import Model

__all__ = [
    "claim_probes",
    "disable_model",
    "due_probes",
    "schedule_recovery",
    "settle_probes",
]


def _recoverable() -> tuple:
    """Disabled and not pinned: the models recovery may probe."""
    return (Model.auto_disabled.is_(True), Model.pinned.is_(False))


def disable_model(db: Database, model_id: str, *, pin: bool, now: datetime, wait_s: float) -> None:
    """Disable a model by hand; pinned, it is never probed, else probed after ``wait_s``.

    Raises:
        UnknownModelError: No model with this id.
    """
    values: dict[str, Any] = {"auto_disabled": True, "pinned": pin}
    values |= (
        {"recover_at": None, "recover_wait_s": None}
        if pin
        else {"recover_at": now + timedelta(seconds=wait_s), "recover_wait_s": wait_s}
    )
    with db.session() as session:
        statement = update(Model).where(Model.id == model_id).values(**values)
        if rowcount(session.execute(statement)) == 0:
            raise UnknownModelError(model_id)
        event = "pinned" if pin else "disabled"
        reason = f"{event} by an operator"
        add_events(session, [model_id], event, at=now, reasons={model_id: reason})


def schedule_recovery(db: Database, *, now: datetime, wait_s: float) -> list[str]:
    """Give every disabled, unpinned model without a probe time its first one.

    Models disabled by a job (or before recovery existed) are scheduled ``wait_s`` from
    ``now``; a model already scheduled keeps its time.

    Returns:
        The models scheduled now, sorted.
    """
    with db.session() as session:
        statement = (
            update(Model)
            .where(*_recoverable(), Model.recover_at.is_(None))
            .values(recover_at=now + timedelta(seconds=wait_s), recover_wait_s=wait_s)
            .returning(Model.id)
        )
        return sorted(session.execute(statement).scalars())


def due_probes(db: Database, *, now: datetime, model_ids: Iterable[str] | None = None) -> list[str]:
    """The disabled, unpinned models whose probe is due at ``now`` (of ``model_ids``), sorted."""
    query = select(Model.id).where(*_recoverable(), Model.recover_at <= now)
    if model_ids is not None:
        query = query.where(Model.id.in_(list(model_ids)))
    with db.session() as session:
        return sorted(session.scalars(query.order_by(Model.id)))


def claim_probes(db: Database, model_ids: Iterable[str], *, now: datetime) -> list[str]:
    """Claim the due probes of these models: exactly one caller wins each.

    The claim moves ``recover_at`` to ``now + recover_wait_s``, so no other job probes the
    model until this probe is settled, or until the wait runs out if its job died.

    Returns:
        The models this caller claimed, sorted.
    """
    won = []
    with db.session() as session:
        for model_id in sorted(set(model_ids)):
            if _claim(session, model_id, now):
                won.append(model_id)
    return won


def _claim(session: Session, model_id: str, now: datetime) -> bool:
    wait = session.scalar(select(Model.recover_wait_s).where(Model.id == model_id)) or 0.0
    statement = (
        update(Model)
        .where(Model.id == model_id, *_recoverable(), Model.recover_at <= now)
        .values(recover_at=now + timedelta(seconds=max(wait, 1.0)))
    )
    return rowcount(session.execute(statement)) == 1


def settle_probes(
    db: Database,
    outcomes: Mapping[str, str | None],
    *,
    now: datetime,
    first_s: float,
    max_s: float,
) -> tuple[list[str], list[str]]:
    """Record what each claimed probe gave: re-enable, or wait longer.

    Args:
        db: The store.
        outcomes: Each probed model mapped to ``None`` (its own call answered) or the error.
        now: When the probe ended, aware UTC.
        first_s: ``[health] recover_after_s``.
        max_s: ``[health] recover_max_s``.

    Returns:
        The models recovered and those whose probe failed, each sorted.
    """
    recovered, failed = [], []
    with db.session() as session:
        for model_id in sorted(outcomes):
            error = outcomes[model_id]
            if error is None and _recover(session, model_id):
                recovered.append(model_id)
            elif error is not None and _wait_longer(session, model_id, now, first_s, max_s):
                failed.append(model_id)
        add_events(session, recovered, "recovered", at=now, reasons={})
        reasons = {m: f"probe failed: {outcomes[m]}" for m in failed}
        add_events(session, failed, "probe_failed", at=now, reasons=reasons)
    return recovered, failed


def _recover(session: Session, model_id: str) -> bool:
    """Re-enable a model whose probe answered; its earlier calls no longer count."""
    statement = (
        update(Model)
        .where(Model.id == model_id, *_recoverable())
        .values(
            auto_disabled=False,
            consecutive_failures=0,
            recover_at=None,
            recover_wait_s=None,
            health_reset_attempt_id=last_attempt_id(session),
        )
    )
    return rowcount(session.execute(statement)) == 1


def _wait_longer(
    session: Session, model_id: str, now: datetime, first_s: float, max_s: float
) -> bool:
    wait = session.scalar(select(Model.recover_wait_s).where(Model.id == model_id))
    longer = next_wait(wait, first_s=first_s, max_s=max_s)
    statement = (
        update(Model)
        .where(Model.id == model_id, *_recoverable())
        .values(recover_at=now + timedelta(seconds=longer), recover_wait_s=longer)
    )
    return rowcount(session.execute(statement)) == 1
