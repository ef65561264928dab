"""Rejections carry a stable kind (what ``parse-stats`` groups by) and a specific message."""

from __future__ import annotations

import pytest

from scoreline.predict.parse import REJECTION_KINDS, ReplyParseError, parse_score


@pytest.mark.parametrize(
    ("reply", "kind", "message"),
    [
        ("I think the home side will win.", "no score found", "no JSON score found in the reply"),
        (
            '{"home_score": "23.5", "away_score": 1}',
            "not a whole number",
            "home_score: '23.5' is not a whole number",
        ),
        ('{"home_score": true, "away_score": 1}', "not a whole number", None),
        (
            '{"home_score": 25, "away_score": 1}',
            "goals out of range",
            "home_score: 25 is outside 0-20",
        ),
        (
            '{"predictions": [{"match_id": "other", "home_score": 1, "away_score": 0}]}',
            "no score for this match",
            "no score for match m1 (reply names 'other')",
        ),
        (
            '{"predictions": [{"match_id": "m1", "home_score": 1, "away_score": 0},'
            ' {"match_id": "m1", "home_score": 2, "away_score": 0}]}',
            "conflicting scores",
            "conflicting scores for match m1",
        ),
    ],
)
def test_each_rejection_has_a_stable_kind(reply: str, kind: str, message: str | None) -> None:
    with pytest.raises(ReplyParseError) as info:
        parse_score(reply, "m1")
    assert info.value.kind == kind
    assert kind in REJECTION_KINDS
    if message is not None:
        assert str(info.value) == message


def test_the_same_kind_whatever_the_value() -> None:
    kinds = set()
    for value in ('"2.5"', '"two-ish"', "1.5"):
        with pytest.raises(ReplyParseError) as info:
            parse_score(f'{{"home_score": {value}, "away_score": 1}}', "m1")
        kinds.add(info.value.kind)
    assert kinds == {"not a whole number"}
