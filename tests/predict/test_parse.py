"""Reply parsing, table-driven: every shape models answer in, and every way to get it wrong."""

from __future__ import annotations

import pytest

from scoreline.predict import ReplyParseError, Score, parse_score, parse_scores

MID = "E0-2024-25-0101"

GOOD: list[tuple[str, str, tuple[int, int]]] = [
    ("plain object", '{"home_score": 2, "away_score": 1}', (2, 1)),
    ("object with id", f'{{"match_id": "{MID}", "home_score": 0, "away_score": 0}}', (0, 0)),
    (
        "predictions wrapper",
        f'{{"predictions": [{{"match_id": "{MID}", "home_score": 3, "away_score": 1}}]}}',
        (3, 1),
    ),
    ("bare array", f'[{{"match_id": "{MID}", "home_score": 1, "away_score": 2}}]', (1, 2)),
    ("camelCase", f'{{"matchId": "{MID}", "homeScore": 2, "awayScore": 2}}', (2, 2)),
    ("id key", f'{{"id": "{MID}", "home": 4, "away": 0}}', (4, 0)),
    ("goals keys", '{"home_goals": 1, "away_goals": 0}', (1, 0)),
    ("code fence", 'Here you go:\n```json\n{"home_score": 2, "away_score": 0}\n```', (2, 0)),
    ("bare fence", '```\n{"home_score": 1, "away_score": 1}\n```', (1, 1)),
    (
        "after think block",
        '<think>Arsenal are strong at home, 3-0?</think>{"home_score": 2, "away_score": 1}',
        (2, 1),
    ),
    (
        "after thinking block",
        '<thinking>hmm</thinking>\n{"home_score": 0, "away_score": 1}',
        (0, 1),
    ),
    (
        "embedded in prose",
        'I expect a tight game. {"home_score": 1, "away_score": 0} is my call.',
        (1, 0),
    ),
    ("numeric strings", '{"home_score": "2", "away_score": "1"}', (2, 1)),
    ("integral floats", '{"home_score": 2.0, "away_score": 0.0}', (2, 0)),
    ("score string", f'{{"match_id": "{MID}", "score": "3-2"}}', (3, 2)),
    ("team names and score", '{"home": "Arsenal", "away": "Chelsea", "score": "1-1"}', (1, 1)),
    (
        "pick asked id among several",
        f'{{"predictions": [{{"match_id": "X-1", "home_score": 5, "away_score": 0}}, {{"match_id": "{MID}", "home_score": 1, "away_score": 3}}]}}',
        (1, 3),
    ),
    (
        "id case-insensitive",
        f'{{"match_id": "{MID.lower()}", "home_score": 2, "away_score": 2}}',
        (2, 2),
    ),
    ("upper bound", '{"home_score": 20, "away_score": 0}', (20, 0)),
    (
        "reasoning then json",
        'Home form is W W D. Final answer:\n{"predictions":[{"home_score":2,"away_score":1}]}',
        (2, 1),
    ),
    (
        "matches wrapper",
        f'{{"matches": [{{"match_id": "{MID}", "home_score": 0, "away_score": 2}}]}}',
        (0, 2),
    ),
    ("nested score object", f'{{"match_id": "{MID}", "score": {{"home": 2, "away": 3}}}}', (2, 3)),
]

BAD: list[tuple[str, str, str]] = [
    ("prose only", "I think the home side will win comfortably.", "no JSON score"),
    ("empty", "", "no JSON score"),
    ("boolean", '{"home_score": true, "away_score": 0}', "boolean"),
    ("negative", '{"home_score": -1, "away_score": 0}', "outside"),
    ("fraction", '{"home_score": 2.5, "away_score": 1}', "whole number"),
    ("word", '{"home_score": "two", "away_score": 1}', "whole number"),
    ("out of range", '{"home_score": 27, "away_score": 3}', "outside"),
    (
        "other match only",
        '{"match_id": "E0-2024-25-0999", "home_score": 1, "away_score": 0}',
        "E0-2024-25-0999",
    ),
    (
        "two unnamed entries",
        '[{"home_score": 1, "away_score": 0}, {"home_score": 2, "away_score": 0}]',
        "no score for match",
    ),
    (
        "conflicting duplicates",
        f'[{{"match_id": "{MID}", "home_score": 1, "away_score": 0}}, {{"match_id": "{MID}", "home_score": 2, "away_score": 0}}]',
        "conflicting",
    ),
    ("missing away", '{"home_score": 1}', "no JSON score"),
    ("null score", '{"home_score": null, "away_score": 1}', "whole number"),
    ("broken json", '{"home_score": 2, "away_score": ', "no JSON score"),
    ("think only", "<think>It will be 2-1</think>", "no JSON score"),
    ("decimal string", '{"home_score": "2.0", "away_score": "1"}', "whole number"),
]


@pytest.mark.parametrize(("name", "text", "expected"), GOOD, ids=[g[0] for g in GOOD])
def test_accepts_good_replies(name: str, text: str, expected: tuple[int, int]) -> None:
    score = parse_score(text, MID)
    assert (score.home, score.away) == expected
    assert score.match_id == MID


@pytest.mark.parametrize(("name", "text", "reason"), BAD, ids=[b[0] for b in BAD])
def test_rejects_bad_replies(name: str, text: str, reason: str) -> None:
    with pytest.raises(ReplyParseError, match=reason):
        parse_score(text, MID)


def test_parse_scores_returns_every_entry() -> None:
    scores = parse_scores(
        '[{"match_id": "a", "home": 1, "away": 0}, {"match_id": "b", "home": 0, "away": 0}]'
    )
    assert scores == [Score(1, 0, "a"), Score(0, 0, "b")]


@pytest.mark.parametrize(("home", "away", "result"), [(2, 1, "H"), (1, 1, "D"), (0, 3, "A")])
def test_score_result(home: int, away: int, result: str) -> None:
    assert Score(home, away).result == result
