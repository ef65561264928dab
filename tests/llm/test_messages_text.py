"""The stored prompt text: the same for every model sent the same messages, however built."""

from __future__ import annotations

import json

from scoreline.llm.evidence import messages_text


def _plain_json(messages: list[dict[str, object]]) -> str:
    return json.dumps(messages, ensure_ascii=False, indent=1, sort_keys=True)


def test_role_and_content_messages_are_stored_as_sorted_indented_json() -> None:
    messages = [{"role": "system", "content": "Réponds en JSON"}, {"content": "u", "role": "user"}]
    text = messages_text(messages)
    assert text == _plain_json(messages)
    assert messages_text([dict(m) for m in messages]) == text  # equal messages, equal text


def test_other_messages_keep_every_field() -> None:
    messages: list[dict[str, object]] = [
        {"role": "user", "content": [{"type": "text", "text": "hi"}]},
        {"role": "assistant", "content": "ok", "name": "bot"},
    ]
    assert messages_text(messages) == _plain_json(messages)
    assert '"name": "bot"' in messages_text(messages)
