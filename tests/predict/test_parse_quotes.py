"""A rejected reply is quoted in short excerpts that never cut a word (half a key) in two."""

from __future__ import annotations

import json

import pytest

from scoreline.predict import parse_score
from scoreline.predict.parse import ReplyParseError

MATCH = "E0-2024-25-0042"
LONG_KEY = "opaque0key0without0any0known0shape0at0all"


def test_a_long_value_is_cut_before_the_word_it_would_split() -> None:
    reply = json.dumps({"match_id": MATCH, "home_score": f"Bearer {LONG_KEY}", "away_score": 1})
    with pytest.raises(ReplyParseError) as info:
        parse_score(reply, MATCH)
    message = str(info.value)
    assert LONG_KEY[:8] not in message
    assert message == "home_score: 'Bearer … is not a whole number"


def test_named_ids_are_few_and_short() -> None:
    entries = [
        {"match_id": f"X-{i}-{'y' * 60}", "home_score": 1, "away_score": 0} for i in range(9)
    ]
    with pytest.raises(ReplyParseError) as info:
        parse_score(json.dumps(entries), MATCH)
    message = str(info.value)
    assert message.endswith("and 4 more)")
    assert "y" * 40 not in message and len(message) < 200
