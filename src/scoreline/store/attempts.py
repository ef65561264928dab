"""Provider calls (``prediction_attempts``): recording them and reading a model's own calls.

The attempt records are the one source of model health: the cooldown of a primary and the
auto-disable streak are both decided by ``scoreline.health`` from a model's own primary calls
(``called_model_id == model_id`` and not a fallback call), newest first.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    bindparam,
    insert,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from scoreline.health import PrimaryCall
from scoreline.store.db import Database
from scoreline.store.outputs import add_prompts, lower_refused_outputs
from scoreline.store.tables import PredictionAttempt

CANCELLED = "cancelled"
"""``error_class`` of a call cancelled because the other call of a hedge answered first
(``scoreline.llm.CANCELLED``; the store may not import ``llm``)."""

__all__ = ["CANCELLED", "NewAttempt", "insert_attempts", "primary_calls", "primary_latencies"]

_MODELS_PER_QUERY = 100  # subqueries per UNION ALL: far below SQLite's compound-select limit


@dataclass(frozen=True)
class NewAttempt:
    """One provider call to record in ``prediction_attempts``."""

    match_id: str | None
    """The match the call was for, if any."""
    model_id: str
    """The ORIGINAL model."""
    called_model_id: str
    """The model actually called (the fallback's id on a fallback call)."""
    provider: str
    """Provider of the called model."""
    is_fallback: bool
    """Whether this call was the fallback call."""
    ok: bool
    """Whether the call produced an accepted answer."""
    error_class: str | None
    """Error class name when not ok."""
    http_status: int | None
    """HTTP status of the reply, if there was one."""
    latency_ms: float
    """Wall time of the call."""
    prompt_tokens: int | None
    """Prompt tokens billed, if reported."""
    completion_tokens: int | None
    """Completion tokens billed, if reported."""
    created_at: datetime
    """When the call was made (aware UTC)."""
    uncounted_reason: str | None = None
    """Why its failure does not count toward auto-disable (``scoreline.health``)."""
    reply_text: str | None = None
    """The reply as received, keys masked, at most 16 KiB (``llm.Evidence``)."""
    parse_verdict: str | None = None
    """``ok`` or the stable kind of rejection; ``None`` when no reply was parsed."""
    parse_reason: str | None = None
    """Why the reply was rejected."""
    served_model: str | None = None
    """The model the provider says answered."""
    request_id: str | None = None
    """The provider's request id."""
    finish_reason: str | None = None
    """``stop``, ``length`` ..."""
    output_mode: str | None = None
    """The output mode the request was sent with."""
    prompt_version: str | None = None
    """``scoreline.predict.PROMPT_VERSION`` when the call was made."""
    prompt_sha256: str | None = None
    """SHA-256 of ``prompt_text``."""
    prompt_text: str | None = None
    """The exact prompt sent; stored once per hash in ``prompts``, not in the attempt row."""
    output_lowered: str | None = None
    """The server refused the output mode: the called model's next calls use this one."""
    reasoning_tokens: int | None = None
    """Tokens spent thinking, when reported (already inside ``completion_tokens``)."""
    cost_usd: float | None = None
    """What the call cost at the catalog's prices when it was made."""
    hedged: bool | None = None
    """Made while another call for the same prediction was still running."""

    @property
    def is_own_primary_call(self) -> bool:
        """Whether this is the model's own call as primary (what its health is read from).

        A primary cancelled because a hedged fallback answered first is neither.
        """
        own = not self.is_fallback and self.called_model_id == self.model_id
        return own and self.error_class != CANCELLED


_NOT_COLUMNS = ("prompt_text", "output_lowered")


def add_attempts(session: Session, rows: Sequence[NewAttempt]) -> int:
    """Insert attempt rows in the caller's transaction; returns how many.

    What the calls teach is recorded with them: each distinct prompt text once in
    ``prompts``, and a refused output mode lowers the called model's learned mode.
    """
    if rows:
        session.execute(insert(PredictionAttempt), [_columns(row) for row in rows])
        add_prompts(session, rows)
        lower_refused_outputs(session, rows)
    return len(rows)


def _columns(row: NewAttempt) -> dict[str, Any]:
    values = asdict(row)
    for name in _NOT_COLUMNS:
        values.pop(name)
    return values


def insert_attempts(db: Database, rows: Sequence[NewAttempt]) -> int:
    """Record provider calls in one transaction.

    Returns:
        How many rows were inserted.
    """
    with db.session() as session:
        return add_attempts(session, rows)


def _own_primary(
    model_id: str | BindParameter[str], after_id: int | BindParameter[int]
) -> Select[bool, str | None, datetime, int, str, str | None]:
    """A model's own primary calls after attempt ``after_id`` (0: all), newest first."""
    # model_id first: ix_prediction_attempts_model_id_created_at serves the newest-first scan.
    return (
        select(
            PredictionAttempt.ok,
            PredictionAttempt.error_class,
            PredictionAttempt.created_at,
            PredictionAttempt.id,
            PredictionAttempt.model_id,
            PredictionAttempt.uncounted_reason,
        )
        .where(PredictionAttempt.model_id == model_id)
        .where(PredictionAttempt.called_model_id == model_id)
        .where(PredictionAttempt.is_fallback.is_(False))
        .where(PredictionAttempt.id > after_id)
        .where(
            or_(PredictionAttempt.error_class.is_(None), PredictionAttempt.error_class != CANCELLED)
        )
        .order_by(PredictionAttempt.created_at.desc(), PredictionAttempt.id.desc())
    )


@functools.lru_cache(maxsize=16)
def _recent_union(size: int) -> CompoundSelect[bool, str | None, datetime, int, str, str | None]:
    """The last ``:n`` own primary calls of ``size`` models (``:m0``, ``:a0`` ...) in one query.

    Built once per size with bound parameters: building 40 subqueries per call would cost
    more than running them.
    """
    parts = [
        select(
            _own_primary(bindparam(f"m{i}"), bindparam(f"a{i}")).limit(bindparam("n")).subquery()
        )
        for i in range(size)
    ]
    return union_all(*parts)


def recent_primary_calls(
    session: Session,
    model_ids: Iterable[str],
    *,
    limit: int,
    after: Mapping[str, int | None] | None = None,
) -> dict[str, list[PrimaryCall]]:
    """The last ``limit`` own primary calls of each model, newest first (one query per 100).

    ``after`` maps a model id to an attempt id: only that model's later calls are read.
    """
    ids = sorted(set(model_ids))
    found: dict[str, list[tuple[datetime, int, PrimaryCall]]] = defaultdict(list)
    for start in range(0, len(ids), _MODELS_PER_QUERY):
        chunk = ids[start : start + _MODELS_PER_QUERY]
        params: dict[str, Any] = {"n": limit}
        for i, model_id in enumerate(chunk):
            params[f"m{i}"], params[f"a{i}"] = model_id, (after or {}).get(model_id) or 0
        result = session.execute(_recent_union(len(chunk)), params)
        for ok, error_class, at, id_, model_id, reason in result:
            found[model_id].append(
                (at, id_, PrimaryCall(bool(ok), error_class, at, reason is None))
            )
    return {
        model_id: [call for _, _, call in sorted(rows, key=lambda r: (r[0], r[1]), reverse=True)]
        for model_id, rows in found.items()
    }


def own_calls_since(
    session: Session, model_id: str, *, after_id: int | None
) -> Generator[PrimaryCall, None, None]:
    """The model's own primary calls recorded after attempt ``after_id``, newest first.

    Fetched lazily: a health rule that stops at the first success reads only what it needs.
    """
    query = _own_primary(model_id, after_id or 0)
    result = session.execute(query.execution_options(yield_per=50))
    try:
        for ok, error_class, at, _, _, reason in result:
            yield PrimaryCall(bool(ok), error_class, at, reason is None)
    finally:
        result.close()


def last_attempt_id(session: Session) -> int | None:
    """The highest attempt id recorded so far (``None`` when there is none)."""
    return session.scalar(
        select(PredictionAttempt.id).order_by(PredictionAttempt.id.desc()).limit(1)
    )


def primary_calls(db: Database, model_id: str, *, limit: int) -> list[PrimaryCall]:
    """The model's last ``limit`` own calls as primary, newest first.

    Args:
        db: The store.
        model_id: The model.
        limit: How many calls at most.
    """
    with db.session() as session:
        return recent_primary_calls(session, [model_id], limit=limit).get(model_id, [])


def primary_latencies(
    db: Database, model_ids: Sequence[str], *, limit: int = 100
) -> dict[str, list[float]]:
    """Each model's last ``limit`` latencies as its own primary, for a hedge's p95.

    The calls that answered and those a hedge cancelled (each a lower bound of what it
    would have taken); failures are left out, a timeout's latency is the timeout's.
    """
    found: dict[str, list[float]] = {}
    with db.session() as session:
        for model_id in model_ids:
            query = (
                select(PredictionAttempt.latency_ms)
                .where(PredictionAttempt.model_id == model_id)
                .where(PredictionAttempt.called_model_id == model_id)
                .where(PredictionAttempt.is_fallback.is_(False))
                .where(
                    or_(
                        PredictionAttempt.ok.is_(True),
                        PredictionAttempt.error_class == CANCELLED,
                    )
                )
                .order_by(PredictionAttempt.created_at.desc(), PredictionAttempt.id.desc())
                .limit(limit)
            )
            found[model_id] = [float(v) for v in session.scalars(query)]
    return found
