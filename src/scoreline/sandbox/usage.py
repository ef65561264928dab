"""Reasoning tokens in the sandbox's usage, so cost accounting meets models that think.

Two reporting styles exist among providers and the sandbox speaks both:

- a reply whose content opens with a ``<think>`` block (the `think` fault) reports OpenAI's
  ``usage.completion_tokens_details.reasoning_tokens``, already counted in
  ``completion_tokens``;
- a reply whose answer sits in ``reasoning_content`` (the `reasoning_only` fault) reports a
  separate ``usage.reasoning_tokens`` beside ``completion_tokens``, which then counts the
  content only.

Token counts follow the rest of the sandbox: characters // 4.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from scoreline.sandbox.wire import Reply

__all__ = ["with_reasoning_usage"]

_THINK = re.compile(r"<think>.*?</think>\s*", re.DOTALL)
_MARKERS = (b"<think>", b'"reasoning_content"')


def with_reasoning_usage(reply: Reply) -> Reply:
    """The reply with reasoning tokens in its usage when its answer shows thinking.

    Other replies come back untouched (and unparsed: the check is a byte search).
    """
    if reply.status != 200 or not any(marker in reply.body for marker in _MARKERS):
        return reply
    try:
        body = json.loads(reply.body)
    except ValueError:
        return reply
    if not _add_reasoning(body):
        return reply
    return dataclasses.replace(reply, body=json.dumps(body, separators=(",", ":")).encode())


def _add_reasoning(body: Any) -> bool:
    """Add the reasoning tokens to ``body['usage']`` in place; ``False`` when nothing applies."""
    usage = body.get("usage") if isinstance(body, dict) else None
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(usage, dict) or not isinstance(choices, list) or not choices:
        return False
    if "reasoning_tokens" in usage or "completion_tokens_details" in usage:
        return False  # the reply already says
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    if not isinstance(message, dict):
        return False
    content = message.get("content")
    content = content if isinstance(content, str) else ""
    reasoning = message.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning:
        usage["completion_tokens"] = len(content) // 4
        usage["reasoning_tokens"] = len(reasoning) // 4
    else:
        thinking = "".join(_THINK.findall(content))
        if not thinking:
            return False
        usage["completion_tokens_details"] = {"reasoning_tokens": len(thinking) // 4}
    usage["total_tokens"] = (
        usage.get("prompt_tokens", 0)
        + usage.get("completion_tokens", 0)
        + usage.get("reasoning_tokens", 0)
    )
    return True
