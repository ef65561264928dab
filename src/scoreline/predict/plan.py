"""What a predict job will do, read from the store before any model is called.

Besides the models still to ask, the plan holds the disabled models whose recovery probe
is due and that this job claimed (``store.claim_probes``: one job wins each), and the paid
models the budget leaves out of this job (``predict.budget``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scoreline.config import Config
from scoreline.config_checks import policy_of
from scoreline.errors import ScorelineError
from scoreline.llm import p95_by_model
from scoreline.predict.budget import BudgetGate, gate_paid_models
from scoreline.predict.prompt import FixtureInfo, build_context, render_prompt, source_lines
from scoreline.scoring import PastResult
from scoreline.store import (
    BatchInputs,
    BudgetStatus,
    Database,
    ModelRow,
    StoredMatch,
    claim_probes,
    due_probes,
    learned_outputs,
    primary_latencies,
    read_batch_inputs,
    snapshots_before,
)

__all__ = ["PredictPlan", "PredictRefusedError", "learned_modes", "load_plan", "model_rows"]


class PredictRefusedError(ScorelineError):
    """The match cannot be predicted now: unknown, not scheduled, or already kicked off."""


@dataclass(frozen=True)
class PredictPlan:
    """The match, its prompt and the models still to ask."""

    match_id: str
    fixture: FixtureInfo
    odds: tuple[float | None, float | None, float | None]
    history: tuple[PastResult, ...]
    prompt: str
    model_ids: tuple[str, ...]
    skipped: int
    cooling: set[str]
    after_kickoff: bool
    answered_before: int = 0
    """Active models that predicted the match in an earlier job (the health rule's count)."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Output modes the store learned (probed, or lowered after a refusal), by model id."""
    notes: tuple[str, ...] = ()
    """What the data sources said before ``now`` (``source_lines``); none without sources."""
    hedge_latency: dict[str, float] = field(default_factory=dict)
    """The recent p95 latency (ms) of each model hedging at ``hedge = "p95"``."""
    probes: frozenset[str] = frozenset()
    """Disabled models asked as their recovery probe (claimed by this job), in ``model_ids``."""
    budget_skipped: tuple[str, ...] = ()
    """Paid models left out because this job would cross the budget."""
    budget: BudgetStatus | None = None
    """The budget this job was decided on (``None``: no limit, or no paid model to ask)."""


def model_rows(config: Config) -> list[ModelRow]:
    """The catalog as store rows."""
    return [
        ModelRow(
            id=m.id,
            provider=m.provider,
            provider_model=m.provider_model(),
            display_name=m.label(),
            tier=m.tier,
            price_prompt_per_1m=m.price_prompt_per_1m,
            price_completion_per_1m=m.price_completion_per_1m,
            fallback_id=m.fallback,
            active=m.active,
        )
        for m in config.models
    ]


def _check(match: StoredMatch, match_id: str, now: datetime, allow: bool) -> None:
    """Refuse a match that is not scheduled or has kicked off, unless allowed."""
    if allow:
        return
    if match.status != "scheduled":
        raise PredictRefusedError(
            f"match {match_id} is {match.status}; pass --allow-after-kickoff to predict it anyway"
        )
    if match.kickoff_at <= now:
        raise PredictRefusedError(
            f"match {match_id} kicked off at {match.kickoff_at:%Y-%m-%d %H:%M} UTC; "
            "pass --allow-after-kickoff to predict it anyway"
        )


def _past(match: StoredMatch) -> PastResult:
    return PastResult(
        competition=match.competition,
        season=match.season,
        kickoff_at=match.kickoff_at,
        home_team=match.home_team,
        away_team=match.away_team,
        home_goals=int(match.home_goals or 0),
        away_goals=int(match.away_goals or 0),
    )


def load_plan(
    db: Database, config: Config, match_id: str, now: datetime, allow_after_kickoff: bool
) -> PredictPlan:
    """Read the match, its history and the models to ask, in one short transaction.

    The catalog is synced in the same transaction, so every model has a health row.

    Raises:
        PredictRefusedError: The match is unknown, or not predictable now and not allowed.
    """
    inputs = read_batch_inputs(
        db, match_id, catalog=model_rows(config), now=now, cooldown=config.cooldown
    )
    if inputs is None:
        raise PredictRefusedError(f"unknown match {match_id!r}")
    match = inputs.match
    _check(match, match_id, now, allow_after_kickoff)
    history = tuple(_past(r) for r in inputs.history)
    fixture = FixtureInfo(
        match_id=match.id,
        competition=match.competition,
        competition_name=match.competition_name,
        season=match.season,
        kickoff_at=match.kickoff_at,
        home_team=match.home_team,
        away_team=match.away_team,
    )
    notes = _notes(db, config, fixture, now)
    prompt = render_prompt(build_context(fixture, history), notes)
    active = [m.id for m in config.active_models()]
    to_ask, probes, gate = _models_to_ask(db, config, inputs, active, prompt, now)
    return PredictPlan(
        match_id=match_id,
        fixture=fixture,
        odds=(match.odds_home, match.odds_draw, match.odds_away),
        history=history,
        prompt=prompt,
        model_ids=to_ask,
        skipped=len(config.models) - len(to_ask),
        cooling=set(inputs.cooling) - probes,
        after_kickoff=now >= fixture.kickoff_at,
        answered_before=sum(m in inputs.done for m in active),
        outputs=learned_modes(db),
        notes=notes,
        hedge_latency=hedge_latencies(db, config, to_ask),
        probes=frozenset(probes),
        budget_skipped=gate.skipped,
        budget=gate.status,
    )


def _models_to_ask(
    db: Database,
    config: Config,
    inputs: BatchInputs,
    active: list[str],
    prompt: str,
    now: datetime,
) -> tuple[tuple[str, ...], set[str], BudgetGate]:
    """The enabled models that have not predicted the match, the due probes this job won,
    both within the budget.

    A probe is claimed only once the budget let it in, so a skipped model keeps its turn.
    """
    open_ = [m for m in active if m not in inputs.done]
    disabled = [m for m in open_ if m in inputs.disabled]
    due = set(due_probes(db, now=now, model_ids=disabled)) if disabled else set()
    gate = gate_paid_models(
        db, config, [m for m in open_ if m not in inputs.disabled or m in due], prompt, now
    )
    probes = set(claim_probes(db, [m for m in gate.kept if m in due], now=now)) if due else set()
    to_ask = tuple(m for m in gate.kept if m not in inputs.disabled or m in probes)
    return to_ask, probes, gate


def _notes(db: Database, config: Config, fixture: FixtureInfo, now: datetime) -> tuple[str, ...]:
    """The sources' lines for the prompt, from snapshots fetched before ``now`` only."""
    if not config.sources:
        return ()
    snapshots = snapshots_before(db, fixture.match_id, fixture.competition, fixture.season, now)
    return source_lines(fixture, snapshots, include_odds=config.prompt.include_odds)


def hedge_latencies(db: Database, config: Config, model_ids: Sequence[str]) -> dict[str, float]:
    """The recent p95 latency of each model that hedges at ``hedge = "p95"`` (ms)."""
    p95 = [m for m in model_ids if policy_of(config, m).hedge_p95]
    return p95_by_model(primary_latencies(db, p95)) if p95 else {}


def learned_modes(db: Database) -> dict[str, str]:
    """The output modes the store learned, by model id: ``Registry(outputs=...)`` of a job."""
    return {m: row.output for m, row in learned_outputs(db).items() if row.output is not None}
