from __future__ import annotations

from fractions import Fraction

import pytest

from scoreline.scoring import Quotas, Tendency, compute_quotas, quota_for_share, tendency_of

H, D, A = Tendency.HOME, Tendency.DRAW, Tendency.AWAY


@pytest.mark.parametrize(
    ("tendencies", "expected"),
    [
        pytest.param([H] * 6 + [D] * 5, Quotas(3, 3, 6), id="6H+5D: 2.5 rounds half up to 3"),
        pytest.param([], Quotas(2, 2, 2), id="no predictions: all 2"),
        pytest.param([H] * 10, Quotas(2, 6, 6), id="all home: 2, unpredicted 6"),
        pytest.param([D] * 3, Quotas(6, 2, 6), id="all draw"),
        pytest.param([H, D, A], Quotas(3, 3, 3), id="even split: 3.2 -> 3"),
        pytest.param([H] * 9 + [A], Quotas(2, 6, 6), id="10% share: 7.4 clamps to 6"),
        pytest.param([H] * 4 + [D], Quotas(2, 4, 6), id="20% share: 4.4 -> 4"),
        pytest.param([H] * 3 + [A], Quotas(2, 6, 4), id="25% share: 3.8 -> 4"),
        pytest.param([H] * 5 + [A] * 5, Quotas(3, 6, 3), id="50%: 2.6 -> 3"),
        pytest.param([H] * 3 + [D] * 2, Quotas(2, 3, 6), id="60%: 2.4 -> 2; 40%: 2.9 -> 3"),
        pytest.param([A] * 2 + [H] * 5, Quotas(2, 6, 4), id="2 of 7: exactly 3.5 -> 4"),
        pytest.param([D] * 6 + [H] * 25, Quotas(2, 5, 6), id="6 of 31: exactly 4.5 -> 5"),
        pytest.param([A] * 6 + [H] * 35, Quotas(2, 6, 6), id="6 of 41: exactly 5.5 -> 6"),
        pytest.param(["H", "D", "A", "H"], Quotas(3, 4, 4), id="letters accepted"),
    ],
)
def test_compute_quotas(tendencies: list[Tendency | str], expected: Quotas) -> None:
    assert compute_quotas(tendencies) == expected


def test_half_way_shares_are_exact_not_float() -> None:
    # The three half-way cases above land on .5 exactly; float arithmetic would not.
    for count, total, half in [(6, 11, Fraction(5, 2)), (2, 7, Fraction(7, 2))]:
        share = Fraction(count, total)
        assert Fraction(6) / (10 * share) - Fraction(6, 10) + 2 == half
    assert round(2.5) == 2  # why the rounding is not Python's round
    assert quota_for_share(6, 11) == 3


def test_accepts_a_generator() -> None:
    assert compute_quotas(t for t in [H, H, D]) == compute_quotas([H, H, D])


@pytest.mark.parametrize(("count", "total"), [(-1, 3), (4, 3), (0, -1)])
def test_quota_for_share_rejects_impossible_counts(count: int, total: int) -> None:
    with pytest.raises(ValueError):
        quota_for_share(count, total)


def test_unknown_tendency_is_rejected() -> None:
    with pytest.raises(ValueError):
        compute_quotas(["X"])


@pytest.mark.parametrize(
    ("home", "away", "expected"),
    [(2, 1, H), (0, 0, D), (3, 3, D), (0, 1, A), (10, 0, H)],
)
def test_tendency_of(home: int, away: int, expected: Tendency) -> None:
    assert tendency_of(home, away) is expected


def test_tendency_values_are_the_stored_letters() -> None:
    assert [t.value for t in Tendency] == ["H", "D", "A"]
    assert str(Tendency.DRAW) == "D"


def test_for_tendency() -> None:
    quotas = Quotas(home=2, draw=5, away=6)
    assert [quotas.for_tendency(t) for t in (H, D, A)] == [2, 5, 6]
    assert quotas.for_tendency("A") == 6
