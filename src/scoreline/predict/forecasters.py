"""Forecasters built from the configuration: the one place that knows the kinds.

Every model of the configuration becomes one ``scoreline.forecast.Forecaster``:

- a model of an OpenAI-compatible provider becomes an ``LLMForecaster``: the prompt, then
  ``Registry.call_with_fallback``, then the reply parsed into a score;
- a model of the ``reference`` provider becomes the in-process forecaster registered for its
  id (``LOCAL_FORECASTERS``: the reference models, plus any added with
  ``register_forecaster``), sharing the provider's ``max_concurrency``.

Everything else (the predict job, ``models check``, the backtest, the registry) only sees the
protocol. A new in-process forecaster is one class registered here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Protocol

from scoreline.config import Config, ModelConfig
from scoreline.forecast import Forecast, ForecastContext, Forecaster, ForecastError, PastResult
from scoreline.llm import ProviderError, Registry
from scoreline.predict.parse import Score, make_accept
from scoreline.predict.prompt import SYSTEM_PROMPT, FixtureInfo, build_context, render_prompt
from scoreline.scoring import REFERENCE_CLASSES, reference_class

__all__ = [
    "LOCAL_FORECASTERS",
    "LLMForecaster",
    "LocalBuilder",
    "build_forecasters",
    "context_of",
    "register_forecaster",
]


class LocalBuilder(Protocol):
    """Builds an in-process forecaster (a ``LocalForecaster`` subclass is one)."""

    def __call__(self, model_id: str, *, provider: str, limit: asyncio.Semaphore) -> Forecaster:
        """The forecaster of ``model_id``, within its provider's concurrency ``limit``."""
        ...


LOCAL_FORECASTERS: dict[str, LocalBuilder] = dict(REFERENCE_CLASSES)
"""In-process forecasters by model id: the reference models and any registered."""


def register_forecaster(model_id: str, builder: LocalBuilder) -> None:
    """Serve ``model_id`` of the ``reference`` provider with ``builder`` (a class).

    Args:
        model_id: The model id the configuration declares on the ``reference`` provider.
        builder: A forecaster class taking ``(model_id, *, provider, limit)``.
    """
    LOCAL_FORECASTERS[model_id] = builder


def context_of(
    fixture: FixtureInfo,
    odds: tuple[float | None, float | None, float | None] = (None, None, None),
    history: Sequence[PastResult] = (),
    notes: Sequence[str] = (),
) -> ForecastContext:
    """The forecasters' context of a match: fixture, odds, earlier results, source notes."""
    return ForecastContext(
        match_id=fixture.match_id,
        competition=fixture.competition,
        competition_name=fixture.competition_name,
        season=fixture.season,
        kickoff_at=fixture.kickoff_at,
        home_team=fixture.home_team,
        away_team=fixture.away_team,
        odds=odds,
        history=tuple(history),
        notes=tuple(notes),
    )


class _Prompts:
    """The prompt of the last context, shared by a job's LLM forecasters (built once)."""

    def __init__(self) -> None:
        self._context: ForecastContext | None = None
        self._prompt = ""

    def render(self, context: ForecastContext) -> str:
        """The prompt of ``context``, rendered once per context object."""
        if context is not self._context:
            fixture = FixtureInfo(
                match_id=context.match_id,
                competition=context.competition,
                competition_name=context.competition_name,
                season=context.season,
                kickoff_at=context.kickoff_at,
                home_team=context.home_team,
                away_team=context.away_team,
            )
            self._prompt = render_prompt(build_context(fixture, context.history), context.notes)
            self._context = context
        return self._prompt


class LLMForecaster:
    """A large language model: prompt, ``call_with_fallback`` with the score parser, score.

    The reply's outcome probabilities come along when usable; unusable ones are dropped with
    their reason (``Forecast.probability_note``) and the score still counts.
    """

    calls_provider = True
    history_days: int | None = None  # the prompt's table and form may reach back any time

    def __init__(
        self, model: ModelConfig, registry: Registry, *, prompts: _Prompts | None = None
    ) -> None:
        """Build the forecaster of ``model``, calling through an open ``registry``."""
        self.model_id = model.id
        self.model = model
        self.registry = registry
        self._prompts = prompts or _Prompts()

    def describe(self) -> str:
        """The model id, its name and its provider."""
        return f"{self.model_id}: {self.model.label()} ({self.model.provider})"

    def prompt(self, context: ForecastContext) -> str:
        """The user prompt sent for ``context`` (after ``SYSTEM_PROMPT``)."""
        return self._prompts.render(context)

    async def forecast(self, context: ForecastContext) -> Forecast:
        """Ask the model (and once its fallback) for the score.

        Raises:
            ForecastError: Both calls failed, or the primary with no fallback to try.
            ConfigError: The model cannot be called (unknown, or its provider has no key).
        """
        try:
            result = await self.registry.call_with_fallback(
                self.model_id,
                SYSTEM_PROMPT,
                self.prompt(context),
                accept=make_accept(context.match_id, probabilities=True),
            )
        except ProviderError as exc:
            raise ForecastError(
                str(exc), error_class=exc.error_class, attempts=exc.attempts
            ) from exc
        score: Score = result.value
        return Forecast(
            score.home,
            score.away,
            probabilities=score.probabilities,
            probability_note=score.probability_note,
            used_fallback=result.used_fallback,
            answered_by=result.answered_by,
            attempts=result.attempts,
        )


def build_forecasters(
    config: Config,
    registry: Registry,
    *,
    local: Mapping[str, LocalBuilder] | None = None,
) -> dict[str, Forecaster]:
    """One forecaster per model of the configuration, by model id.

    In-process forecasters of one provider share one concurrency limit (its
    ``max_concurrency``); LLM forecasters are bounded per provider by the registry.

    Args:
        config: The configuration.
        registry: Where LLM forecasters call (open it before forecasting).
        local: In-process forecasters by model id (default: ``LOCAL_FORECASTERS``).
    """
    builders = LOCAL_FORECASTERS if local is None else local
    limits: dict[str, asyncio.Semaphore] = {}
    prompts = _Prompts()
    forecasters: dict[str, Forecaster] = {}
    for model in config.models:
        provider = config.providers[model.provider]
        if provider.kind == "reference":
            if model.provider not in limits:
                limits[model.provider] = asyncio.Semaphore(provider.max_concurrency)
            builder = builders.get(model.id) or reference_class(model.id)
            limit = limits[model.provider]
            forecaster = builder(model.id, provider=model.provider, limit=limit)
            if hasattr(forecaster, "demargin"):  # the market's de-margining, as configured
                forecaster.demargin = config.scoring.demargin
            forecasters[model.id] = forecaster
        else:
            forecasters[model.id] = LLMForecaster(model, registry, prompts=prompts)
    return forecasters
