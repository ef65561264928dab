"""The one date parser: out-of-range moments and inverted windows are refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import HTTPException

from scoreline.moments import check_window, parse_kickoff, parse_moment
from scoreline.web.deps import fallback_window, filter_window

OUT_OF_RANGE = [
    "9999-12-31T23:59:59+14:00",
    "9999-12-31T23:59:59-14:00",  # past datetime.max once converted to UTC
    "0001-01-01T00:00:00+05:00",  # before year 1 once converted to UTC
    "0001-01-01T00:00:00-05:00",
]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_out_of_range_moments_are_a_value_error(value: str) -> None:
    with pytest.raises(ValueError, match="out of range: must be between 1800-01-01 and 2999"):
        parse_moment(value)
    with pytest.raises(ValueError, match="out of range"):
        parse_kickoff(value)


def test_year_99999_is_not_a_date() -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_moment("99999-01-01")


def test_moments_in_range_still_read() -> None:
    assert parse_moment("2025-01-31", end_of_day=True) == datetime(
        2025, 1, 31, 23, 59, 59, 999999, tzinfo=UTC
    )
    assert parse_kickoff("2024-05-19T17:00:00+02:00") == datetime(2024, 5, 19, 15, tzinfo=UTC)


def test_an_inverted_window_is_refused() -> None:
    later, earlier = parse_moment("2025-02-01"), parse_moment("2025-01-01")
    with pytest.raises(ValueError, match=r"since \(2025-02-01T00:00:00\+00:00\) is after until"):
        check_window(later, earlier)
    check_window(earlier, later)
    check_window(None, earlier)


def test_the_api_window_is_a_422_when_inverted_or_out_of_range() -> None:
    with pytest.raises(HTTPException) as inverted:
        filter_window("2025-02-01", "2025-01-01")
    assert inverted.value.status_code == 422
    assert "is after until" in str(inverted.value.detail)
    with pytest.raises(HTTPException) as overflow:
        filter_window("9999-12-31T23:59:59-14:00", None)
    assert overflow.value.status_code == 422
    assert str(overflow.value.detail).startswith("query.since: '9999-12-31T23:59:59-14:00' is")
    assert filter_window(None, "2025-01-01")[1] == datetime(
        2025, 1, 1, 23, 59, 59, 999999, tzinfo=UTC
    )


def test_fallback_window_refuses_a_since_after_todays_end() -> None:
    class State:
        @staticmethod
        def clock() -> datetime:
            return datetime(2025, 1, 1, 12, tzinfo=UTC)

    with pytest.raises(HTTPException) as caught:
        fallback_window(State(), "2025-03-01", None)  # type: ignore[arg-type]
    assert caught.value.status_code == 422
