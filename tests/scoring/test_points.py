from __future__ import annotations

import itertools

import pytest

from scoreline.scoring import PointsBreakdown, Quotas, score_prediction

QUOTAS = Quotas(home=3, draw=5, away=6)


@pytest.mark.parametrize(
    ("pred", "actual", "expected"),
    [
        pytest.param((2, 1), (2, 1), (3, 1, 3), id="exact home win"),
        pytest.param((3, 2), (2, 1), (3, 1, 0), id="home win, goal difference"),
        pytest.param((3, 1), (2, 1), (3, 0, 0), id="home win, tendency only"),
        pytest.param((1, 1), (1, 1), (5, 1, 3), id="exact draw gets the full bonus"),
        pytest.param((0, 0), (1, 1), (5, 0, 0), id="right draw, wrong score: quota only"),
        pytest.param((2, 2), (0, 0), (5, 0, 0), id="right draw, wrong score, other way"),
        pytest.param((0, 2), (1, 3), (6, 1, 0), id="away win, goal difference"),
        pytest.param((0, 1), (0, 1), (6, 1, 3), id="exact away win at quota 6: 10"),
        pytest.param((1, 3), (0, 1), (6, 0, 0), id="away win, tendency only"),
        pytest.param((2, 1), (1, 1), (0, 0, 0), id="home for a draw"),
        pytest.param((1, 1), (2, 0), (0, 0, 0), id="draw for a home win"),
        pytest.param((0, 1), (1, 0), (0, 0, 0), id="away for a home win"),
    ],
)
def test_score_prediction(
    pred: tuple[int, int], actual: tuple[int, int], expected: tuple[int, int, int]
) -> None:
    points = score_prediction(*pred, *actual, QUOTAS)
    assert points == PointsBreakdown(*expected)
    assert points.total == sum(expected)


def test_ten_points_is_the_maximum_and_is_reached() -> None:
    top = Quotas(6, 6, 6)
    scores = list(itertools.product(range(7), repeat=2))
    totals = [score_prediction(*p, *a, top).total for p in scores for a in scores]
    assert max(totals) == 10
    assert min(totals) == 0


def test_the_actual_tendency_quota_is_paid() -> None:
    assert score_prediction(4, 0, 1, 0, Quotas(2, 6, 6)).tendency == 2
    assert score_prediction(0, 4, 0, 1, Quotas(2, 6, 6)).tendency == 6


def test_negative_goals_are_rejected() -> None:
    with pytest.raises(ValueError):
        score_prediction(-1, 0, 0, 0, QUOTAS)
