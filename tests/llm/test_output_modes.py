"""Output modes: what each sends, which wins, and a refusal lowering the next calls' mode.

Against the sandbox, whose ``no_json_schema`` fault answers as llama.cpp's server does (a
JSON Schema refused naming ``response_format``, ``json_object`` honoured) and whose model
faults meet the requested format as a constraining server would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scoreline.llm import ClientError, Registry, build_request, resolve_output
from scoreline.predict import make_accept
from scoreline.predict.parse import reply_schema
from scoreline.predict.probe import probe_models
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import model, sandbox_config

USER = "Predict the exact full-time score.\nmatch_id: t-1\n"


@pytest.mark.usefixtures("keys")
def test_each_mode_sends_its_response_format(tmp_path: Path) -> None:
    config = sandbox_config(tmp_path, "http://127.0.0.1:9/v1", model("m", "alpha"))
    m = config.model("m")
    schema = reply_schema()
    sent = {
        mode: build_request(m, "s", "u", output=mode, schema=schema).get("response_format")
        for mode in ("json_schema", "json_object", "text")
    }
    assert sent["json_schema"] == {
        "type": "json_schema",
        "json_schema": {"name": "reply", "schema": schema, "strict": True},
    }
    assert sent["json_object"] == {"type": "json_object"}
    assert sent["text"] is None
    # No schema to send: json_schema asks for a JSON object instead.
    assert build_request(m, "s", "u", output="json_schema")["response_format"] == {
        "type": "json_object"
    }
    goals = schema["properties"]["predictions"]["items"]["properties"]["home_score"]
    assert goals == {"type": "integer", "minimum": 0, "maximum": 20}
    assert make_accept("x").json_schema == schema
    with_odds = reply_schema(probabilities=True)["properties"]["predictions"]["items"]
    assert {"p_home", "p_draw", "p_away"} <= set(with_odds["required"])


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize(
    ("model_extra", "provider_output", "learned", "expected"),
    [
        ({}, None, None, "json_object"),  # today's default
        ({}, None, "json_schema", "json_schema"),  # what the probe found
        ({"json_mode": False}, None, "json_schema", "text"),  # the alias is explicit
        ({"json_mode": True}, None, "text", "json_object"),
        ({"output": "text", "json_mode": True}, None, None, "text"),  # output wins
        ({}, "json_schema", "text", "json_schema"),  # the provider's mode is explicit
        ({"output": "json_object"}, "text", None, "json_object"),  # the model's wins
    ],
)
def test_configuration_wins_then_what_was_learned_then_json_object(
    tmp_path: Path,
    model_extra: dict[str, object],
    provider_output: str | None,
    learned: str | None,
    expected: str,
) -> None:
    config = sandbox_config(tmp_path, "http://127.0.0.1:9/v1", model("m", "alpha", **model_extra))
    provider = config.providers["alpha"]
    if provider_output:
        provider = provider.model_copy(update={"output": provider_output})
    assert resolve_output(config.model("m"), provider, learned) == expected


@pytest.mark.usefixtures("keys")
async def test_a_refused_mode_fails_over_once_and_lowers_the_next_calls(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", "f") + model("f", "beta")
    )
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.NO_JSON_SCHEMA))
    accept = make_accept("t-1")
    async with Registry(config, outputs={"p": "json_schema"}) as registry:
        first = await registry.call_with_fallback("p", "s", USER, accept=accept)
        assert first.used_fallback and first.answered_by == "f"  # a failure like any other
        refused = first.attempts[0]
        assert refused.status == 400 and refused.error_class == "client_error"
        assert refused.evidence is not None and refused.evidence.output_refused
        assert refused.evidence.output_mode == "json_schema"
        assert "response_format" in (refused.evidence.reply_text or "")
        assert fresh_sandbox.request_counts()["p-wire"] == 1  # no retry
        assert registry.output_for("p") == "json_object"
        second = await registry.call_with_fallback("p", "s", USER, accept=accept)
    assert not second.used_fallback
    assert second.attempts[0].evidence is not None
    assert second.attempts[0].evidence.output_mode == "json_object"


@pytest.mark.usefixtures("keys")
async def test_an_explicit_mode_is_kept_though_refused(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", output="json_schema")
    )
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.NO_JSON_SCHEMA))
    async with Registry(config) as registry:
        with pytest.raises(ClientError) as info:
            await registry.call_with_fallback("p", "s", USER, accept=make_accept("t-1"))
        assert info.value.evidence.output_refused
        assert registry.output_for("p") == "json_schema"


@pytest.mark.usefixtures("keys")
@pytest.mark.parametrize(
    ("fault", "parsed"),
    [
        (FaultMode.PROSE, {"json_schema": True, "json_object": False, "text": False}),
        (FaultMode.THINK, {"json_schema": True, "json_object": True, "text": True}),
        (FaultMode.OUT_OF_RANGE, {"json_schema": True, "json_object": False, "text": False}),
        (FaultMode.BAD_JSON, {"json_schema": False, "json_object": False, "text": False}),
    ],
)
async def test_a_constraining_server_turns_misbehaviour_into_scores_under_json_schema(
    tmp_path: Path, fresh_sandbox: SandboxServer, fault: FaultMode, parsed: dict[str, bool]
) -> None:
    config = sandbox_config(tmp_path, fresh_sandbox.base_url, model("p", "alpha"))
    fresh_sandbox.set_fault("p-wire", Fault(fault))
    accept = make_accept("t-1")
    got = {}
    async with Registry(config) as registry:
        for mode in parsed:
            try:
                reply = await registry.call("p", "s", USER, output=mode, schema=accept.json_schema)
                accept(reply.text)
                got[mode] = True
            except Exception:
                got[mode] = False
    assert got == parsed


@pytest.mark.usefixtures("keys")
async def test_the_probe_finds_each_models_strongest_mode(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    models = "".join(model(m, "alpha") for m in ("full", "llamacpp", "plain", "dead")) + model(
        "pinned", "beta", output="text"
    )
    config = sandbox_config(tmp_path, fresh_sandbox.base_url, models)
    fresh_sandbox.set_fault("llamacpp-wire", Fault(FaultMode.NO_JSON_SCHEMA))
    fresh_sandbox.set_fault("plain-wire", Fault(FaultMode.NO_RESPONSE_FORMAT))
    fresh_sandbox.set_fault("dead-wire", Fault(FaultMode.STATUS, status=503))
    rows = {r["model_id"]: r for r in await probe_models(config, None)}
    assert {m: r["output_probed"] for m, r in rows.items()} == {
        "full": "json_schema",
        "llamacpp": "json_object",
        "plain": "text",
        "dead": None,
        "pinned": "json_schema",
    }
    assert rows["pinned"]["configured"] == "text" and rows["pinned"]["uses"] == "text"
    assert rows["llamacpp"]["tried"]["json_schema"].startswith("client_error:")
    assert list(rows["dead"]["tried"]) == ["json_schema", "json_object", "text"]
