"""Every attempt of a predict job keeps its evidence: reply, verdict, prompt, served model.

Real predict jobs against the sandbox, on SQLite and PostgreSQL: what each model answered is
on the record whether it was parsed, rejected, refused or never came; keys are masked inside
stored replies; long replies are cut with a marker; retention clears old texts and keeps
every count.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scoreline.llm import MAX_TEXT_BYTES, Registry, stored_text
from scoreline.predict.job import predict_match
from scoreline.predict.plan import learned_modes, load_plan
from scoreline.predict.prompt import PROMPT_VERSION, SYSTEM_PROMPT, prompt_sha256
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import (
    Database,
    StoredPrompt,
    clear_reply_texts,
    learned_outputs,
    list_attempts,
    parse_stats,
    stored_prompt,
)
from tests.llm.conftest import SECRET_A, SECRET_B, sandbox_config
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {f"E0-2024-25-02{n:02d}" for n in range(3)}
MATCH = "E0-2024-25-0200"
SECOND = "E0-2024-25-0201"

CATALOG = """
[[models]]
id = "good"
provider = "alpha"
model = "w-good"
[[models]]
id = "prose"
provider = "alpha"
model = "w-prose"
fallback = "rescue"
[[models]]
id = "rescue"
provider = "beta"
model = "w-rescue"
[[models]]
id = "broken"
provider = "beta"
model = "w-broken"
[[models]]
id = "typed"
provider = "alpha"
model = "w-typed"
output = "json_schema"
[[models]]
id = "swapped"
provider = "beta"
model = "w-swapped"
"""


@pytest.fixture
def store(db: Database, tmp_path: Path) -> tuple[Database, Path]:
    return db, import_with_fixtures(db, tmp_path, FIXTURES)


async def _predict(db: Database, csv: Path, tmp_path: Path, url: str, match: str = MATCH) -> None:
    config = write_config(tmp_path, url, CATALOG)
    await predict_match(db, config, match, now=before(kickoff_of(csv, match)))


async def test_every_attempt_keeps_its_reply_verdict_and_prompt(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv = store
    fresh_sandbox.set_fault("w-prose", Fault(FaultMode.PROSE))
    fresh_sandbox.set_fault("w-broken", Fault(FaultMode.STATUS, status=503))
    fresh_sandbox.set_fault("w-swapped", Fault(FaultMode.OTHER_MODEL))
    await _predict(db, csv, tmp_path, fresh_sandbox.base_url)

    rows = {(a.model_id, a.called_model_id): a for a in list_attempts(db, match_id=MATCH)}
    assert set(rows) == {
        ("good", "good"),
        ("prose", "prose"),
        ("prose", "rescue"),
        ("rescue", "rescue"),
        ("broken", "broken"),
        ("typed", "typed"),
        ("swapped", "swapped"),
    }
    good = rows["good", "good"]
    assert good.parse_verdict == "ok" and good.parse_reason is None
    assert good.reply_text is not None and '"home_score"' in good.reply_text
    assert good.served_model == "w-good" and good.finish_reason == "stop"
    assert good.request_id is not None and good.request_id.startswith("req-")
    assert good.output_mode == "json_object"
    assert good.prompt_version == PROMPT_VERSION

    rejected = rows["prose", "prose"]
    assert not rejected.ok and rejected.error_class == "unparseable"
    assert rejected.parse_verdict == "no score found"
    assert rejected.parse_reason == "no JSON score found in the reply"
    assert rejected.reply_text == '{"answer": "I think the home side will win comfortably."}'
    assert rows["prose", "rescue"].parse_verdict == "ok"

    refused = rows["broken", "broken"]
    assert refused.http_status == 503 and refused.parse_verdict is None
    assert refused.reply_text is not None and "overloaded" in refused.reply_text

    assert rows["typed", "typed"].output_mode == "json_schema"
    assert rows["typed", "typed"].parse_verdict == "ok"
    assert rows["swapped", "swapped"].served_model == "w-swapped-substitute"

    text = stored_prompt(db, good.prompt_sha256 or "")
    assert text is not None and MATCH in text and "expert football analyst" in text
    assert prompt_sha256(text) == good.prompt_sha256


async def test_a_prompt_is_stored_once_however_many_attempts_sent_it(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv = store
    await _predict(db, csv, tmp_path, fresh_sandbox.base_url)
    await _predict(db, csv, tmp_path, fresh_sandbox.base_url, SECOND)
    hashes = {a.prompt_sha256 for a in list_attempts(db, limit=100)}
    with db.session() as session:
        stored = session.scalar(select(func.count()).select_from(StoredPrompt))
    assert len(hashes) == 2 and stored == 2  # one prompt per match, shared by every model


async def test_parse_stats_count_replies_by_verdict(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv = store
    fresh_sandbox.set_fault("w-prose", Fault(FaultMode.PROSE))
    fresh_sandbox.set_fault("w-good", Fault(FaultMode.OUT_OF_RANGE))
    fresh_sandbox.set_fault("w-broken", Fault(FaultMode.EMPTY_CONTENT))
    fresh_sandbox.set_fault("w-swapped", Fault(FaultMode.STATUS, status=500))
    await _predict(db, csv, tmp_path, fresh_sandbox.base_url)
    stats = {s.model_id: s.as_dict() for s in parse_stats(db)}
    assert stats["prose"] == {
        "model_id": "prose",
        "attempts": 1,
        "replies": 1,
        "parsed": 0,
        "empty": 0,
        "unparseable": {"no score found": 1},
        "share": 1.0,
    }
    assert stats["rescue"]["parsed"] == 2 and stats["rescue"]["share"] == 0.0
    assert stats["good"]["unparseable"] == {"goals out of range": 1}
    assert stats["broken"]["empty"] == 1 and stats["broken"]["share"] == 1.0
    assert stats["swapped"]["replies"] == 0 and stats["swapped"]["attempts"] == 1


async def test_keys_are_masked_inside_stored_replies(
    store: tuple[Database, Path],
    tmp_path: Path,
    fresh_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, csv = store
    monkeypatch.setenv("SL_TEST_ALPHA_KEY", SECRET_A)
    monkeypatch.setenv("SL_TEST_BETA_KEY", SECRET_B)
    fresh_sandbox.set_fault("w-good", Fault(FaultMode.ECHO_KEY))
    fresh_sandbox.set_fault("w-prose", Fault(FaultMode.ECHO_AUTH))
    config = sandbox_config(tmp_path, fresh_sandbox.base_url, CATALOG)
    await predict_match(db, config, MATCH, now=before(kickoff_of(csv, MATCH)))
    replies = {a.called_model_id: a.reply_text or "" for a in list_attempts(db, match_id=MATCH)}
    assert "My key is ***" in replies["good"]
    assert "<pre>Authorization: ***</pre>" in replies["prose"]
    for secret in (SECRET_A, SECRET_B):
        assert all(secret not in r and secret[:12] not in r for r in replies.values())


def test_long_replies_are_redacted_then_cut_with_a_marker() -> None:
    secret = "sk-LONG-SECRET-4411aa"
    # The key straddles the 16 KiB cut: cutting first would leave half of it to be seen.
    raw = "x" * (MAX_TEXT_BYTES - 8) + secret + "y" * 5000
    stored = stored_text(raw, [secret])
    assert "sk-LONG" not in stored
    kept, marker = stored.rsplit("…", 1)
    assert len(kept.encode()) <= MAX_TEXT_BYTES
    assert marker.startswith("[truncated ") and marker.endswith(" bytes]")
    assert stored_text("short reply", [secret]) == "short reply"


async def test_retention_clears_old_texts_and_keeps_the_counts(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv = store
    fresh_sandbox.set_fault("w-prose", Fault(FaultMode.PROSE))
    await _predict(db, csv, tmp_path, fresh_sandbox.base_url)
    made_at = list_attempts(db, limit=1)[0].created_at
    counts = [s.as_dict() for s in parse_stats(db)]
    assert clear_reply_texts(db, before=made_at) == 0
    cleared = clear_reply_texts(db, before=made_at + timedelta(seconds=1))
    assert cleared == len(list_attempts(db, limit=100)) > 0
    assert all(a.reply_text is None for a in list_attempts(db, limit=100))
    assert [s.as_dict() for s in parse_stats(db)] == counts
    assert clear_reply_texts(db, before=made_at + timedelta(days=1)) == 0


async def test_a_refused_mode_is_lowered_for_the_models_next_calls(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv = store
    catalog = CATALOG.replace('output = "json_schema"\n', "")
    fresh_sandbox.set_fault("w-good", Fault(FaultMode.NO_RESPONSE_FORMAT))
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog)
    await predict_match(db, config, MATCH, now=before(kickoff_of(csv, MATCH)))
    learned = learned_outputs(db)["good"]
    assert learned.output == "text"
    assert learned.note is not None and learned.note.startswith("json_object refused (HTTP 400)")
    assert "response_format" in learned.note
    refused = list_attempts(db, model_id="good", failed=True)[0]
    assert refused.output_mode == "json_object" and refused.http_status == 400
    # What the next job's plan carries to its registry: no response_format, and an answer.
    plan = load_plan(db, config, MATCH, before(kickoff_of(csv, MATCH)), True)
    assert plan.outputs == learned_modes(db) and plan.outputs["good"] == "text"
    async with Registry(config, outputs=plan.outputs) as registry:
        assert registry.output_for("good") == "text"
        reply = await registry.call("good", SYSTEM_PROMPT, f"match_id: {MATCH}\n")
    assert reply.evidence is not None and reply.evidence.output_mode == "text"


async def test_the_migration_goes_down_and_up_with_evidence_recorded(
    store: tuple[Database, Path], tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    db, csv = store
    await _predict(db, csv, tmp_path, fresh_sandbox.base_url)
    db.downgrade("0005_requested_at_uncounted")
    db.upgrade("0006_attempt_evidence")
    assert db.current_revision() == "0006_attempt_evidence"
    rows = list_attempts(db, match_id=MATCH)
    assert rows and all(a.reply_text is None and a.parse_verdict is None for a in rows)
    assert learned_outputs(db)["good"].output is None
