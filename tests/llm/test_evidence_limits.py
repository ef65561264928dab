"""The limits of what a reply leaves on the record, through real calls to the sandbox.

A reply longer than 16 KiB is kept cut, with a marker, and a key it quotes is masked first;
the worker's retention sweep clears reply texts older than ``[retention] attempt_text_days``
and keeps every row and count.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scoreline.config import load_config
from scoreline.llm import MAX_TEXT_BYTES, Registry
from scoreline.predict.job import predict_match
from scoreline.queue.reconcile import sweep_retention
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, list_attempts, parse_stats
from tests.llm.conftest import SECRET_A, model, sandbox_config
from tests.predict.conftest import before, import_with_fixtures, kickoff_of

MATCH = "E0-2024-25-0200"
MANY = 600
"""Match ids in one prompt: the sandbox answers each, about 30 KB of JSON."""


@pytest.mark.usefixtures("keys")
async def test_a_long_reply_is_masked_then_cut_with_a_marker(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = sandbox_config(tmp_path, fresh_sandbox.base_url, model("p", "alpha"))
    # The key comes back as one of the match ids, early in the reply: masked, then cut.
    ids = [f"m-{i:04d}" for i in range(MANY)]
    user = "\n".join(f"match_id: {i}" for i in [ids[0], SECRET_A, *ids[1:]])
    async with Registry(config) as registry:
        reply = await registry.call("p", "s", user)
    assert len(reply.text.encode()) > 2 * MAX_TEXT_BYTES and SECRET_A in reply.text
    evidence = reply.evidence
    assert evidence is not None and evidence.reply_text is not None
    kept, marker = evidence.reply_text.rsplit("…", 1)
    assert len(kept.encode()) <= MAX_TEXT_BYTES and kept.startswith('{"predictions"')
    assert SECRET_A not in evidence.reply_text and '"match_id": "***"' in kept
    cut = int(marker.removeprefix("[truncated ").removesuffix(" bytes]"))
    assert cut == len(reply.text.encode()) - len(kept.encode())


async def test_the_retention_sweep_follows_the_configured_days(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    csv = import_with_fixtures(db, tmp_path, {MATCH})
    path = tmp_path / "retention.toml"
    path.write_text(
        "reference_models = false\n[retention]\nattempt_text_days = 30\n"
        f'[providers.box]\nbase_url = "{fresh_sandbox.base_url}"\n'
        '[[models]]\nid = "good"\nprovider = "box"\n'
        '[[models]]\nid = "chatty"\nprovider = "box"\noutput = "text"\n'
    )
    config = load_config(path)
    fresh_sandbox.set_fault("chatty", Fault(FaultMode.PROSE))
    made_at = before(kickoff_of(csv, MATCH))
    await predict_match(db, config, MATCH, now=made_at)
    counts = [s.as_dict() for s in parse_stats(db)]
    assert all(a.reply_text for a in list_attempts(db, match_id=MATCH))

    assert sweep_retention(db, config, now=made_at + timedelta(days=30)) == 0
    assert sweep_retention(db, config, now=made_at + timedelta(days=30, seconds=1)) == 2
    rows = list_attempts(db, match_id=MATCH)
    assert [a.reply_text for a in rows] == [None, None]
    assert {a.parse_verdict for a in rows} == {"ok", "no score found"}  # verdicts stay
    assert [s.as_dict() for s in parse_stats(db)] == counts
