"""Reference forecasters: baselines that need no LLM, by model id.

Every forecaster takes the match and earlier results and returns a score. The
caller passes only pre-kick-off data, and every forecaster filters again
(``results_before``), so a later result can never change a prediction.

| id                | prediction                                                   |
| ----------------- | ------------------------------------------------------------ |
| ``ref-home-2-1``  | always 2-1                                                   |
| ``ref-draw-1-1``  | always 1-1                                                   |
| ``ref-market``    | odds -> Poisson grid -> expected-points-best score           |
| ``ref-dixon-coles`` | Dixon-Coles fit on history -> expected-points-best score   |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from scoreline.scoring.dixon_coles import predict_dixon_coles
from scoreline.scoring.history import MatchInfo, PastResult
from scoreline.scoring.market import predict_market

__all__ = [
    "REFERENCE_FORECASTERS",
    "ReferenceForecaster",
    "UnknownReferenceModelError",
    "predict_draw_1_1",
    "predict_home_2_1",
    "predict_reference",
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


REFERENCE_FORECASTERS: dict[str, ReferenceForecaster] = {
    "ref-home-2-1": predict_home_2_1,
    "ref-draw-1-1": predict_draw_1_1,
    "ref-market": predict_market,
    "ref-dixon-coles": predict_dixon_coles,
}
"""Every reference model by id."""


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
