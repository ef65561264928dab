"""What the calls cost, and the budget: ``scoreline costs``, ``/admin`` and ``/metrics``.

Costs come from each attempt's ``cost_usd`` (its tokens at the catalog's prices when it was
made, reasoning tokens included); calls whose usage was not reported are counted as
unpriced, never guessed. ``budget_status`` is today's and this month's spend against
``[budget]``: the gate the predict job applies, without a job's estimate; ``budget_view``
is the same as plain data, the one shape ``scoreline costs``, ``/admin`` and ``/metrics``
show.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from scoreline.config import Config
from scoreline.store import (
    BudgetStatus,
    CostKey,
    CostRow,
    Database,
    budget_of,
    cost_rows,
    period_spend,
)

__all__ = ["budget_status", "budget_view", "cost_report"]


def budget_status(db: Database, config: Config, now: datetime) -> BudgetStatus:
    """Spend of ``now``'s UTC day and month against ``[budget]``; open while under both.

    ``open`` is false once a limit is reached: paid models then sit out every job until
    the period ends (``reopens_at``).
    """
    return budget_of(
        period_spend(db, now),
        daily_usd=config.budget.daily_usd,
        monthly_usd=config.budget.monthly_usd,
    )


def budget_view(db: Database, config: Config, *, now: datetime) -> dict[str, Any]:
    """``budget_status`` as plain data (JSON, templates, metrics): money rounded to the
    micro-dollar, ``reopens_at`` in ISO 8601."""
    data = asdict(budget_status(db, config, now))
    for key in ("spent_today_usd", "spent_month_usd", "estimate_usd"):
        data[key] = round(data[key], 6)
    reopens = data["reopens_at"]
    data["reopens_at"] = None if reopens is None else reopens.isoformat()
    return data


def _row(row: CostRow) -> dict[str, Any]:
    share = row.fallback_cost_usd / row.cost_usd if row.cost_usd > 0 else None
    return {
        "key": row.key,
        "cost_usd": round(row.cost_usd, 6),
        "calls": row.calls,
        "prompt_tokens": row.prompt_tokens,
        "completion_tokens": row.completion_tokens,
        "reasoning_tokens": row.reasoning_tokens,
        "fallback_cost_usd": round(row.fallback_cost_usd, 6),
        "fallback_share": round(share, 4) if share is not None else None,
        "unpriced_calls": row.unpriced,
    }


def cost_report(
    db: Database,
    config: Config,
    *,
    by: CostKey,
    since: datetime | None,
    until: datetime | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Cost, calls, tokens and the fallbacks' share of the cost, by model, provider or day.

    Returns:
        ``by``, ``since``, ``until``, ``rows`` (one per key, see ``_row``), ``total`` (the
        same over every row) and ``budget`` (``budget_view`` now).
    """
    rows = cost_rows(db, by=by, since=since, until=until)
    total = CostRow(
        "total",
        sum(r.cost_usd for r in rows),
        sum(r.calls for r in rows),
        sum(r.prompt_tokens for r in rows),
        sum(r.completion_tokens for r in rows),
        sum(r.reasoning_tokens for r in rows),
        sum(r.fallback_cost_usd for r in rows),
        sum(r.unpriced for r in rows),
    )
    return {
        "by": by,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "rows": [_row(r) for r in rows],
        "total": _row(total),
        "budget": budget_view(db, config, now=now),
    }
