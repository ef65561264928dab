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
from scoreline.llm.fallback import Attempt, CallResult, run_with_fallback
from scoreline.llm.registry import CooldownStore, MemoryCooldown, Registry
from scoreline.llm.replies import (
    apply_prompt_variant,
    extract_json_span,
    extract_text,
    strip_thinking,
)
from scoreline.redaction import redact

__all__ = [
    "Attempt",
    "AuthError",
    "CallResult",
    "ClientError",
    "CooldownStore",
    "EmptyContentError",
    "HTTPStatusError",
    "InvalidBodyError",
    "MemoryCooldown",
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
    "error_for_status",
    "extract_json_span",
    "extract_text",
    "map_sdk_errors",
    "redact",
    "run_with_fallback",
    "strip_thinking",
]
