"""One call of one model: build the request, send it once, map every failure onto the error tree.

The ``openai`` SDK is the transport; its exceptions are translated here and nowhere else
(``map_sdk_errors``). The body is read as raw text and decoded here, so a non-JSON body or a
reply without choices is an ``InvalidBodyError`` rather than an SDK quirk.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Iterator, Mapping
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
from scoreline.llm.evidence import (
    VERDICT_EMPTY,
    VERDICT_INVALID,
    Evidence,
    messages_text,
    request_id_of,
    stored_text,
)
from scoreline.llm.output import (
    DEFAULT_OUTPUT,
    is_output_refusal,
    resolve_output,
    response_format,
)
from scoreline.llm.replies import apply_prompt_variant, extract_text
from scoreline.llm.usage import priced, usage_of
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
    evidence: Evidence | None = None
    """What was sent and received, for the attempt's record."""
    reasoning_tokens: int | None = None
    """Tokens spent thinking, when reported (``scoreline.llm.usage``)."""
    cost_usd: float | None = None
    """What the call cost at the called model's prices; ``None`` without usage."""


def _status_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return exc.message or f"HTTP {exc.status_code}"


def _http_evidence(exc: openai.APIStatusError, base: Evidence, keys: tuple[str, ...]) -> Evidence:
    """The evidence of an HTTP error: its body, redacted, and whether the mode was refused."""
    try:
        raw = exc.response.text
    except Exception:  # a streamed or already-closed response: keep what the SDK parsed
        raw = json.dumps(exc.body) if exc.body is not None else ""
    return dataclasses.replace(
        base,
        reply_text=stored_text(raw, keys),
        request_id=request_id_of(exc.response.headers),
        output_refused=is_output_refusal(base.output_mode or "text", exc.status_code, raw),
    )


@contextmanager
def map_sdk_errors(
    model_id: str,
    provider: str,
    secrets: Iterable[str] = (),
    *,
    evidence: Evidence | None = None,
) -> Iterator[None]:
    """Translate ``openai`` exceptions into ``ProviderError`` subclasses, chained ``from`` them.

    ``evidence`` (what was sent) is attached to the error, with an HTTP error's body added.
    """
    keys = tuple(secrets)
    base = evidence or Evidence()
    try:
        yield
    except openai.APITimeoutError as exc:
        raise ProviderTimeoutError(
            "no answer within the timeout", model_id=model_id, provider=provider, evidence=base
        ) from exc
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc
        message = redact(f"{type(cause).__name__}: {cause}".rstrip(": "), keys)
        raise ProviderConnectionError(
            message, model_id=model_id, provider=provider, evidence=base
        ) from exc
    except openai.APIStatusError as exc:
        cls = error_for_status(exc.status_code)
        message = redact(_status_message(exc), keys)[:300]
        raise cls(
            message,
            model_id=model_id,
            provider=provider,
            status=exc.status_code,
            evidence=_http_evidence(exc, base, keys),
        ) from exc
    except openai.APIResponseValidationError as exc:
        raise InvalidBodyError(
            "response failed validation", model_id=model_id, provider=provider, evidence=base
        ) from exc
    except openai.OpenAIError as exc:
        message = redact(f"{type(exc).__name__}: {exc}", keys)[:300]
        raise ProviderConnectionError(
            message, model_id=model_id, provider=provider, evidence=base
        ) from exc


def build_request(
    model: ModelConfig,
    system_prompt: str,
    user_prompt: str,
    *,
    output: str | None = None,
    schema: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The chat-completion parameters for this model.

    Args:
        model: The model.
        system_prompt: The system message (the model's prompt variant is appended).
        user_prompt: The user message.
        output: The output mode (``scoreline.llm.output``); by default the model's own.
        schema: The reply's JSON Schema, sent in ``json_schema`` mode.
    """
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
    mode = output or model.output or ("text" if model.json_mode is False else DEFAULT_OUTPUT)
    response_format_field = response_format(mode, schema)
    if response_format_field is not None:
        request["response_format"] = response_format_field
    return request


_EXCERPT_CHARS = 80
_REDACT_WINDOW = 64 * 1024


def body_excerpt(raw: str, secrets: Iterable[str] = ()) -> str:
    """The start of a body for an error message, redacted first and cut after.

    Cutting first could leave half a key that no longer matches its value.
    """
    return repr(redact(raw[:_REDACT_WINDOW], secrets)[:_EXCERPT_CHARS])


def _decode(
    raw: str, model: ModelConfig, provider: str, secrets: tuple[str, ...], sent: Evidence
) -> tuple[str, dict[str, Any], Evidence]:
    """The text, the body and the evidence of a 200 reply; an unusable one raises.

    The evidence keeps the message content, or the whole body when there is none to show;
    the body is redacted only then (redaction is a good part of a call's CPU).
    """

    def fail(cls: type[ProviderError], message: str, verdict: str, got: Evidence) -> ProviderError:
        whole = dataclasses.replace(got, reply_text=stored_text(raw, secrets))
        evidence = whole.judged(verdict, message)
        error = cls(message, model_id=model.id, provider=provider, status=200, evidence=evidence)
        error.usage = priced(usage_of(body), model)  # an unusable reply is billed all the same
        return error

    body: Any = None
    try:
        body = json.loads(raw)
    except ValueError:
        problem = f"body is not JSON: {body_excerpt(raw, secrets)}"
        raise fail(InvalidBodyError, problem, VERDICT_INVALID, sent) from None
    if not isinstance(body, dict):
        raise fail(InvalidBodyError, "body is not a JSON object", VERDICT_INVALID, sent)
    described = _described(sent, body)
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        raise fail(InvalidBodyError, "no choices in the reply", VERDICT_INVALID, described)
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    if not isinstance(message, dict):
        raise fail(InvalidBodyError, "first choice has no message", VERDICT_INVALID, described)
    text = extract_text(message, model.reply_handler)
    if not text:
        raise fail(EmptyContentError, "reply has no content", VERDICT_EMPTY, described)
    content = message.get("content")
    shown = content if isinstance(content, str) and content.strip() else raw
    return text, body, dataclasses.replace(described, reply_text=stored_text(shown, secrets))


def _text_of(response: httpx2.Response) -> str:
    """The body as text; UTF-8 (JSON's encoding) is decoded without ``response.text``, whose
    charset lookup parses the content type with ``email`` on every call."""
    content_type = response.headers.get("content-type", "").lower()
    if "charset" in content_type and "utf-8" not in content_type:
        return response.text
    return response.content.decode("utf-8", "replace")


def _described(evidence: Evidence, body: dict[str, Any]) -> Evidence:
    """The served model and the finish reason, as the body states them."""
    choices = body.get("choices")
    first = choices[0] if isinstance(choices, list) and choices else None
    finish = first.get("finish_reason") if isinstance(first, dict) else None
    served = body.get("model")
    return dataclasses.replace(
        evidence,
        served_model=str(served)[:200] if isinstance(served, str) else None,
        finish_reason=str(finish)[:40] if isinstance(finish, str) else None,
    )


async def call_model(
    client: openai.AsyncOpenAI,
    model: ModelConfig,
    provider: ProviderConfig,
    system_prompt: str,
    user_prompt: str,
    *,
    secrets: Iterable[str] = (),
    output: str | None = None,
    schema: Mapping[str, Any] | None = None,
) -> Reply:
    """Call the model once; no retries (the client is built with ``max_retries=0``).

    ``secrets`` are masked in anything kept; ``output`` is the mode to send (default: the
    configured one, else ``json_object``), with ``schema`` sent in ``json_schema`` mode.

    Raises:
        ProviderError: Any failure, mapped onto the error tree, with its ``evidence``.
    """
    secrets = tuple(secrets)
    timeout = model.timeout_s or provider.timeout_s
    mode = output or resolve_output(model, provider)
    request = build_request(model, system_prompt, user_prompt, output=mode, schema=schema)
    sent = Evidence(output_mode=mode, prompt=messages_text(request["messages"]))
    started = time.perf_counter()
    with map_sdk_errors(model.id, provider.name, secrets, evidence=sent):
        # The SDK's generic ``post`` sends the same request as ``chat.completions.create``
        # without re-validating our already well-formed body, which costs ~30 % of the CPU
        # of a call; the body comes back raw so this module decides what is malformed.
        options: Any = {"timeout": timeout}
        response = await client.post(
            "/chat/completions", body=request, cast_to=httpx2.Response, options=options
        )
        body_text = _text_of(response)
    latency_ms = (time.perf_counter() - started) * 1000
    sent = dataclasses.replace(sent, request_id=request_id_of(response.headers))
    text, body, evidence = _decode(body_text, model, provider.name, secrets, sent)
    usage = priced(usage_of(body), model)
    return Reply(
        model_id=model.id,
        provider=provider.name,
        text=text,
        latency_ms=latency_ms,
        prompt_tokens=usage.prompt_tokens if usage else None,
        completion_tokens=usage.completion_tokens if usage else None,
        evidence=evidence,
        reasoning_tokens=usage.reasoning_tokens if usage else None,
        cost_usd=usage.cost_usd if usage else None,
    )
