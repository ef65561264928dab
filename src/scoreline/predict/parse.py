"""Reading a predicted score out of a model's reply.

Models answer in many shapes: a JSON array, an object, ``{"predictions": [...]}``, inside
code fences, after a think block, embedded in prose; keys in snake_case or camelCase; scores
as numbers, numeric strings or ``"2-1"``. The parser accepts all of these and nothing looser.

Score values: whole numbers 0–20. An int is taken as is; a float is taken only when it is
integral (``2.0`` → 2, a JSON number written with a fraction of zero); a string of digits is
taken (``"2"`` → 2), since several models quote every value; everything else is rejected:
booleans, negatives, fractions (2.5), words ("two"), numbers above 20.

Attribution: an entry naming another match id is never credited to the asked match; an
entry without an id is credited only when it is the reply's only entry.

A rejection's message quotes only short excerpts of the reply (``_QUOTE_CHARS``): it is
stored as the model's last error, and the registry redacts it again before it is raised.

Outcome probabilities (``p_home``, ``p_draw``, ``p_away``) ride along with the score and never
reject a reply: ``scoreline.predict.reply_probabilities`` says how they are read, and why
unusable ones are dropped (the reason travels as ``Score.probability_note``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from scoreline.llm import extract_json_span, strip_thinking
from scoreline.predict.reply_probabilities import PROBABILITY_KEYS, read_probabilities
from scoreline.tendency import tendency_of

__all__ = [
    "MAX_GOALS",
    "REJECTION_KINDS",
    "ReplyParseError",
    "Score",
    "make_accept",
    "parse_score",
    "parse_scores",
    "reply_schema",
]

MAX_GOALS = 20
_ID_KEYS = ("match_id", "matchId", "matchID", "id", "match")
_HOME_KEYS = ("home_score", "homeScore", "home_goals", "homeGoals", "home")
_AWAY_KEYS = ("away_score", "awayScore", "away_goals", "awayGoals", "away")
_LIST_KEYS = ("predictions", "matches", "results")
_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)
_SCORE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[-:–]\s*(\d{1,2})\s*$")
_QUOTE_CHARS = 40
_QUOTED_IDS = 5
_LAST_WORD = re.compile(r"\S+$")


def _quote(value: Any) -> str:
    """A short excerpt of a value from the reply, for an error message.

    A long value is cut at a space, never inside a word: half a key would no longer match
    the value the registry redacts.
    """
    text = repr(value)
    if len(text) <= _QUOTE_CHARS:
        return text
    cut = text[:_QUOTE_CHARS]
    if not text[_QUOTE_CHARS].isspace():
        cut = _LAST_WORD.sub("", cut)
    return cut + "…"


NO_SCORE = "no score found"
NOT_WHOLE = "not a whole number"
OUT_OF_RANGE = "goals out of range"
OTHER_MATCH = "no score for this match"
CONFLICTING = "conflicting scores"
REJECTION_KINDS = (NO_SCORE, NOT_WHOLE, OUT_OF_RANGE, OTHER_MATCH, CONFLICTING)
"""The stable kinds of rejection: an attempt's parse verdict, grouped by ``parse-stats``."""


class ReplyParseError(ValueError):
    """The reply holds no valid score for the asked match; the message says why.

    ``kind`` is one of ``REJECTION_KINDS``: stable, so rejections can be counted by it, while
    the message names the field and the value.
    """

    def __init__(self, message: str, kind: str = NO_SCORE) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Score:
    """A predicted full-time score, with the outcome probabilities stated beside it."""

    home: int
    away: int
    match_id: str | None = None
    probabilities: tuple[float, float, float] | None = None
    """``(p_home, p_draw, p_away)`` summing to 1, when the reply gave usable ones."""
    probability_note: str | None = None
    """Why the reply's probabilities were dropped (the score still counts)."""

    @property
    def result(self) -> str:
        """The tendency: ``H``, ``D`` or ``A``."""
        return tendency_of(self.home, self.away).value


def _goals(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise ReplyParseError(f"{field}: a boolean is not a score", NOT_WHOLE)
    if isinstance(value, int):
        goals = value
    elif isinstance(value, float) and value.is_integer():
        goals = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        goals = int(value.strip())
    else:
        raise ReplyParseError(f"{field}: {_quote(value)} is not a whole number", NOT_WHOLE)
    if not 0 <= goals <= MAX_GOALS:
        raise ReplyParseError(f"{field}: {goals} is outside 0-{MAX_GOALS}", OUT_OF_RANGE)
    return goals


def _first(entry: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    for key in keys:
        if key in entry:
            value = entry[key]
            if key in ("home", "away") and isinstance(value, str) and _has_letters(value):
                continue  # a team name, not a score
            return key, value
    return None


def _has_letters(value: str) -> bool:
    return any(ch.isalpha() for ch in value) and value.strip().casefold() not in _NUMBER_WORDS


_NUMBER_WORDS = frozenset({"zero", "one", "two", "three", "four", "five", "six"})


def _entry_score(entry: dict[str, Any]) -> Score | None:
    found_id = _first(entry, _ID_KEYS)
    match_id = None
    if (
        found_id is not None
        and isinstance(found_id[1], (str, int))
        and not isinstance(found_id[1], bool)
    ):
        match_id = str(found_id[1]).strip()
    probabilities, note = read_probabilities(entry)
    home, away = _first(entry, _HOME_KEYS), _first(entry, _AWAY_KEYS)
    if home is not None and away is not None:
        goals = (_goals(home[1], home[0]), _goals(away[1], away[0]))
        return Score(*goals, match_id, probabilities, note)
    score = entry.get("score") or entry.get("prediction")
    if isinstance(score, str) and (m := _SCORE_TEXT.match(score)):
        goals = (_goals(m[1], "score"), _goals(m[2], "score"))
        return Score(*goals, match_id, probabilities, note)
    if isinstance(score, dict):
        inner = _entry_score(score)
        if inner is not None:
            stated = (probabilities, note) if probabilities or note else None
            inner_stated = (inner.probabilities, inner.probability_note)
            return Score(
                inner.home, inner.away, match_id or inner.match_id, *(stated or inner_stated)
            )
    return None


def _entries(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                yield item
    elif isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                yield from _entries(data[key])
                return
        yield data


def _documents(text: str) -> Iterator[Any]:
    """JSON documents found in the text, most explicit first."""
    cleaned = strip_thinking(text)
    for candidate in [cleaned, *_FENCE.findall(cleaned)]:
        try:
            yield json.loads(candidate)
            continue
        except ValueError:
            pass
        span = extract_json_span(candidate)
        if span is not candidate:
            try:
                yield json.loads(span)
            except ValueError:
                continue


def parse_scores(text: str) -> list[Score]:
    """Every score entry of the first JSON document in the reply that holds any.

    Raises:
        ReplyParseError: No JSON document with a score, or an entry with an invalid score.
    """
    for document in _documents(text):
        scores = [s for s in (_entry_score(e) for e in _entries(document)) if s is not None]
        if scores:
            return scores
    raise ReplyParseError("no JSON score found in the reply")


def parse_score(text: str, match_id: str) -> Score:
    """The score the reply gives for ``match_id``.

    Raises:
        ReplyParseError: No valid score for that match.
    """
    scores = parse_scores(text)
    wanted = match_id.strip().casefold()
    named = [s for s in scores if s.match_id is not None and s.match_id.casefold() == wanted]
    if not named:
        unnamed = [s for s in scores if s.match_id is None]
        if len(scores) == 1 and unnamed:
            return replace(unnamed[0], match_id=match_id)
        others = sorted({s.match_id for s in scores if s.match_id is not None})
        named_ids = ", ".join(_quote(other) for other in others[:_QUOTED_IDS])
        more = f" and {len(others) - _QUOTED_IDS} more" if len(others) > _QUOTED_IDS else ""
        raise ReplyParseError(
            f"no score for match {match_id}"
            + (f" (reply names {named_ids}{more})" if others else ""),
            OTHER_MATCH,
        )
    if len({(s.home, s.away) for s in named}) > 1:
        raise ReplyParseError(f"conflicting scores for match {match_id}", CONFLICTING)
    return replace(named[0], match_id=match_id)


def reply_schema(*, probabilities: bool = False) -> dict[str, Any]:
    """The JSON Schema of the reply the system prompt asks for (strict: every key required).

    Goals are integers 0-20; with ``probabilities`` (what ``SYSTEM_PROMPT`` asks for) each
    entry also carries ``p_home``, ``p_draw`` and ``p_away`` between 0 and 1.
    """
    goals = {"type": "integer", "minimum": 0, "maximum": MAX_GOALS}
    entry: dict[str, Any] = {
        "match_id": {"type": "string"},
        "home_score": goals,
        "away_score": goals,
    }
    if probabilities:
        entry |= {k: {"type": "number", "minimum": 0, "maximum": 1} for k in PROBABILITY_KEYS}
    item = {
        "type": "object",
        "properties": entry,
        "required": list(entry),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"predictions": {"type": "array", "items": item}},
        "required": ["predictions"],
        "additionalProperties": False,
    }


class _Accept:
    """Parses one match's score; declares the reply's schema for ``json_schema`` mode."""

    def __init__(self, match_id: str, json_schema: dict[str, Any]) -> None:
        self.match_id = match_id
        self.json_schema = json_schema

    def __call__(self, text: str) -> Score:
        return parse_score(text, self.match_id)


def make_accept(match_id: str, *, probabilities: bool = False) -> Any:
    """An ``accept`` function for ``Registry.call_with_fallback`` that parses this match.

    It carries ``json_schema`` (``reply_schema``), which the registry sends to a model whose
    output mode is ``json_schema``; with ``probabilities`` the schema asks for them (the
    parser reads them either way, and never rejects a reply for them).
    """
    return _Accept(match_id, reply_schema(probabilities=probabilities))
