"""Reference forecasters: baselines that need no LLM, by model id.

Every forecaster takes the match and earlier results and returns a score and outcome
probabilities. The caller passes only pre-kick-off data, and every forecaster filters
again (``results_before``), so a later result can never change a prediction.

| id                  | score                                    | probabilities             |
| ------------------- | ---------------------------------------- | ------------------------- |
| ``ref-home-2-1``    | always 2-1                               | base rates                |
| ``ref-draw-1-1``    | always 1-1                               | base rates                |
| ``ref-market``      | odds -> Poisson grid -> expected-points  | de-margined odds          |
| ``ref-dixon-coles`` | Dixon-Coles fit -> expected-points       | the fit's grid (stored)   |

Base rates: ``scoring.base_rates``; de-margining: ``scoring.market.DEMARGIN_METHOD``.

Each is also a ``scoreline.forecast.Forecaster`` (a ``LocalForecaster`` subclass registered
in ``REFERENCE_CLASSES``), which is how the predict job and the backtest run them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import cast

from scoreline.forecast import Estimate, LocalForecaster
from scoreline.scoring.base_rates import BASE_RATE_DAYS, base_rates
from scoreline.scoring.dixon_coles import (
    DixonColesSettings,
    estimate_dixon_coles,
    predict_dixon_coles,
)
from scoreline.scoring.history import MatchInfo, PastResult
from scoreline.scoring.market import (
    DEMARGIN_METHOD,
    DemarginMethod,
    estimate_market,
    predict_market,
)

__all__ = [
    "REFERENCE_CLASSES",
    "REFERENCE_FORECASTERS",
    "DixonColesForecaster",
    "DrawForecaster",
    "HomeWinForecaster",
    "MarketForecaster",
    "ReferenceForecaster",
    "UnknownReferenceModelError",
    "predict_draw_1_1",
    "predict_home_2_1",
    "predict_reference",
    "reference_class",
]

ReferenceForecaster = Callable[[MatchInfo, Iterable[PastResult]], tuple[int, int]]
"""A reference model: ``(match, earlier results) -> (home, away)``."""


class UnknownReferenceModelError(LookupError):
    """The model id names no reference forecaster."""


def predict_home_2_1(match: MatchInfo, history: Iterable[PastResult]) -> tuple[int, int]:
    """Always 2-1 (``ref-home-2-1``): the classic home-advantage tip."""
    return (2, 1)


def predict_draw_1_1(match: MatchInfo, history: Iterable[PastResult]) -> tuple[int, int]:
    """Always 1-1 (``ref-draw-1-1``): the contrarian draw tip."""
    return (1, 1)


_RATES: OrderedDict[
    tuple[int, datetime, str | None], tuple[Sequence[PastResult], tuple[float, float, float]]
] = OrderedDict()
_RATES_LOCK = threading.Lock()


def _shared_base_rates(
    match: MatchInfo, history: Sequence[PastResult]
) -> tuple[float, float, float]:
    """``base_rates``, counted once per history, kick-off and competition.

    Both naive forecasters ask for the same rates, and so does every match of a kick-off
    slot: a replayed season counted them 760 times over its whole history. Only a tuple (what
    the predict job and the backtest pass) is remembered: it cannot change, and the entry
    holds it, so its id stays its own.
    """
    if not isinstance(history, tuple):
        return base_rates(match, history)
    key = (id(history), match.kickoff_at, match.competition)
    with _RATES_LOCK:
        kept = _RATES.get(key)
    if kept is not None and kept[0] is history:
        return kept[1]
    rates = base_rates(match, history)
    with _RATES_LOCK:
        _RATES[key] = (history, rates)
        while len(_RATES) > 16:
            _RATES.popitem(last=False)
    return rates


class _Naive(LocalForecaster):
    """A fixed score; the competition's base rates as its probabilities."""

    history_days = BASE_RATE_DAYS + 1
    """The base rates' window, counted from kick-off: one day more for the day's start."""

    def estimate(self, match: MatchInfo, history: Sequence[PastResult]) -> Estimate:
        """The fixed score with the base rates."""
        home, away = self.predict(match, history)
        return Estimate(home, away, probabilities=_shared_base_rates(match, history))


class HomeWinForecaster(_Naive):
    """``ref-home-2-1``: always 2-1, with the base rates."""

    label = "always 2-1 (reference)"
    predict = staticmethod(predict_home_2_1)


class DrawForecaster(_Naive):
    """``ref-draw-1-1``: always 1-1, with the base rates."""

    label = "always 1-1 (reference)"
    predict = staticmethod(predict_draw_1_1)


class MarketForecaster(LocalForecaster):
    """``ref-market``: the de-margined odds and their best score; reads history only for a
    match without odds."""

    history_days = 0
    label = "market odds (reference)"
    demargin: DemarginMethod = DEMARGIN_METHOD
    """How the margin is taken out of the odds (``[scoring]`` may set it per forecaster)."""
    predict = staticmethod(predict_market)

    def estimate(self, match: MatchInfo, history: Sequence[PastResult]) -> Estimate:
        """The de-margined odds and the score they imply."""
        return estimate_market(match, history, method=self.demargin)


class DixonColesForecaster(LocalForecaster):
    """``ref-dixon-coles``: a fit on the competition's results of its look-back window."""

    history_days = DixonColesSettings().lookback_days + 1
    """The look-back counts from the match day (UTC midnight): one day more."""
    label = "Dixon-Coles (reference)"
    predict = staticmethod(predict_dixon_coles)
    estimate = staticmethod(estimate_dixon_coles)


class _Unknown(LocalForecaster):
    """A model of the reference provider that names no reference forecaster: every
    forecast fails with ``reference_error``, naming the known ones."""

    label = "unknown reference model"

    def predict(self, match: MatchInfo, history: Sequence[PastResult]) -> tuple[int, int]:
        return predict_reference(self.model_id, match, history)


REFERENCE_CLASSES: dict[str, type[LocalForecaster]] = {
    "ref-home-2-1": HomeWinForecaster,
    "ref-draw-1-1": DrawForecaster,
    "ref-market": MarketForecaster,
    "ref-dixon-coles": DixonColesForecaster,
}
"""Every reference model by id: the one place a reference forecaster is registered."""

REFERENCE_FORECASTERS: dict[str, ReferenceForecaster] = {
    model_id: cast(ReferenceForecaster, cls.predict)  # a staticmethod: the plain rule
    for model_id, cls in REFERENCE_CLASSES.items()
}
"""Every reference model's rule by id (for notebooks, tests and ``predict_reference``)."""


def reference_class(model_id: str) -> type[LocalForecaster]:
    """The forecaster class of a reference model id (one that always fails when unknown)."""
    return REFERENCE_CLASSES.get(model_id, _Unknown)


def predict_reference(
    model_id: str, match: MatchInfo, history: Iterable[PastResult]
) -> tuple[int, int]:
    """Predict ``match`` with the reference model ``model_id``.

    Args:
        model_id: One of ``REFERENCE_FORECASTERS``.
        match: The match to forecast.
        history: Results known before kick-off (later ones are ignored anyway).

    Returns:
        ``(home, away)``.

    Raises:
        UnknownReferenceModelError: If ``model_id`` is not a reference model.
        MissingExtraError: If ``ref-dixon-coles`` runs without penaltyblog.
    """
    try:
        forecaster = REFERENCE_FORECASTERS[model_id]
    except KeyError:
        known = ", ".join(sorted(REFERENCE_FORECASTERS))
        raise UnknownReferenceModelError(
            f"unknown reference model {model_id!r} (known: {known})"
        ) from None
    return forecaster(match, history)
