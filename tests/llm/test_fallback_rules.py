"""The fallback rules of design §1, with a plain function standing in for the provider call."""

from __future__ import annotations

import logging
import pickle

import pytest

from scoreline.llm import (
    Attempt,
    ProviderError,
    RateLimitedError,
    Reply,
    ServerError,
    UnparseableError,
    run_with_fallback,
)


class FakeCalls:
    """Answers or fails per model id and records every call, like a provider would."""

    def __init__(self, replies: dict[str, str | ProviderError]) -> None:
        self.replies = replies
        self.calls: list[str] = []

    async def __call__(self, model_id: str) -> Reply:
        self.calls.append(model_id)
        outcome = self.replies[model_id]
        if isinstance(outcome, ProviderError):
            raise outcome
        return Reply(model_id, f"prov-{model_id}", outcome, 5.0, 10, 3)


def server_error(model_id: str) -> ServerError:
    return ServerError("boom", model_id=model_id, provider=f"prov-{model_id}", status=503)


async def test_primary_success_makes_one_call() -> None:
    calls = FakeCalls({"a": "ok-a", "b": "ok-b"})
    result = await run_with_fallback("a", "b", calls)
    assert calls.calls == ["a"]
    assert (result.text, result.used_fallback, result.answered_by) == ("ok-a", False, "a")
    assert result.attempts == (Attempt("a", "prov-a", True, 5.0, None, None, 10, 3, False),)


async def test_primary_failure_goes_to_fallback_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "scoreline")
    calls = FakeCalls({"a": server_error("a"), "b": "ok-b"})
    result = await run_with_fallback("a", "b", calls)
    assert calls.calls == ["a", "b"]
    assert result.used_fallback and result.answered_by == "b" and result.model_id == "a"
    assert [(x.model_id, x.ok, x.error_class, x.is_fallback) for x in result.attempts] == [
        ("a", False, "server_error", False),
        ("b", True, None, True),
    ]
    levels = [r.levelname for r in caplog.records]
    assert levels == ["WARNING", "INFO"]
    assert "a" in caplog.records[0].getMessage() and "b" in caplog.records[0].getMessage()


async def test_no_fallback_propagates_primary_error_unchanged() -> None:
    error = server_error("a")
    with pytest.raises(ServerError) as info:
        await run_with_fallback("a", None, FakeCalls({"a": error}))
    assert info.value is error
    assert len(info.value.attempts) == 1


async def test_both_fail_raises_fallback_error_caused_by_primary(
    caplog: pytest.LogCaptureFixture,
) -> None:
    primary = server_error("a")
    fallback = RateLimitedError("slow down", model_id="b", provider="prov-b", status=429)
    with pytest.raises(RateLimitedError) as info:
        await run_with_fallback("a", "b", FakeCalls({"a": primary, "b": fallback}))
    assert info.value is fallback
    assert info.value.__cause__ is primary
    assert [a.model_id for a in info.value.attempts] == ["a", "b"]
    assert [r.levelname for r in caplog.records] == ["WARNING", "ERROR"]


async def test_rejected_reply_triggers_fallback_and_keeps_tokens() -> None:
    def accept(text: str) -> int:
        if text == "prose":
            raise ValueError("no score")
        return len(text)

    result = await run_with_fallback("a", "b", FakeCalls({"a": "prose", "b": "12345"}), accept)
    assert result.value == 5 and result.used_fallback
    first = result.attempts[0]
    assert (first.ok, first.error_class, first.prompt_tokens) == (False, "unparseable", 10)


async def test_rejected_reply_without_fallback_is_unparseable() -> None:
    def accept(text: str) -> int:
        raise ValueError("no score here")

    with pytest.raises(UnparseableError, match="no score here") as info:
        await run_with_fallback("a", None, FakeCalls({"a": "prose"}), accept)
    assert isinstance(info.value.__cause__, ValueError)


async def test_skip_primary_calls_only_fallback() -> None:
    calls = FakeCalls({"a": "ok-a", "b": "ok-b"})
    result = await run_with_fallback("a", "b", calls, skip_primary=True)
    assert calls.calls == ["b"]
    assert result.used_fallback and len(result.attempts) == 1


async def test_skip_primary_without_fallback_still_calls_primary() -> None:
    calls = FakeCalls({"a": "ok-a"})
    result = await run_with_fallback("a", None, calls, skip_primary=True)
    assert calls.calls == ["a"] and not result.used_fallback


def test_errors_pickle_with_their_data() -> None:
    error = RateLimitedError("slow", model_id="m", provider="p", status=429)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RateLimitedError
    assert (copy.model_id, copy.provider, copy.status, copy.error_class) == (
        "m",
        "p",
        429,
        "rate_limited",
    )
    assert str(copy) == str(error)
