"""Outcome probabilities beside the score: taken when usable, dropped with a reason, never a
reason to reject the score."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scoreline.predict.parse import make_accept, parse_score, reply_schema
from scoreline.predict.reply_probabilities import NOTE_KINDS, read_probabilities

MID = "E0-2024-25-0101"


def reply(**entry: Any) -> str:
    return json.dumps(
        {"predictions": [{"match_id": MID, "home_score": 2, "away_score": 1, **entry}]}
    )


def probs(home: Any, draw: Any, away: Any) -> dict[str, Any]:
    return {"p_home": home, "p_draw": draw, "p_away": away}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (probs(0.5, 0.3, 0.2), (0.5, 0.3, 0.2)),
        (probs(0.5, 0.3, 0.18), (0.5 / 0.98, 0.3 / 0.98, 0.18 / 0.98)),  # 0.98: renormalised
        (probs(0.5, 0.3, 0.23), (0.5 / 1.03, 0.3 / 1.03, 0.23 / 1.03)),  # the upper edge
        (probs(45, 30, 25), (0.45, 0.30, 0.25)),  # percentages
        (probs(50, 30, 19), (50 / 99, 30 / 99, 19 / 99)),  # percentages summing to 99
        (probs("0.5", "0.3", "0.2"), (0.5, 0.3, 0.2)),  # quoted numbers
        (probs(1, 0, 0), (1.0, 0.0, 0.0)),
        ({"pHome": 0.6, "pDraw": 0.25, "pAway": 0.15}, (0.6, 0.25, 0.15)),
        ({"probabilities": {"home": 0.4, "draw": 0.3, "away": 0.3}}, (0.4, 0.3, 0.3)),
    ],
)
def test_usable_probabilities_are_kept_summing_to_one(
    entry: dict[str, Any], expected: tuple[float, float, float]
) -> None:
    score = parse_score(reply(**entry), MID)
    assert (score.home, score.away, score.match_id) == (2, 1, MID)
    assert score.probabilities == pytest.approx(expected, abs=1e-12)
    assert sum(score.probabilities or ()) == pytest.approx(1.0, abs=1e-12)
    assert score.probability_note is None


@pytest.mark.parametrize(
    ("entry", "note"),
    [
        (probs(0.6, 0.4, 0.2), "probabilities: sum 1.20 outside 0.97-1.03"),
        (probs(0.3, 0.3, 0.3), "probabilities: sum 0.90 outside 0.97-1.03"),
        (probs(0, 0, 0), "probabilities: sum 0.00 outside 0.97-1.03"),
        (probs(-0.1, 0.6, 0.5), "probabilities: p_home -0.10 is negative"),
        (probs(1.2, 0, 0), "probabilities: p_home 1.20 is above 1"),
        (probs(60, 30, 30), "probabilities: p_home 60.00 is above 1"),  # 120 %: not percentages
        (probs(float("nan"), 0.5, 0.5), "probabilities: p_home nan is not a number"),
        (probs(0.5, float("inf"), 0.5), "probabilities: p_draw inf is not a number"),
        (probs(True, 0.5, 0.5), "probabilities: p_home True is not a number"),
        (probs(0.5, "high", 0.2), "probabilities: p_draw 'high' is not a number"),
        ({"p_home": 0.5, "p_away": 0.5}, "probabilities: p_draw missing"),
        ({"p_home": 0.5}, "probabilities: p_draw, p_away missing"),
    ],
)
def test_unusable_probabilities_are_dropped_with_a_stable_reason(
    entry: dict[str, Any], note: str
) -> None:
    score = parse_score(reply(**entry), MID)
    assert (score.home, score.away) == (2, 1)  # the score counts all the same
    assert score.probabilities is None
    assert score.probability_note == note
    assert sum(kind in note for kind in NOTE_KINDS) == 1


def test_a_reply_without_probabilities_has_neither_probabilities_nor_a_note() -> None:
    score = parse_score(reply(), MID)
    assert (score.probabilities, score.probability_note) == (None, None)
    assert read_probabilities({"home_score": 1, "away_score": 0}) == (None, None)


def test_probabilities_of_a_bare_object_and_a_nested_score() -> None:
    bare = parse_score(
        '{"home_score": 0, "away_score": 1, "p_home": 0.2, "p_draw": 0.3, "p_away": 0.5}', MID
    )
    assert bare.probabilities == pytest.approx((0.2, 0.3, 0.5))
    nested = parse_score(
        json.dumps(
            {
                "match_id": MID,
                "score": {"home": 1, "away": 1, "p_home": 0.3, "p_draw": 0.4, "p_away": 0.3},
            }
        ),
        MID,
    )
    assert (nested.home, nested.away) == (1, 1)
    assert nested.probabilities == pytest.approx((0.3, 0.4, 0.3))


def test_the_asked_match_keeps_its_own_probabilities_among_several() -> None:
    text = json.dumps(
        {
            "predictions": [
                {"match_id": "X-1", "home_score": 0, "away_score": 3, **probs(0.1, 0.2, 0.7)},
                {"match_id": MID, "home_score": 2, "away_score": 0, **probs(0.6, 0.25, 0.15)},
            ]
        }
    )
    assert parse_score(text, MID).probabilities == pytest.approx((0.6, 0.25, 0.15))


def test_the_schema_asks_for_p_home_p_draw_p_away_when_wanted() -> None:
    item = reply_schema(probabilities=True)["properties"]["predictions"]["items"]
    assert item["required"] == [
        "match_id",
        "home_score",
        "away_score",
        "p_home",
        "p_draw",
        "p_away",
    ]
    assert item["properties"]["p_draw"] == {"type": "number", "minimum": 0, "maximum": 1}
    plain = reply_schema()["properties"]["predictions"]["items"]
    assert "p_home" not in plain["properties"]
    accept = make_accept(MID, probabilities=True)
    assert accept.json_schema == reply_schema(probabilities=True)
    assert accept(reply(**probs(45, 30, 25))).probabilities == pytest.approx((0.45, 0.3, 0.25))
