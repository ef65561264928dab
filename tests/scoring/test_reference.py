from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from scoreline.scoring import (
    REFERENCE_FORECASTERS,
    MatchInfo,
    PastResult,
    UnknownReferenceModelError,
    predict_market,
    predict_reference,
    tendency_of,
)
from scoreline.scoring.quotas import Tendency

KICKOFF = datetime(2024, 3, 9, 15, 0, tzinfo=UTC)


def _match(odds: tuple[float, float, float] | None = None) -> MatchInfo:
    home, draw, away = odds if odds else (None, None, None)
    return MatchInfo("Home FC", "Away FC", KICKOFF, home, draw, away, competition="E0")


def _results(score: tuple[int, int], days: range, competition: str = "E0") -> list[PastResult]:
    return [
        PastResult("X", "Y", *score, KICKOFF + timedelta(days=d), competition=competition)
        for d in days
    ]


def test_registry_holds_the_four_reference_models() -> None:
    assert sorted(REFERENCE_FORECASTERS) == [
        "ref-dixon-coles",
        "ref-draw-1-1",
        "ref-home-2-1",
        "ref-market",
    ]


@pytest.mark.parametrize(
    ("model_id", "score"), [("ref-home-2-1", (2, 1)), ("ref-draw-1-1", (1, 1))]
)
def test_fixed_forecasters(model_id: str, score: tuple[int, int]) -> None:
    assert predict_reference(model_id, _match((1.2, 7.0, 15.0)), []) == score


def test_unknown_model_id_names_the_known_ones() -> None:
    with pytest.raises(UnknownReferenceModelError, match="ref-market"):
        predict_reference("ref-oracle", _match(), [])


@pytest.mark.parametrize(
    ("odds", "tendency"),
    [
        ((1.23, 6.84, 12.02), Tendency.HOME),
        ((16.28, 7.82, 1.17), Tendency.AWAY),
        ((1.55, 4.48, 5.87), Tendency.HOME),
        ((4.29, 4.30, 1.74), Tendency.AWAY),
    ],
)
def test_market_backs_the_favourite(odds: tuple[float, float, float], tendency: Tendency) -> None:
    assert tendency_of(*predict_reference("ref-market", _match(odds), [])) is tendency


def test_a_heavier_favourite_gets_a_wider_margin() -> None:
    home, away = predict_market(_match((1.05, 15.0, 40.0)), [])
    assert home - away >= 2


def test_market_without_odds_or_history_predicts_2_1() -> None:
    assert predict_market(_match(), []) == (2, 1)


@pytest.mark.parametrize("bad", [(None, 3.0, 4.0), (1.0, 3.0, 4.0), (0.0, 0.0, 0.0)])
def test_incomplete_odds_count_as_no_odds(bad: tuple[float | None, ...]) -> None:
    match = replace(_match(), odds_home=bad[0], odds_draw=bad[1], odds_away=bad[2])
    assert match.odds is None
    assert predict_market(match, []) == (2, 1)


def test_market_without_odds_uses_the_league_average() -> None:
    away_heavy = _results((0, 2), range(-30, -10))
    assert tendency_of(*predict_market(_match(), away_heavy)) is Tendency.AWAY


def test_market_history_of_another_competition_is_ignored() -> None:
    elsewhere = _results((0, 2), range(-30, -10), competition="D1")
    assert predict_market(_match(), elsewhere) == (2, 1)


def test_later_results_never_change_a_prediction() -> None:
    earlier = _results((0, 2), range(-30, -10))
    later = _results((5, 0), range(0, 40))  # day 0 is kick-off itself: not before it
    match = _match()
    for model_id in ("ref-market", "ref-home-2-1", "ref-draw-1-1"):
        baseline = predict_reference(model_id, match, earlier)
        assert predict_reference(model_id, match, earlier + later) == baseline
        changed = [replace(r, home_goals=0, away_goals=7) for r in later]
        assert predict_reference(model_id, match, changed + earlier) == baseline
    # The same results moved before kick-off do change it: the test has teeth.
    moved = [replace(r, kickoff_at=r.kickoff_at - timedelta(days=60)) for r in later]
    assert predict_market(match, earlier + moved) != predict_market(match, earlier)


def test_naive_base_rates_follow_each_history_and_kick_off() -> None:
    from scoreline.scoring.base_rates import base_rates
    from scoreline.scoring.reference import DrawForecaster, HomeWinForecaster

    naive = [
        cls(model_id, provider="reference", limit=asyncio.Semaphore(1))
        for cls, model_id in ((HomeWinForecaster, "ref-home-2-1"), (DrawForecaster, "ref-draw-1-1"))
    ]
    home_wins = tuple(_results((2, 0), range(-30, -20)))
    draws = tuple(_results((1, 1), range(-30, -20)))
    later = replace(_match(), kickoff_at=KICKOFF + timedelta(days=400))
    for history in (home_wins, draws, home_wins, list(draws)):
        for match in (_match(), later):
            expected = base_rates(match, history)
            assert [f.estimate(match, history).probabilities for f in naive] == [expected] * 2
    assert base_rates(_match(), home_wins) != base_rates(_match(), draws)
    assert base_rates(_match(), home_wins) != base_rates(later, home_wins)
