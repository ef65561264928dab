"""What a predict job will do, read from the store before any model is called."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scoreline.config import Config
from scoreline.errors import ScorelineError
from scoreline.predict.prompt import FixtureInfo, build_context, render_prompt, source_lines
from scoreline.scoring import PastResult
from scoreline.store import (
    Database,
    ModelRow,
    StoredMatch,
    learned_outputs,
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
    active = [m.id for m in config.active_models()]
    to_ask = tuple(m for m in active if m not in inputs.done and m not in inputs.disabled)
    return PredictPlan(
        match_id=match_id,
        fixture=fixture,
        odds=(match.odds_home, match.odds_draw, match.odds_away),
        history=history,
        prompt=render_prompt(build_context(fixture, history), notes),
        model_ids=to_ask,
        skipped=len(config.models) - len(to_ask),
        cooling=set(inputs.cooling),
        after_kickoff=now >= fixture.kickoff_at,
        answered_before=sum(m in inputs.done for m in active),
        outputs=learned_modes(db),
        notes=notes,
    )


def _notes(db: Database, config: Config, fixture: FixtureInfo, now: datetime) -> tuple[str, ...]:
    """The sources' lines for the prompt, from snapshots fetched before ``now`` only."""
    if not config.sources:
        return ()
    snapshots = snapshots_before(db, fixture.match_id, fixture.competition, fixture.season, now)
    return source_lines(fixture, snapshots, include_odds=config.prompt.include_odds)


def learned_modes(db: Database) -> dict[str, str]:
    """The output modes the store learned, by model id: ``Registry(outputs=...)`` of a job."""
    return {m: row.output for m, row in learned_outputs(db).items() if row.output is not None}
