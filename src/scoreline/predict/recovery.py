"""Recovery probes: a disabled model is asked once more, and re-enabled when it answers.

A model auto-disabled for failures of its own (and not pinned) is due for a probe
``[health] recover_after_s`` after it was disabled. The probe is one real prediction
call on the next due match (``load_plan`` claims it, the job settles it with
``settle_job_probes``), or, when no match is due, a canary: the sample match of
``models check`` sent to the model alone, without its fallback (``recover_idle``, run by
the worker between jobs). Success re-enables the model (``recovered``); failure doubles
the wait up to ``recover_max_s`` (``probe_failed``). The budget gates canaries like jobs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from scoreline.config import Config
from scoreline.forecast import ForecastContext, ForecastError
from scoreline.llm import Attempt, Registry
from scoreline.predict.budget import gate_paid_models
from scoreline.predict.forecasters import build_forecasters, context_of
from scoreline.predict.plan import learned_modes
from scoreline.predict.prompt import render_prompt, sample_context
from scoreline.predict.record import ModelOutcome, attempt_row
from scoreline.store import (
    Database,
    NewAttempt,
    claim_probes,
    due_probes,
    insert_attempts,
    schedule_recovery,
    settle_probes,
)

__all__ = ["probe_error", "recover_idle", "settle_job_probes"]

log = logging.getLogger("scoreline.health")


def probe_error(outcome: ModelOutcome) -> str | None:
    """``None`` when the model's own call answered; else why the probe failed.

    A fallback's answer does not count: the probe asks whether the model itself is back.
    """
    own = [a for a in outcome.attempts if not a.is_fallback and a.model_id == outcome.model_id]
    if not own:
        return "no call of the model was made"
    if own[0].ok:
        return None
    return f"{own[0].error_class or 'error'}: {outcome.error or 'its reply was not accepted'}"


def settle_job_probes(
    db: Database, config: Config, outcomes: Sequence[ModelOutcome], *, now: datetime
) -> tuple[list[str], list[str]]:
    """Re-enable the probed models that answered, make the others wait longer.

    Returns:
        The models recovered and those whose probe failed, each sorted.
    """
    errors = {o.model_id: probe_error(o) for o in outcomes}
    recovered, failed = settle_probes(
        db,
        errors,
        now=now,
        first_s=config.health.recover_after_s,
        max_s=config.health.recover_max_s,
    )
    for model_id in recovered:
        log.info("model %s recovered: its probe answered", model_id)
    for model_id in failed:
        log.warning("model %s is still failing: %s", model_id, errors[model_id])
    return recovered, failed


def recover_idle(db: Database, config: Config, now: datetime) -> list[str]:
    """Probe every disabled model whose probe is due with a canary; returns those probed.

    For the worker's idle sweep (no event loop may be running in the calling thread).
    Models served in-process are never probed this way: they have no endpoint to recover.
    """
    schedule_recovery(db, now=now, wait_s=config.health.recover_after_s)
    served = [m.id for m in config.active_models() if config.provider_of(m.id).needs_endpoint]
    due = due_probes(db, now=now, model_ids=served)
    if not due:
        return []
    context = context_of(sample_context(now).fixture)
    gate = gate_paid_models(db, config, due, render_prompt(sample_context(now)), now)
    claimed = claim_probes(db, gate.kept, now=now)
    if not claimed:
        return []
    outcomes = asyncio.run(_canaries(config, claimed, context, learned_modes(db)))
    insert_attempts(db, [_attempt_row(config, o, a, now) for o in outcomes for a in o.attempts])
    settle_job_probes(db, config, outcomes, now=now)
    return claimed


async def _canaries(
    config: Config,
    model_ids: Sequence[str],
    context: ForecastContext,
    outputs: dict[str, str],
) -> list[ModelOutcome]:
    """Ask each model alone (its fallback removed): the canary tests the model, not its backup,
    in the output mode the store learned for it, as its jobs would."""
    alone = config.model_copy(
        update={
            "models": [
                m.model_copy(update={"fallback": None}) if m.id in model_ids else m
                for m in config.models
            ]
        }
    )
    async with Registry(alone, outputs=outputs) as registry:
        forecasters = build_forecasters(alone, registry)

        async def one(model_id: str) -> ModelOutcome:
            try:
                forecast = await forecasters[model_id].forecast(context)
            except ForecastError as exc:
                return ModelOutcome(model_id, None, attempts=exc.attempts, error=exc.message)
            return ModelOutcome(model_id, None, attempts=forecast.attempts)

        return list(await asyncio.gather(*(one(m) for m in model_ids)))


def _attempt_row(config: Config, outcome: ModelOutcome, a: Attempt, now: datetime) -> NewAttempt:
    """The canary's call as an attempt row (no match): its cost counts like any other."""
    row = attempt_row(
        None, outcome.model_id, a, now, uncounted_reason="recovery canary: not a match"
    )
    return row if row.cost_usd is not None else replace(row, cost_usd=_cost(config, a))


def _cost(config: Config, a: Attempt) -> float | None:
    """The call's cost at the catalog's prices when the usage was reported."""
    if a.prompt_tokens is None and a.completion_tokens is None:
        return None
    model = config.model(a.model_id)
    return (
        (a.prompt_tokens or 0) * model.price_prompt_per_1m
        + (a.completion_tokens or 0) * model.price_completion_per_1m
    ) / 1e6
