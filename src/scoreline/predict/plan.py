"""What a predict job will do, read from the store before any model is called."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scoreline.config import Config
from scoreline.predict.prompt import FixtureInfo, build_context, render_prompt
from scoreline.scoring import PastResult
from scoreline.store import (
    Database,
    Match,
    ModelRow,
    get_match,
    predicted_model_ids,
    sync_models,
)
from scoreline.store.history import cooling_or_disabled, finished_before

__all__ = ["PredictPlan", "PredictRefusedError", "load_plan", "model_rows"]


class PredictRefusedError(Exception):
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


def _check(match: Match | None, match_id: str, now: datetime, allow: bool) -> Match:
    if match is None:
        raise PredictRefusedError(f"unknown match {match_id!r}")
    if allow:
        return match
    if match.status != "scheduled":
        raise PredictRefusedError(
            f"match {match_id} is {match.status}; pass --allow-after-kickoff to predict it anyway"
        )
    if match.kickoff_at <= now:
        raise PredictRefusedError(
            f"match {match_id} kicked off at {match.kickoff_at:%Y-%m-%d %H:%M} UTC; "
            "pass --allow-after-kickoff to predict it anyway"
        )
    return match


def load_plan(
    db: Database, config: Config, match_id: str, now: datetime, allow_after_kickoff: bool
) -> PredictPlan:
    """Read the match, its history and the models to ask, in one short transaction.

    Raises:
        PredictRefusedError: The match is unknown, or not predictable now and not allowed.
    """
    with db.session() as session:
        match = _check(get_match(session, match_id), match_id, now, allow_after_kickoff)
        sync_models(session, model_rows(config))
        done = predicted_model_ids(session, match_id)
        cooling, disabled = cooling_or_disabled(session, now=now)
        earlier = finished_before(session, match.competition, match.kickoff_at)
        history = tuple(
            PastResult(
                competition=r.competition,
                season=r.season,
                kickoff_at=r.kickoff_at,
                home_team=r.home_team,
                away_team=r.away_team,
                home_goals=int(r.home_goals or 0),
                away_goals=int(r.away_goals or 0),
            )
            for r in earlier
        )
        fixture = FixtureInfo(
            match_id=match.id,
            competition=match.competition,
            competition_name=match.competition_name,
            season=match.season,
            kickoff_at=match.kickoff_at,
            home_team=match.home_team,
            away_team=match.away_team,
        )
        odds = (match.odds_home, match.odds_draw, match.odds_away)
    active = [m.id for m in config.active_models()]
    to_ask = tuple(m for m in active if m not in done and m not in disabled)
    return PredictPlan(
        match_id=match_id,
        fixture=fixture,
        odds=odds,
        history=history,
        prompt=render_prompt(build_context(fixture, history)),
        model_ids=to_ask,
        skipped=len(config.models) - len(to_ask),
        cooling=cooling,
        after_kickoff=now >= fixture.kickoff_at,
    )
