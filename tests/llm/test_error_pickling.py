"""A ``ProviderError`` crosses a process boundary (a queue's result store) with its attempts."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from scoreline import ProviderError, Registry
from scoreline.llm import ServerError
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"


async def test_a_both_failed_error_keeps_its_attempts_through_pickling(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", "f") + model("f", "beta")
    )
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503))
    fresh_sandbox.set_fault("f-wire", Fault(FaultMode.STATUS, status=500))
    async with Registry(config) as registry:
        with pytest.raises(ProviderError) as caught:
            await registry.call_with_fallback("p", "s", f"match_id: {MATCH}\n", make_accept(MATCH))
    error = caught.value
    assert [(a.model_id, a.is_fallback, a.status) for a in error.attempts] == [
        ("p", False, 503),
        ("f", True, 500),
    ]

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is ServerError and str(copy) == str(error)
    assert copy.attempts == error.attempts
    assert [a.error_class for a in copy.attempts] == ["server_error", "server_error"]
