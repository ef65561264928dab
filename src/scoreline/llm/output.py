"""Output modes: how strongly a request asks the server to shape its reply.

``json_schema`` sends the reply's JSON Schema as OpenAI's ``response_format`` (vLLM, Together
AI and OpenAI then constrain decoding to it), ``json_object`` asks for any JSON object (what
llama.cpp's server honours), ``text`` sends nothing and the parser reads the prose. The best
mode of a model is, in order: its configured ``output`` (or the older ``json_mode``), else its
provider's ``output``, else what the store learned (``scoreline models probe``, or a call the
server refused because of the mode), else ``json_object``.

A refusal *because of* the mode (HTTP 400, 422 or 500 whose body names ``response_format``)
is a failure like any other: no retry here. It only lowers the mode of the model's next calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, cast

from scoreline.config import ModelConfig, ProviderConfig

__all__ = [
    "DEFAULT_OUTPUT",
    "OUTPUT_MODES",
    "OutputMode",
    "configured_output",
    "is_output_refusal",
    "lower_output",
    "reply_schema_of",
    "resolve_output",
    "response_format",
]

OutputMode = Literal["json_schema", "json_object", "text"]
OUTPUT_MODES: tuple[OutputMode, ...] = ("json_schema", "json_object", "text")
"""Strongest first: the order ``models probe`` tries them in."""
DEFAULT_OUTPUT: OutputMode = "json_object"
"""What a model sends when nothing is configured or learned (the former ``json_mode = true``)."""
SCHEMA_NAME = "reply"
_REFUSAL_STATUSES = frozenset({400, 422, 500})


def configured_output(model: ModelConfig, provider: ProviderConfig) -> OutputMode | None:
    """The mode the configuration asks for, or ``None`` when it leaves it open.

    The model's ``output`` wins over its ``json_mode`` alias (true: ``json_object``, false:
    ``text``), which wins over the provider's ``output``.
    """
    if model.output is not None:
        return model.output
    if model.json_mode is not None:
        return "json_object" if model.json_mode else "text"
    return provider.output


def resolve_output(
    model: ModelConfig, provider: ProviderConfig, learned: str | None = None
) -> OutputMode:
    """The mode a call of ``model`` uses: configured, else learned, else ``json_object``."""
    configured = configured_output(model, provider)
    if configured is not None:
        return configured
    if learned in OUTPUT_MODES:
        return cast(OutputMode, learned)
    return DEFAULT_OUTPUT


def lower_output(mode: str) -> OutputMode | None:
    """The next weaker mode, or ``None`` below ``text``."""
    if mode not in OUTPUT_MODES:
        return None
    index = OUTPUT_MODES.index(cast(OutputMode, mode))
    return OUTPUT_MODES[index + 1] if index + 1 < len(OUTPUT_MODES) else None


def response_format(mode: str, schema: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The ``response_format`` request field of a mode (``None``: send none).

    ``json_schema`` without a schema to send asks for a JSON object instead.
    """
    if mode == "json_schema" and schema is not None:
        return {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "schema": dict(schema), "strict": True},
        }
    if mode in ("json_schema", "json_object"):
        return {"type": "json_object"}
    return None


def is_output_refusal(mode: str, status: int | None, body: str) -> bool:
    """Whether an HTTP error refused the request because of its ``response_format``."""
    return (
        mode != "text"
        and status in _REFUSAL_STATUSES
        and "response_format" in body.casefold().replace("responseformat", "response_format")
    )


def reply_schema_of(accept: Callable[[str], Any] | None) -> Mapping[str, Any] | None:
    """The JSON Schema an ``accept`` function declares for the replies it takes.

    A parser that knows its shape sets a ``json_schema`` attribute on the callable
    (``scoreline.predict.make_accept`` does); ``json_schema`` mode sends it.
    """
    schema = getattr(accept, "json_schema", None)
    return schema if isinstance(schema, Mapping) else None
