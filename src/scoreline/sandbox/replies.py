"""What the sandbox says: plausible score predictions, chat completions and error bodies.

Answers are deterministic per (model name, match id) so a test can predict them and
a demo looks the same every run, and they follow a realistic distribution of
football scores so leaderboards built on sandbox answers look like real ones.

Outcome probabilities (``p_home``, ``p_draw``, ``p_away``) come with each score when the
request asks for them (the prompt or the ``json_schema`` names ``p_home``), leaning towards
the predicted tendency. Two fault modes answer in the other shapes a parser must take: a
``think`` answer leaves them out (the score still counts) and a ``reasoning_only`` answer
states them as percentages.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from http import HTTPStatus
from typing import Any

from scoreline.sandbox.faults import Fault, FaultMode
from scoreline.sandbox.wire import Action, Reply, json_reply

_MATCH_ID = re.compile(r"""match_id["']?\s*[:=]\s*["']?([A-Za-z0-9_.:-]+)""")

# Approximate share (per mille) of each final score in top-flight league football.
_SCORES: tuple[tuple[tuple[int, int], int], ...] = (
    ((1, 1), 116), ((1, 0), 96), ((2, 1), 89), ((0, 0), 76), ((2, 0), 73), ((0, 1), 64),
    ((1, 2), 62), ((2, 2), 48), ((3, 1), 46), ((0, 2), 40), ((3, 0), 38), ((1, 3), 27),
    ((3, 2), 24), ((2, 3), 20), ((0, 3), 19), ((4, 1), 17), ((4, 0), 16), ((1, 4), 9),
    ((3, 3), 9), ((4, 2), 8), ((0, 4), 7), ((2, 4), 5), ((5, 0), 5), ((5, 1), 5),
)  # fmt: skip
_SCORE_TOTAL = sum(weight for _, weight in _SCORES)

PROSE_ANSWER = "I think the home side will win comfortably."
THINK_BLOCK = (
    "<think>Home advantage matters, both sides are in similar form; a close game.</think>\n"
)
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Service unavailable</title></head>"
    "<body><h1>Service temporarily unavailable</h1><p>Please try again later.</p></body></html>"
)

# Fault modes whose outcome does not depend on the request.
_FIXED: dict[FaultMode | None, Reply | Action] = {
    FaultMode.HANG: Action.HANG,
    FaultMode.RESET: Action.RESET,
    FaultMode.NON_JSON: Reply(200, HTML_PAGE.encode(), content_type="text/html; charset=utf-8"),
    FaultMode.BAD_JSON: Reply(
        200, b'{"id": "chatcmpl-sandbox", "object": "chat.completion", "choi'
    ),
}

# status -> (error type, error code, message), in the shape OpenAI's API uses.
_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Bad request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("permission_error", None, "You are not allowed to use this model."),
    404: ("invalid_request_error", "not_found", "Not found."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Try again later."),
    500: ("server_error", None, "The server had an error while processing your request."),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


def find_match_ids(text: str) -> list[str]:
    """Return the match ids a prompt asks about, in order of first mention.

    Ids are taken after `match_id` keys (`match_id: X`, `match_id=X`, `"match_id": "X"`).
    A placeholder such as `"..."` holds no letter or digit and is skipped.
    """
    ids = (m.group(1) for m in _MATCH_ID.finditer(text))
    return list(dict.fromkeys(i for i in ids if any(c.isalnum() for c in i)))


def predict_score(model: str, match_id: str) -> tuple[int, int]:
    """Return the deterministic (home, away) score that `model` predicts for `match_id`."""
    digest = hashlib.sha256(f"{model}\x1f{match_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % _SCORE_TOTAL
    for score, weight in _SCORES:
        if point < weight:
            return score
        point -= weight
    return _SCORES[0][0]


def predict_probabilities(model: str, match_id: str) -> tuple[float, float, float]:
    """Return the deterministic ``(p_home, p_draw, p_away)`` beside `predict_score`'s score.

    The predicted tendency gets 0.40-0.70 (a draw 0.30-0.45); the rest is shared by the two
    others. Two decimals, summing to exactly 1.00 as most models write them.
    """
    digest = hashlib.sha256(f"{model}\x1f{match_id}\x1fp".encode()).digest()
    first, second = digest[0] / 255, digest[1] / 255
    home, away = predict_score(model, match_id)
    if home == away:
        draw = round(0.30 + 0.15 * first, 2)
        p_home = round((1 - draw) * (0.45 + 0.2 * second), 2)
        return (p_home, draw, round(1 - draw - p_home, 2))
    favourite = round(0.40 + 0.30 * first, 2)
    draw = round((1 - favourite) * (0.4 + 0.2 * second), 2)
    other = round(1 - favourite - draw, 2)
    return (favourite, draw, other) if home > away else (other, draw, favourite)


def answer_text(
    model: str,
    match_ids: list[str],
    *,
    out_of_range: bool = False,
    probabilities: str | None = None,
) -> str:
    """Return the JSON text a well-behaved model would reply with.

    Args:
        model: the requested model name; it seeds the scores.
        match_ids: the ids asked about; without any, a bare `{home_score, away_score}`.
        out_of_range: push the home score above 20, as a confused model might.
        probabilities: add `p_home/p_draw/p_away`: ``"fraction"`` (0.45) or ``"percent"`` (45).
    """

    def score(match_id: str) -> dict[str, Any]:
        home, away = predict_score(model, match_id)
        entry: dict[str, Any] = {
            "home_score": home + 25 if out_of_range else home,
            "away_score": away,
        }
        if probabilities is not None:
            scale = 100 if probabilities == "percent" else 1
            stated = predict_probabilities(model, match_id)
            keys = ("p_home", "p_draw", "p_away")
            entry |= {k: round(p * scale, 2) for k, p in zip(keys, stated, strict=True)}
        return entry

    if not match_ids:
        return json.dumps(score(""))
    return json.dumps({"predictions": [{"match_id": i, **score(i)} for i in match_ids]})


def prompt_text(messages: list[Any]) -> str:
    """Join the text of every message (string content or a list of text parts)."""
    parts: list[str] = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(
                p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
            )
    return "\n".join(parts)


def error_reply(status: int, message: str | None = None) -> Reply:
    """Return an OpenAI-style `{"error": {...}}` reply for an HTTP error status."""
    kind, code, default = _ERRORS.get(
        status,
        ("server_error" if status >= 500 else "invalid_request_error", None, _phrase(status)),
    )
    body = {"error": {"message": message or default, "type": kind, "param": None, "code": code}}
    headers = (("retry-after", "1"),) if status in (429, 503) else ()
    return json_reply(status, body, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return "Error."


def completion(
    model: str,
    content: str | None,
    *,
    prompt: str,
    reasoning: str | None = None,
    usage: bool = True,
) -> dict[str, Any]:
    """Build a `chat.completion` object with one choice (token counts are len // 4)."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    body: dict[str, Any] = {
        "id": f"chatcmpl-sandbox-{secrets.token_hex(12)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
    }
    if usage:
        prompt_tokens = len(prompt) // 4
        completion_tokens = len(content or reasoning or "") // 4
        body["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
    return body


def echo_page(authorization: str) -> Reply:
    """A proxy's error page that repeats the request's `Authorization` header, as some do."""
    page = (
        f"<pre>Authorization: {authorization}</pre>"
        "<html><body><h1>502 Bad Gateway</h1><p>The upstream refused the request.</p></body></html>"
    )
    return Reply(200, page.encode(), content_type="text/html; charset=utf-8")


def echo_key_answer(authorization: str) -> str:
    """A reply that names the request's API key as its match id, in prose and in JSON."""
    key = authorization.removeprefix("Bearer ").strip()
    entry = {"match_id": key, "home_score": 1, "away_score": 0}
    return f"My key is {key}; you sent {authorization}.\n" + json.dumps({"predictions": [entry]})


def format_kind(response_format: Any) -> str | None:
    """The `type` of a request's response_format (`json_schema`, `json_object`), if any."""
    if isinstance(response_format, dict) and isinstance(response_format.get("type"), str):
        return str(response_format["type"])
    return None


def _refusal(mode: FaultMode | None, kind: str | None) -> Reply | None:
    """The 400 a server that lacks this output mode answers, naming response_format."""
    if kind is None:
        return None
    refused = (mode is FaultMode.NO_JSON_SCHEMA and kind == "json_schema") or (
        mode is FaultMode.NO_RESPONSE_FORMAT
    )
    if not refused:
        return None
    return error_reply(400, f"response_format of type {kind!r} is not supported by this server")


def _constrained(mode: FaultMode | None, kind: str | None) -> FaultMode | None:
    """The misbehaviour left once decoding is constrained to the requested format."""
    return None if kind == "json_schema" and mode in _SHAPED else mode


_SHAPED = (FaultMode.PROSE, FaultMode.THINK, FaultMode.OUT_OF_RANGE)


def chat_reply(
    fault: Fault | None,
    *,
    model: str,
    prompt: str,
    authorization: str = "",
    response_format: Any = None,
) -> Reply | Action:
    """Answer a chat completion request, normally or as the applied `fault` dictates.

    Args:
        fault: The fault drawn for this request, or None for a normal answer.
        model: The requested model name.
        prompt: The text of every message.
        authorization: The request's `Authorization` header, which the echo faults repeat.
        response_format: The request's `response_format`, which shapes or refuses the reply.
    """
    kind = format_kind(response_format)
    mode = fault.mode if fault is not None else None
    refusal = _refusal(mode, kind)
    if refusal is not None:
        return refusal
    mode = _constrained(mode, kind)
    if mode in _FIXED:
        return _FIXED[mode]
    if mode is FaultMode.ECHO_AUTH:
        return echo_page(authorization)
    if mode is FaultMode.ECHO_KEY:
        answer = echo_key_answer(authorization)
        return json_reply(200, completion(model, answer, prompt=prompt))
    if fault is not None and mode is FaultMode.STATUS:
        return error_reply(fault.status_code, f"{_message_for(fault.status_code)} (sandbox fault)")
    answer = answer_text(
        model,
        find_match_ids(prompt),
        out_of_range=mode is FaultMode.OUT_OF_RANGE,
        probabilities=_probability_style(mode, prompt, response_format),
    )
    if mode is FaultMode.PROSE and kind == "json_object":
        answer, mode = json.dumps({"answer": PROSE_ANSWER}), None
    body = _answer_body(mode, model=model, prompt=prompt, answer=answer)
    if mode is FaultMode.OTHER_MODEL:
        body["model"] = f"{model}-substitute"
    return json_reply(200, body, headers=(("x-request-id", f"req-{secrets.token_hex(8)}"),))


def _probability_style(mode: FaultMode | None, prompt: str, response_format: Any) -> str | None:
    """How the answer states probabilities: not at all unless asked, as the fault shapes it."""
    asked = "p_home" in prompt or (
        format_kind(response_format) == "json_schema" and "p_home" in json.dumps(response_format)
    )
    if not asked or mode is FaultMode.THINK:
        return None
    return "percent" if mode is FaultMode.REASONING_ONLY else "fraction"


def _message_for(status: int) -> str:
    return _ERRORS[status][2] if status in _ERRORS else _phrase(status)


def _answer_body(mode: FaultMode | None, *, model: str, prompt: str, answer: str) -> dict[str, Any]:
    if mode is FaultMode.REASONING_ONLY:
        return completion(model, None, prompt=prompt, reasoning=answer)
    variants = {
        FaultMode.EMPTY_CONTENT: "",
        FaultMode.PROSE: PROSE_ANSWER,
        FaultMode.THINK: THINK_BLOCK + answer,
    }
    content = answer if mode is None else variants.get(mode, answer)
    body = completion(model, content, prompt=prompt, usage=mode is not FaultMode.NO_USAGE)
    if mode is FaultMode.NO_CHOICES:
        body["choices"] = []
    return body
