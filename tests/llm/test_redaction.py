"""Keys never leak through an error text: redaction by value and by shape, at the llm edge."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from scoreline.config import Config
from scoreline.llm import (
    InvalidBodyError,
    ProviderError,
    Registry,
    UnparseableError,
    redact,
)
from scoreline.llm.call import body_excerpt
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import SECRET_A, SECRET_B, model, sandbox_config

MATCH = "E0-2024-25-0042"
USER = f"match_id: {MATCH}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-123", "Authorization: ***"),
        ('{"authorization": "Bearer xyz"}', '{"authorization": "***"}'),
        ("sent Bearer tok_12345678 back", "sent Bearer *** back"),
        ("key sk-proj-abcdef123456 refused", "key *** refused"),
        ("gsk_abcdefgh12345678 and AIzaSyA1234567890abcdefghijkl", "*** and ***"),
        ("x-api-key=opaque&next=1", "x-api-key=***&next=1"),
        ("jwt eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl", "jwt ***"),
        ("token 0123456789abcdef0123456789abcdef01 here", "token *** here"),
        ("postgresql://user:hunter2@db/scoreline", "postgresql://user:***@db/scoreline"),
    ],
)
def test_credential_shapes_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "E0-2024-25-0042: home_score: 'x' is not a whole number",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo (together) HTTP 503: server_error",
        "no score for match E0-2024-25-0042 (reply names 'E0-2024-25-0043')",
    ],
)
def test_ordinary_error_texts_are_kept(text: str) -> None:
    assert redact(text) == text


def test_configured_keys_are_masked_longest_first_and_idempotently() -> None:
    text = "a plain-key-long and plain-key here"
    once = redact(text, ["plain-key", "plain-key-long", ""])
    assert once == "a *** and *** here"
    assert redact(once, ["plain-key"]) == once


def test_a_body_excerpt_never_holds_part_of_a_key() -> None:
    """Cut first, the excerpt kept the key's first half, which no longer matched its value."""
    key = "opaque0key0without0any0known0shape"
    body = "x" * 70 + key + " trailing page"
    excerpt = body_excerpt(body, [key])
    assert key[:6] not in excerpt
    assert len(excerpt) <= 82  # 80 characters and the quotes


def test_every_provider_error_is_redacted_by_shape_and_through_pickling() -> None:
    error = InvalidBodyError(
        "echo: Authorization: Bearer sk-live-1234567890", model_id="m", provider="p"
    )
    assert "sk-live" not in str(error) and "sk-live" not in error.message
    again = pickle.loads(pickle.dumps(error))
    assert "sk-live" not in str(again)


def _config(tmp_path: Path, base_url: str) -> Config:
    models = model("p", "alpha", "f") + model("f", "beta") + model("lone", "alpha")
    return sandbox_config(tmp_path, base_url, models)


def _assert_clean(*texts: str) -> None:
    for text in texts:
        for key in (SECRET_A, SECRET_B):
            assert key not in text
            assert key.removeprefix("sk-")[:10] not in text


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize(
    ("mode", "error"),
    [(FaultMode.ECHO_AUTH, InvalidBodyError), (FaultMode.ECHO_KEY, UnparseableError)],
)
async def test_echoed_keys_never_reach_errors_or_logs(
    tmp_path: Path,
    fresh_sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
    mode: FaultMode,
    error: type[ProviderError],
) -> None:
    """The sandbox answers 200 and repeats the key; before redaction the error quoted it."""
    caplog.set_level(logging.DEBUG)
    config = _config(tmp_path, fresh_sandbox.base_url)
    fresh_sandbox.set_fault("p-wire", Fault(mode))
    fresh_sandbox.set_fault("f-wire", Fault(mode))
    fresh_sandbox.set_fault("lone-wire", Fault(mode))
    async with Registry(config) as registry:
        with pytest.raises(error) as lone:
            await registry.call_with_fallback("lone", "s", USER, make_accept(MATCH))
        with pytest.raises(error) as both:
            await registry.call_with_fallback("p", "s", USER, make_accept(MATCH))
    primary = both.value.__cause__
    assert isinstance(primary, ProviderError)
    texts = [str(lone.value), repr(lone.value), str(both.value), str(primary), caplog.text]
    texts += [str(pickle.loads(pickle.dumps(both.value)))]
    texts += [str(e) for e in (lone.value.__cause__, lone.value.__context__) if e is not None]
    _assert_clean(*texts)
    assert "***" in str(lone.value)  # the echo is kept, masked, so the operator sees why
    assert fresh_sandbox.request_counts() == {"lone-wire": 1, "p-wire": 1, "f-wire": 1}
