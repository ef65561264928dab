"""What one call leaves on the record: the reply as received and what became of it.

Every attempt, successful or not, carries an ``Evidence``: the reply text (the message
content, or the whole body when there is no content to show, or an HTTP error's body), the
model the provider says answered, its request id, the finish reason, the output mode sent,
the messages sent and the parse verdict. The text is redacted *before* it is cut to
``MAX_TEXT_BYTES`` (a key cut in half would no longer match its value) and carries a marker
saying how much was cut.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scoreline.redaction import redact

__all__ = [
    "MAX_TEXT_BYTES",
    "VERDICT_EMPTY",
    "VERDICT_INVALID",
    "VERDICT_OK",
    "VERDICT_REJECTED",
    "Evidence",
    "messages_text",
    "request_id_of",
    "stored_text",
]

MAX_TEXT_BYTES = 16 * 1024
"""A stored reply keeps at most this many bytes of UTF-8."""
_REDACT_BYTES = 64 * 1024
"""Redacting a 10 MB error page would cost more than it could show: only its start is read."""
VERDICT_OK = "ok"
VERDICT_EMPTY = "empty reply"
VERDICT_INVALID = "invalid body"
VERDICT_REJECTED = "rejected"
"""The verdict of a reply rejected by an ``accept`` that gives no kind of its own."""
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one call sent and got back, as it will be stored (keys already masked)."""

    output_mode: str | None = None
    """The output mode the request was sent with."""
    prompt: str | None = None
    """The messages sent, as JSON text (``messages_text``)."""
    reply_text: str | None = None
    """The reply as received, redacted and cut to ``MAX_TEXT_BYTES``; ``None``: no answer."""
    served_model: str | None = None
    """The ``model`` field of the provider's body: who says it answered."""
    request_id: str | None = None
    """The provider's request id header, when it sent one."""
    finish_reason: str | None = None
    """``choices[0].finish_reason``: ``stop``, ``length`` (cut off) ..."""
    verdict: str | None = None
    """``ok``, or the stable kind of rejection (grouped by ``parse-stats``); ``None`` when
    no reply reached the parser (a transport or HTTP error)."""
    reason: str | None = None
    """Why the reply was rejected, specific (``home_score: '23.5' is not a whole number``)."""
    output_refused: bool = False
    """The server refused the request because of its ``response_format``."""

    def judged(self, verdict: str, reason: str | None = None) -> Evidence:
        """The same evidence with the parse verdict set."""
        return dataclasses.replace(self, verdict=verdict, reason=reason)


def stored_text(raw: str, secrets: Iterable[str] = ()) -> str:
    """``raw`` with every key masked, then cut to ``MAX_TEXT_BYTES`` with a marker.

    Redaction runs first, on at most the first 64 KiB: cutting first could leave half a
    key that no longer matches its value.
    """
    encoded = raw.encode("utf-8", "replace")
    head = encoded[:_REDACT_BYTES].decode("utf-8", "ignore")
    masked = redact(head, secrets).encode("utf-8", "replace")
    if len(masked) <= MAX_TEXT_BYTES and len(encoded) <= _REDACT_BYTES:
        return masked.decode("utf-8", "ignore")
    kept = masked[:MAX_TEXT_BYTES].decode("utf-8", "ignore")
    cut = len(encoded) - len(kept.encode("utf-8"))
    return f"{kept}…[truncated {max(cut, 0)} bytes]"


def messages_text(messages: Sequence[Mapping[str, Any]]) -> str:
    """The messages sent, as stable JSON text: the prompt as stored and hashed.

    Every model of a job is sent the same messages, and indented JSON is encoded in pure
    Python: plain role/content messages are encoded once per distinct prompt.
    """
    pairs = tuple((m.get("role"), m.get("content")) for m in messages)
    plain = all(
        len(m) == 2 and isinstance(r, str) and isinstance(c, str)
        for m, (r, c) in zip(messages, pairs, strict=True)
    )
    if plain:
        return _pairs_text(pairs)
    return _json_text(list(messages))


@functools.lru_cache(maxsize=64)
def _pairs_text(pairs: tuple[tuple[str, str], ...]) -> str:
    return _json_text([{"role": role, "content": content} for role, content in pairs])


def _json_text(messages: list[Any]) -> str:
    return json.dumps(messages, ensure_ascii=False, indent=1, sort_keys=True)


def request_id_of(headers: Mapping[str, str] | Any) -> str | None:
    """The provider's request id from the response headers, when present."""
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name) if headers is not None else None
        if value:
            return str(value)[:200]
    return None
