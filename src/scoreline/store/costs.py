"""Money: what the calls cost (``prediction_attempts.cost_usd``), by period and by key.

Each attempt carries its cost at the catalog's prices when it was made. A call whose usage
the provider did not report has no cost: it adds nothing to a sum and is counted as
*unpriced*, so a total is never silently presented as complete. Periods are UTC days and
months; the budget rule (``budget_of``) compares them with ``[budget]``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import Select, bindparam, case, func, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from scoreline.store.db import Database
from scoreline.store.tables import PredictionAttempt

__all__ = [
    "COST_KEYS",
    "BudgetStatus",
    "CostKey",
    "CostRow",
    "PeriodSpend",
    "budget_of",
    "cost_rows",
    "period_spend",
    "recent_job_costs",
]

CostKey = Literal["model", "provider", "day"]
COST_KEYS: tuple[str, ...] = ("model", "provider", "day")

A = PredictionAttempt
_MODELS_PER_QUERY = 100  # subqueries per UNION ALL: far below SQLite's compound-select limit


@dataclass(frozen=True)
class PeriodSpend:
    """What the calls of the current UTC day and month cost so far."""

    day_start: datetime
    month_start: datetime
    day_usd: float
    month_usd: float
    day_unpriced: int
    """Calls of the day without a cost (usage not reported): the sum leaves them out."""
    month_unpriced: int


@dataclass(frozen=True)
class BudgetStatus:
    """Spend against ``[budget]``, and whether paid models may be called."""

    spent_today_usd: float
    spent_month_usd: float
    daily_usd: float | None
    """The day's limit; ``None``: no limit."""
    monthly_usd: float | None
    unpriced_today: int
    unpriced_month: int
    estimate_usd: float
    """What the job being decided would add (0 for a plain status)."""
    open: bool
    """Whether spend plus the estimate stays within every limit."""
    reason: str | None
    """Why it is closed (``None`` when open)."""
    reopens_at: datetime | None
    """When the period that closed it ends (``None`` when open)."""


def _periods(now: datetime) -> tuple[datetime, datetime, datetime, datetime]:
    today = now.astimezone(UTC).date()
    day = datetime.combine(today, time(), tzinfo=UTC)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return day, day + timedelta(days=1), month, next_month


def period_spend(db: Database, now: datetime) -> PeriodSpend:
    """The cost of the calls made in ``now``'s UTC day and month (one query)."""
    day, day_end, month, month_end = _periods(now)
    in_day = (A.created_at >= day) & (A.created_at < day_end)
    unpriced = A.cost_usd.is_(None)
    query = select(
        func.coalesce(func.sum(case((in_day, A.cost_usd))), 0.0),
        func.coalesce(func.sum(A.cost_usd), 0.0),
        func.count(case((in_day & unpriced, 1))),
        func.count(case((unpriced, 1))),
    ).where(A.created_at >= month, A.created_at < month_end)
    with db.session() as session:
        day_usd, month_usd, day_unpriced, month_unpriced = session.execute(query).one()
    return PeriodSpend(
        day, month, float(day_usd), float(month_usd), int(day_unpriced), int(month_unpriced)
    )


def budget_of(
    spend: PeriodSpend,
    *,
    daily_usd: float | None,
    monthly_usd: float | None,
    estimate_usd: float = 0.0,
) -> BudgetStatus:
    """The budget rule: closed when spend plus the estimate would cross a limit.

    With no estimate, a limit reached exactly is closed (nothing more may be spent).
    The budget reopens by construction when the period that closed it ends.
    """
    reason, reopens = None, None
    checks = (
        ("daily", daily_usd, spend.day_usd, spend.day_start + timedelta(days=1)),
        ("monthly", monthly_usd, spend.month_usd, _periods(spend.month_start)[3]),
    )
    for name, limit, spent, ends in checks:
        if limit is None:
            continue
        total = round(spent + estimate_usd, 9)  # sums of float cents: compare to a nano-dollar
        crosses = total > limit if estimate_usd > 0 else total >= limit
        if crosses and reason is None:
            reason = (
                f"{name} budget: ${spent:.4f} spent + ${estimate_usd:.4f} estimated > ${limit:.4f}"
            )
            reopens = ends
    return BudgetStatus(
        spent_today_usd=spend.day_usd,
        spent_month_usd=spend.month_usd,
        daily_usd=daily_usd,
        monthly_usd=monthly_usd,
        unpriced_today=spend.day_unpriced,
        unpriced_month=spend.month_unpriced,
        estimate_usd=estimate_usd,
        open=reason is None,
        reason=reason,
        reopens_at=reopens,
    )


def recent_job_costs(
    db: Database, model_ids: Iterable[str], *, limit: int = 20
) -> dict[str, list[float]]:
    """Each model's cost per match over its last ``limit`` priced calls, newest first.

    A match's cost sums every call made for the model (a fallback costs both calls), so
    the mean of these is what asking the model once more is likely to cost.
    """
    ids = sorted(set(model_ids))
    per_match: dict[str, dict[Any, float]] = defaultdict(dict)
    with db.session() as session:
        for start in range(0, len(ids), _MODELS_PER_QUERY):
            chunk = ids[start : start + _MODELS_PER_QUERY]
            params: dict[str, Any] = {"n": limit} | {f"m{i}": m for i, m in enumerate(chunk)}
            for model_id, match_id, cost, _, _ in session.execute(
                _latest_priced(len(chunk)), params
            ):
                jobs = per_match[model_id]
                jobs[match_id] = jobs.get(match_id, 0.0) + float(cost)
    return {m: list(jobs.values()) for m, jobs in per_match.items()}


@functools.lru_cache(maxsize=16)
def _latest_priced(size: int) -> Select[Any]:
    """The last ``:n`` priced calls of ``size`` models (``:m0`` ...), newest first, one query.

    One ``LIMIT`` per model over ``ix_prediction_attempts_model_id_created_at`` (a window
    over every call of forty models would read their whole history for a few rows), built
    once per size with bound parameters: building forty subqueries costs more than running
    them.
    """
    parts = [
        select(A.model_id, A.match_id, A.cost_usd, A.created_at, A.id)
        .where(A.model_id == bindparam(f"m{i}"), A.cost_usd.is_not(None))
        .order_by(A.created_at.desc(), A.id.desc())
        .limit(bindparam("n"))
        .subquery()
        for i in range(size)
    ]
    union = union_all(*(select(part) for part in parts)).subquery()
    return select(union).order_by(union.c.created_at.desc(), union.c.id.desc())


@dataclass(frozen=True)
class CostRow:
    """What the calls of one model, provider or day cost."""

    key: str
    """The model id (the original model: a fallback's call is charged to it), provider or
    UTC day."""
    cost_usd: float
    calls: int
    prompt_tokens: int
    completion_tokens: int
    reasoning_tokens: int
    fallback_cost_usd: float
    """The part of ``cost_usd`` spent on fallback calls."""
    unpriced: int
    """Calls without a cost (usage not reported)."""


def _key(by: CostKey, dialect: str) -> ColumnElement[Any]:
    if by in ("model", "provider"):
        return (A.model_id if by == "model" else A.provider).expression
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", A.created_at), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", A.created_at)  # SQLite keeps naive UTC


def cost_rows(
    db: Database, *, by: CostKey, since: datetime | None = None, until: datetime | None = None
) -> list[CostRow]:
    """Cost, calls and tokens of the calls from ``since`` to ``until``, grouped ``by``."""
    if by not in COST_KEYS:
        raise ValueError(f"cost rows by {by!r}: use one of {', '.join(COST_KEYS)}")
    key = _key(by, db.dialect).label("key")
    fallback = case((A.is_fallback.is_(True), A.cost_usd))
    query = select(
        key,
        func.coalesce(func.sum(A.cost_usd), 0.0),
        func.count(),
        func.coalesce(func.sum(A.prompt_tokens), 0),
        func.coalesce(func.sum(A.completion_tokens), 0),
        func.coalesce(func.sum(A.reasoning_tokens), 0),
        func.coalesce(func.sum(fallback), 0.0),
        func.count(case((A.cost_usd.is_(None), 1))),
    ).group_by(key)
    if since is not None:
        query = query.where(A.created_at >= since)
    if until is not None:
        query = query.where(A.created_at < until)
    with db.session() as session:
        rows = [
            CostRow(str(k), float(c), int(n), int(p), int(o), int(r), float(f), int(u))
            for k, c, n, p, o, r, f, u in session.execute(query.order_by(key))
        ]
    return rows
