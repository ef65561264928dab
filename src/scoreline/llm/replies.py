"""Turning a chat-completion body into text, and the per-model prompt and reply tuning.

Providers disagree on where the answer lives: ``content`` for most, ``reasoning`` or
``reasoning_content`` for some reasoning models that leave ``content`` empty, and
``reasoning_details[].summary`` for others. Reasoning models also wrap their answer in
``<think>`` blocks. The catalog names a reply handler and a prompt variant per model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "PROMPT_SUFFIXES",
    "REPLY_HANDLERS",
    "apply_prompt_variant",
    "extract_json_span",
    "extract_text",
    "strip_thinking",
]

_THINK_BLOCK = re.compile(
    r"<(think|thinking|reasoning)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_THINK_CLOSE = re.compile(r"^.*</(think|thinking|reasoning)\s*>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN_UNCLOSED = re.compile(
    r"<(think|thinking|reasoning)\b[^>]*>.*\Z", re.IGNORECASE | re.DOTALL
)

PROMPT_SUFFIXES: dict[str, str] = {
    "english-enforced": "Answer in English only.",
    "json-strict": (
        "Reply with the JSON only: no prose, no explanation, no markdown, no code fences."
    ),
    "thinking-stripped": (
        "Do not show your reasoning and do not write <think> blocks: give only the final answer."
    ),
}


def strip_thinking(text: str) -> str:
    """Remove ``<think>``, ``<thinking>`` and ``<reasoning>`` blocks.

    A closing tag without its opening tag (some servers drop the opener) removes everything
    before it; an opening tag that is never closed removes everything after it only when text
    remains before it, so an answer is never emptied by a stray tag.
    """
    stripped = _THINK_BLOCK.sub("", text)
    stripped = _THINK_CLOSE.sub("", stripped)
    unclosed = _THINK_OPEN_UNCLOSED.search(stripped)
    if unclosed and stripped[: unclosed.start()].strip():
        stripped = stripped[: unclosed.start()]
    return stripped.strip()


def extract_json_span(text: str) -> str:
    """The first complete JSON object or array in the text, else the text unchanged."""
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char not in "{[":
            continue
        try:
            _, end = decoder.raw_decode(text, index)
        except ValueError:
            continue
        return text[index:end]
    return text


def _extract_json(text: str) -> str:
    return extract_json_span(strip_thinking(text))


REPLY_HANDLERS: dict[str, Callable[[str], str]] = {
    "strip-thinking-tags": strip_thinking,
    "extract-json": _extract_json,
}


def apply_prompt_variant(system_prompt: str, variant: str | None) -> str:
    """The system prompt with the variant's instruction appended."""
    if variant is None:
        return system_prompt
    return f"{system_prompt.rstrip()}\n\n{PROMPT_SUFFIXES[variant]}"


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # content parts: [{"type": "text", "text": "..."}]
        return "".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in value
        )
    return ""


def extract_text(message: dict[str, Any], handler: str | None) -> str:
    """The answer text of one choice's message, after the reply handler.

    Tries ``content``, then ``reasoning`` / ``reasoning_content``, then
    ``reasoning_details[].summary``; the first that is non-empty after handling wins.
    Closed think blocks are always removed, since no parser wants them.
    """
    handle = REPLY_HANDLERS[handler] if handler else strip_thinking
    candidates = [
        _as_text(message.get("content")),
        _as_text(message.get("reasoning")),
        _as_text(message.get("reasoning_content")),
    ]
    details = message.get("reasoning_details")
    if isinstance(details, list):
        candidates.append(
            "\n".join(
                d["summary"]
                for d in details
                if isinstance(d, dict) and isinstance(d.get("summary"), str)
            )
        )
    for raw in candidates:
        if raw.strip():
            text = handle(raw).strip()
            if text:
                return text
    return ""
