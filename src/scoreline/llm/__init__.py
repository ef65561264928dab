"""Calling models: one provider call, the error tree, the fallback and the registry.

Nothing here knows about football, matches or databases.
"""

from scoreline.llm.call import Reply, build_request, call_model, map_sdk_errors
from scoreline.llm.errors import (
    AuthError,
    ClientError,
    EmptyContentError,
    HTTPStatusError,
    InvalidBodyError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitedError,
    ReplyError,
    ServerError,
    TransportError,
    UnparseableError,
    error_for_status,
)
from scoreline.llm.evidence import (
    MAX_TEXT_BYTES,
    VERDICT_EMPTY,
    VERDICT_INVALID,
    VERDICT_OK,
    VERDICT_REJECTED,
    Evidence,
    stored_text,
)
from scoreline.llm.fallback import Attempt, CallResult, run_with_fallback
from scoreline.llm.output import (
    DEFAULT_OUTPUT,
    OUTPUT_MODES,
    OutputMode,
    configured_output,
    lower_output,
    resolve_output,
)
from scoreline.llm.registry import CooldownStore, MemoryCooldown, Registry
from scoreline.llm.replies import (
    apply_prompt_variant,
    extract_json_span,
    extract_text,
    strip_thinking,
)
from scoreline.redaction import redact

__all__ = [
    "DEFAULT_OUTPUT",
    "MAX_TEXT_BYTES",
    "OUTPUT_MODES",
    "VERDICT_EMPTY",
    "VERDICT_INVALID",
    "VERDICT_OK",
    "VERDICT_REJECTED",
    "Attempt",
    "AuthError",
    "CallResult",
    "ClientError",
    "CooldownStore",
    "EmptyContentError",
    "Evidence",
    "HTTPStatusError",
    "InvalidBodyError",
    "MemoryCooldown",
    "OutputMode",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderTimeoutError",
    "RateLimitedError",
    "Registry",
    "Reply",
    "ReplyError",
    "ServerError",
    "TransportError",
    "UnparseableError",
    "apply_prompt_variant",
    "build_request",
    "call_model",
    "configured_output",
    "error_for_status",
    "extract_json_span",
    "extract_text",
    "lower_output",
    "map_sdk_errors",
    "redact",
    "resolve_output",
    "run_with_fallback",
    "stored_text",
    "strip_thinking",
]
