"""The ``Forecaster`` protocol: the pre-kick-off context of one match in, a ``Forecast`` out.

Every forecaster looks the same to its callers (the predict job, ``models check``, the
backtest): a large language model behind the fallback and a reference model running numpy
code in-process alike. Callers read capabilities (``calls_provider``, ``history_days``) and
never ask what kind a forecaster is; the one place that builds forecasters from the
configuration (``scoreline.predict.forecasters``) is the only one that knows.

A failure is one error type, ``ForecastError``, carrying ``error_class``, a message and the
attempt records of the calls made, so the job stores the same attempt rows whatever failed.

The context types here are plain values, not the store's rows: a forecaster must be callable
from a notebook, a backtest or a test without a database, and must only ever see what was
known before kick-off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from scoreline.llm import Attempt

__all__ = [
    "Estimate",
    "Forecast",
    "ForecastContext",
    "ForecastError",
    "Forecaster",
    "LocalForecaster",
    "MatchInfo",
    "PastResult",
]

LOCAL_ERROR = "reference_error"
"""``error_class`` of an in-process forecaster that raised: a bug, not a provider failure."""


@dataclass(frozen=True, slots=True)
class MatchInfo:
    """The match to forecast, as known before kick-off."""

    home_team: str
    """Home team name (football-data short form)."""
    away_team: str
    """Away team name."""
    kickoff_at: datetime
    """Kick-off, timezone-aware UTC."""
    odds_home: float | None = None
    """Pre-match decimal odds of a home win, if known."""
    odds_draw: float | None = None
    """Pre-match decimal odds of a draw, if known."""
    odds_away: float | None = None
    """Pre-match decimal odds of an away win, if known."""
    competition: str | None = None
    """Competition code (e.g. ``E0``); models that fit on history use only its results."""

    @property
    def odds(self) -> tuple[float, float, float] | None:
        """The 1X2 odds, or None when any is missing or not a valid decimal price (> 1)."""
        triple = (self.odds_home, self.odds_draw, self.odds_away)
        if any(o is None or not o > 1.0 for o in triple):
            return None
        return (float(triple[0]), float(triple[1]), float(triple[2]))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PastResult:
    """A finished match that a forecaster may learn from."""

    home_team: str
    """Home team name."""
    away_team: str
    """Away team name."""
    home_goals: int
    """Full-time home goals."""
    away_goals: int
    """Full-time away goals."""
    kickoff_at: datetime
    """Kick-off, timezone-aware UTC."""
    competition: str | None = None
    """Competition code, or None when unknown (then it counts for any competition)."""
    season: str | None = None
    """Season (``2024-25``), for the league table a prompt shows; None when unknown."""


@dataclass(frozen=True, slots=True)
class ForecastContext:
    """Everything a forecaster may know about one match before its kick-off."""

    match_id: str
    """The match."""
    competition: str
    """Competition code, e.g. ``E0``."""
    season: str
    """Season, e.g. ``2024-25``."""
    kickoff_at: datetime
    """Kick-off, timezone-aware UTC."""
    home_team: str
    """Home team name."""
    away_team: str
    """Away team name."""
    competition_name: str | None = None
    """Competition name for people, when known."""
    odds: tuple[float | None, float | None, float | None] = (None, None, None)
    """Pre-match decimal odds (home, draw, away), each None when unknown."""
    history: tuple[PastResult, ...] = ()
    """Results known before kick-off (forecasters filter by kick-off again)."""
    notes: tuple[str, ...] = ()
    """What the data sources said before the job started (missing players, line-ups…)."""

    @property
    def match(self) -> MatchInfo:
        """The match in the shape the reference rules take."""
        return MatchInfo(
            home_team=self.home_team,
            away_team=self.away_team,
            kickoff_at=self.kickoff_at,
            odds_home=self.odds[0],
            odds_draw=self.odds[1],
            odds_away=self.odds[2],
            competition=self.competition,
        )


@dataclass(frozen=True, slots=True)
class Forecast:
    """A forecaster's answer for one match."""

    home_goals: int
    """Predicted full-time home goals."""
    away_goals: int
    """Predicted full-time away goals."""
    probabilities: tuple[float, float, float] | None = None
    """Outcome probabilities ``(p_home, p_draw, p_away)``, when the forecaster gives them."""
    used_fallback: bool = False
    """The answer came from the configured fallback model."""
    answered_by: str | None = None
    """The model id that actually answered."""
    attempts: tuple[Attempt, ...] = ()
    """One record per call made on the forecaster's behalf."""
    probability_note: str | None = None
    """Why the reply's probabilities were dropped (the score still counts)."""
    score_matrix: str | None = None
    """The full score distribution as JSON, for forecasters that have one."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """What an in-process rule gives for one match: a score and, when it has them, the
    outcome probabilities and the full score distribution."""

    home_goals: int
    """Predicted full-time home goals."""
    away_goals: int
    """Predicted full-time away goals."""
    probabilities: tuple[float, float, float] | None = None
    """``(p_home, p_draw, p_away)``, summing to 1."""
    score_matrix: str | None = None
    """The score distribution as JSON (rows home goals), for rules that have one."""


class ForecastError(Exception):
    """A forecaster gave no forecast; carries the attempt records of the calls made."""

    def __init__(self, message: str, *, error_class: str, attempts: Sequence[Attempt] = ()) -> None:
        """Build the error.

        Args:
            message: What went wrong, for people and for the model's ``last_error``.
            error_class: Short, stable name of the failure (``timeout``, ``reference_error``).
            attempts: The calls made, in order.
        """
        super().__init__(message)
        self.message = message
        self.error_class = error_class
        self.attempts: tuple[Attempt, ...] = tuple(attempts)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.message, self.error_class, self.attempts))


def _rebuild(message: str, error_class: str, attempts: tuple[Attempt, ...]) -> ForecastError:
    return ForecastError(message, error_class=error_class, attempts=attempts)


@runtime_checkable
class Forecaster(Protocol):
    """Forecasts one match from its pre-kick-off context."""

    @property
    def model_id(self) -> str:
        """The id predictions are attributed to."""
        ...

    @property
    def calls_provider(self) -> bool:
        """Whether forecasting calls a remote provider (network-bound, may fall back)."""
        ...

    @property
    def history_days(self) -> int | None:
        """Days of results before kick-off it reads for a match with odds; None: all."""
        ...

    async def forecast(self, context: ForecastContext) -> Forecast:
        """Forecast the match.

        Raises:
            ForecastError: No forecast; carries ``error_class`` and the attempts made.
        """
        ...

    def describe(self) -> str:
        """One line saying who forecasts, for attribution."""
        ...


class LocalForecaster:
    """Base of in-process forecasters: the rule runs in a thread within a concurrency limit.

    Subclasses implement ``predict`` (the score) and, to give probabilities too,
    ``estimate``; one attempt record (the provider's name, the latency, ok or
    ``reference_error``) is made per forecast, like a provider call.
    """

    calls_provider = False
    history_days: int | None = None
    label = "in-process forecaster"

    def __init__(self, model_id: str, *, provider: str, limit: asyncio.Semaphore) -> None:
        """Build the forecaster.

        Args:
            model_id: The configured model id.
            provider: The configured provider's name, stored with each attempt.
            limit: Shared by the provider's forecasters: its ``max_concurrency``.
        """
        self.model_id = model_id
        self.provider = provider
        self.limit = limit

    def predict(self, match: MatchInfo, history: Sequence[PastResult]) -> tuple[int, int]:
        """The rule: ``(home, away)`` from the match and earlier results."""
        raise NotImplementedError

    def estimate(self, match: MatchInfo, history: Sequence[PastResult]) -> Estimate:
        """The score with probabilities; by default ``predict``'s score alone."""
        home, away = self.predict(match, history)
        return Estimate(home, away)

    def describe(self) -> str:
        """The model id and what it is."""
        return f"{self.model_id}: {self.label}"

    async def forecast(self, context: ForecastContext) -> Forecast:
        """Run ``estimate`` in a thread; any exception becomes a ``reference_error``."""
        started = time.perf_counter()
        async with self.limit:
            try:
                got = await asyncio.to_thread(self.estimate, context.match, context.history)
            except Exception as exc:  # a forecaster bug must not sink the other models
                attempt = self._attempt(started, ok=False)
                raise ForecastError(
                    repr(exc)[:300], error_class=LOCAL_ERROR, attempts=(attempt,)
                ) from exc
        attempt = self._attempt(started, ok=True)
        return Forecast(
            got.home_goals,
            got.away_goals,
            probabilities=got.probabilities,
            answered_by=self.model_id,
            attempts=(attempt,),
            score_matrix=got.score_matrix,
        )

    def _attempt(self, started: float, *, ok: bool) -> Attempt:
        # Imported here: the protocol alone (read by the web app) must not load the SDK.
        from scoreline.llm import Attempt

        latency = (time.perf_counter() - started) * 1000
        error_class = None if ok else LOCAL_ERROR
        return Attempt(self.model_id, self.provider, ok, latency, error_class=error_class)
