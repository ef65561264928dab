"""The budget gate: paid models sit out a job that would cross ``[budget]``.

Before a job calls paid models, today's and this month's spend (``store.period_spend``)
plus a conservative estimate of the job's cost are compared with ``daily_usd`` and
``monthly_usd``. Crossing either skips every paid model for this job (reference
forecasters and free models still run); the skip is recorded as ``budget`` per model and
is not a failure. The budget reopens by construction when the UTC day or month ends, and
a later job of the same match may still predict it before kick-off.

The estimate, per model: the mean cost per match of its last priced calls (a fallback's
call included), or, with no history, one call at the catalog's prices with the prompt's
length in tokens (about three characters each, rounding up) and its ``max_tokens`` of
completion.

While the budget stays closed, the reconcile sweep leaves a match alone once its job has run
the free models and skipped the paid ones (``held_by_budget``): the job would only skip
them again. The sweep enqueues it again when the budget reopens, before kick-off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from scoreline.config import Config
from scoreline.predict.prompt import SYSTEM_PROMPT
from scoreline.store import (
    BudgetStatus,
    Database,
    PeriodSpend,
    budget_of,
    list_skips,
    period_spend,
    recent_job_costs,
)

__all__ = [
    "BudgetGate",
    "estimate_costs",
    "gate_paid_models",
    "held_by_budget",
    "is_paid",
    "price_estimate",
]

log = logging.getLogger("scoreline.budget")

HISTORY_CALLS = 20
"""How many of a model's latest priced calls its estimate is read from."""
CHARS_PER_TOKEN = 3
"""Conservative: English text averages closer to four characters per token."""


@dataclass(frozen=True)
class BudgetGate:
    """Which models a job may call, and the budget it was decided on."""

    kept: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    """Paid models left out because the budget would be crossed."""
    status: BudgetStatus | None = None
    """The budget with this job's estimate; ``None`` when no limit applied."""


def _priced(config: Config, model_id: str) -> bool:
    model = config.model(model_id)
    served = config.providers[model.provider].needs_endpoint
    return served and (model.price_prompt_per_1m > 0 or model.price_completion_per_1m > 0)


def is_paid(config: Config, model_id: str) -> bool:
    """Whether asking the model may cost money: it, or its fallback, is a priced endpoint."""
    fallback = config.model(model_id).fallback
    return _priced(config, model_id) or (fallback is not None and _priced(config, fallback))


def price_estimate(config: Config, model_id: str, prompt: str) -> float:
    """One call at the catalog's prices, the prompt in and ``max_tokens`` out: of the model,
    or of its fallback when only the fallback is priced (the call that would cost)."""
    model = config.model(model_id)
    if not _priced(config, model_id) and model.fallback is not None:
        model = config.model(model.fallback)
    prompt_tokens = -(-(len(SYSTEM_PROMPT) + len(prompt)) // CHARS_PER_TOKEN)
    return (
        prompt_tokens * model.price_prompt_per_1m + model.max_tokens * model.price_completion_per_1m
    ) / 1e6


def estimate_costs(
    db: Database, config: Config, model_ids: Sequence[str], prompt: str
) -> dict[str, float]:
    """What asking each model once more is likely to cost, by model id."""
    history = recent_job_costs(db, model_ids, limit=HISTORY_CALLS)
    estimates = {}
    for model_id in model_ids:
        costs = history.get(model_id)
        estimates[model_id] = (
            sum(costs) / len(costs) if costs else price_estimate(config, model_id, prompt)
        )
    return estimates


def gate_paid_models(
    db: Database, config: Config, model_ids: Sequence[str], prompt: str, now: datetime
) -> BudgetGate:
    """Keep every model when the budget allows the job's paid calls, else only the free ones.

    Without a limit, or without a paid model to ask, the store is not read at all.
    """
    budget = config.budget
    paid = [m for m in model_ids if is_paid(config, m)]
    if (budget.daily_usd is None and budget.monthly_usd is None) or not paid:
        return BudgetGate(tuple(model_ids))
    estimate = sum(estimate_costs(db, config, paid, prompt).values())
    status = budget_of(
        period_spend(db, now),
        daily_usd=budget.daily_usd,
        monthly_usd=budget.monthly_usd,
        estimate_usd=estimate,
    )
    if status.open:
        return BudgetGate(tuple(model_ids), (), status)
    log.warning("%d paid models skipped: %s", len(paid), status.reason)
    kept = tuple(m for m in model_ids if m not in set(paid))
    return BudgetGate(kept, tuple(paid), status)


def held_by_budget(
    db: Database, config: Config, match_id: str, missing: Iterable[str], spend: PeriodSpend
) -> set[str]:
    """The paid models among ``missing`` that a job of the match already skipped for the
    budget and that the job's rule would skip again at ``spend``: no use asking it yet.

    Skipped since ``spend``'s UTC day began: held (spend only grows within a day and a
    month). Skipped earlier: held while the rule, on an estimate read without the match's
    prompt (the sweep does not build it), still closes; that estimate is at most the job's,
    so where the two disagree the job runs and decides, never the reverse.
    """
    budget = config.budget
    paid = [m for m in missing if is_paid(config, m)]
    if (budget.daily_usd is None and budget.monthly_usd is None) or not paid:
        return set()
    skipped = {s.model_id: s.at for s in list_skips(db, match_id=match_id, reason="budget")}
    held = {m for m in paid if m in skipped}
    if not held or all(skipped[m] >= spend.day_start for m in held):
        return held
    estimate = sum(estimate_costs(db, config, paid, "").values())
    status = budget_of(
        spend, daily_usd=budget.daily_usd, monthly_usd=budget.monthly_usd, estimate_usd=estimate
    )
    return set() if status.open else held
