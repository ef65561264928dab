"""Calling models: one provider call, the error tree, the fallback and the registry.

Nothing here knows about football, matches or databases.
"""

from scoreline.llm.attempt import CANCELLED, Attempt, CallResult
from scoreline.llm.call import Reply, build_request, call_model, map_sdk_errors
from scoreline.llm.clients import ClientPool, JobLoop, close_thread_loop, thread_loop
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
from scoreline.llm.fallback import run_with_fallback
from scoreline.llm.output import (
    DEFAULT_OUTPUT,
    OUTPUT_MODES,
    OutputMode,
    configured_output,
    lower_output,
    resolve_output,
)
from scoreline.llm.policy import CallPolicy, latency_p95_ms, p95_by_model, policy_of
from scoreline.llm.registry import CooldownStore, MemoryCooldown, Registry
from scoreline.llm.replies import (
    apply_prompt_variant,
    extract_json_span,
    extract_text,
    strip_thinking,
)
from scoreline.llm.usage import Usage, call_cost_usd, usage_of
from scoreline.redaction import redact

__all__ = [
    "CANCELLED",
    "DEFAULT_OUTPUT",
    "MAX_TEXT_BYTES",
    "OUTPUT_MODES",
    "VERDICT_EMPTY",
    "VERDICT_INVALID",
    "VERDICT_OK",
    "VERDICT_REJECTED",
    "Attempt",
    "AuthError",
    "CallPolicy",
    "CallResult",
    "ClientError",
    "ClientPool",
    "CooldownStore",
    "EmptyContentError",
    "Evidence",
    "HTTPStatusError",
    "InvalidBodyError",
    "JobLoop",
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
    "Usage",
    "apply_prompt_variant",
    "build_request",
    "call_cost_usd",
    "call_model",
    "close_thread_loop",
    "configured_output",
    "error_for_status",
    "extract_json_span",
    "extract_text",
    "latency_p95_ms",
    "lower_output",
    "map_sdk_errors",
    "p95_by_model",
    "policy_of",
    "redact",
    "resolve_output",
    "run_with_fallback",
    "stored_text",
    "strip_thinking",
    "thread_loop",
    "usage_of",
]
