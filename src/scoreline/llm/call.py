"""One call of one model: build the request, send it once, map every failure onto the error tree.

The ``openai`` SDK is the transport; its exceptions are translated here and nowhere else
(``map_sdk_errors``). The body is read as raw text and decoded here, so a non-JSON body or a
reply without choices is an ``InvalidBodyError`` rather than an SDK quirk.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from scoreline.config import ModelConfig, ProviderConfig
from scoreline.llm.errors import (
    EmptyContentError,
    InvalidBodyError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    error_for_status,
)
from scoreline.llm.replies import apply_prompt_variant, extract_text
from scoreline.redaction import redact

__all__ = ["Reply", "body_excerpt", "build_request", "call_model", "map_sdk_errors"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What one successful call returned."""

    model_id: str
    provider: str
    text: str
    latency_ms: float
    prompt_tokens: int | None
    """As the provider reported them; ``None`` when the body had no usage."""
    completion_tokens: int | None


def _status_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return exc.message or f"HTTP {exc.status_code}"


@contextmanager
def map_sdk_errors(model_id: str, provider: str, secrets: Iterable[str] = ()) -> Iterator[None]:
    """Translate ``openai`` exceptions into ``ProviderError`` subclasses, chained ``from`` them."""
    keys = tuple(secrets)
    try:
        yield
    except openai.APITimeoutError as exc:
        raise ProviderTimeoutError(
            "no answer within the timeout", model_id=model_id, provider=provider
        ) from exc
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc
        message = redact(f"{type(cause).__name__}: {cause}".rstrip(": "), keys)
        raise ProviderConnectionError(message, model_id=model_id, provider=provider) from exc
    except openai.APIStatusError as exc:
        cls = error_for_status(exc.status_code)
        message = redact(_status_message(exc), keys)[:300]
        raise cls(message, model_id=model_id, provider=provider, status=exc.status_code) from exc
    except openai.APIResponseValidationError as exc:
        raise InvalidBodyError(
            "response failed validation", model_id=model_id, provider=provider
        ) from exc
    except openai.OpenAIError as exc:
        message = redact(f"{type(exc).__name__}: {exc}", keys)[:300]
        raise ProviderConnectionError(message, model_id=model_id, provider=provider) from exc


def build_request(model: ModelConfig, system_prompt: str, user_prompt: str) -> dict[str, Any]:
    """The chat-completion parameters for this model."""
    request: dict[str, Any] = {
        "model": model.provider_model(),
        "messages": [
            {
                "role": "system",
                "content": apply_prompt_variant(system_prompt, model.prompt_variant),
            },
            {"role": "user", "content": user_prompt},
        ],
        "temperature": model.temperature,
        "max_tokens": model.max_tokens,
    }
    if model.json_mode:
        request["response_format"] = {"type": "json_object"}
    return request


def _usage(body: dict[str, Any]) -> tuple[int | None, int | None]:
    usage = body.get("usage")
    if not isinstance(usage, dict):
        return None, None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (
        prompt if isinstance(prompt, int) else None,
        completion if isinstance(completion, int) else None,
    )


_EXCERPT_CHARS = 80
_REDACT_WINDOW = 64 * 1024


def body_excerpt(raw: str, secrets: Iterable[str] = ()) -> str:
    """The start of a body for an error message, redacted first and cut after.

    Cutting first could leave half a key that no longer matches its value.
    """
    return repr(redact(raw[:_REDACT_WINDOW], secrets)[:_EXCERPT_CHARS])


def _decode(
    raw: str, model: ModelConfig, provider: str, secrets: Iterable[str]
) -> tuple[str, dict[str, Any]]:
    def fail(cls: type[ProviderError], message: str) -> ProviderError:
        return cls(message, model_id=model.id, provider=provider, status=200)

    try:
        body = json.loads(raw)
    except ValueError:
        raise fail(InvalidBodyError, f"body is not JSON: {body_excerpt(raw, secrets)}") from None
    if not isinstance(body, dict):
        raise fail(InvalidBodyError, "body is not a JSON object")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        raise fail(InvalidBodyError, "no choices in the reply")
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    if not isinstance(message, dict):
        raise fail(InvalidBodyError, "first choice has no message")
    text = extract_text(message, model.reply_handler)
    if not text:
        raise fail(EmptyContentError, "reply has no content")
    return text, body


async def call_model(
    client: openai.AsyncOpenAI,
    model: ModelConfig,
    provider: ProviderConfig,
    system_prompt: str,
    user_prompt: str,
    *,
    secrets: Iterable[str] = (),
) -> Reply:
    """Call the model once; no retries (the client is built with ``max_retries=0``).

    Raises:
        ProviderError: Any failure, mapped onto the error tree.
    """
    secrets = tuple(secrets)
    timeout = model.timeout_s or provider.timeout_s
    request = build_request(model, system_prompt, user_prompt)
    started = time.perf_counter()
    with map_sdk_errors(model.id, provider.name, secrets):
        # The SDK's generic ``post`` sends the same request as ``chat.completions.create``
        # without re-validating our already well-formed body, which costs ~30 % of the CPU
        # of a call; the body comes back raw so this module decides what is malformed.
        response = await client.post(
            "/chat/completions",
            body=request,
            cast_to=httpx2.Response,
            options={"timeout": timeout},
        )
        body_text = response.text
    latency_ms = (time.perf_counter() - started) * 1000
    text, body = _decode(body_text, model, provider.name, secrets)
    prompt_tokens, completion_tokens = _usage(body)
    return Reply(
        model_id=model.id,
        provider=provider.name,
        text=text,
        latency_ms=latency_ms,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )
