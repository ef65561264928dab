"""A reply body is read as UTF-8 unless its content type names another charset."""

from __future__ import annotations

import httpx2
import pytest

from scoreline.llm.call import _text_of


@pytest.mark.parametrize(
    ("content_type", "raw", "text"),
    [
        ("application/json", '{"a": "Málaga"}'.encode(), '{"a": "Málaga"}'),
        ("application/json; charset=utf-8", "Müller".encode(), "Müller"),
        ("text/html; charset=ISO-8859-1", "Müller".encode("latin-1"), "Müller"),
        ("application/json", b"\xff\xfe{}", "\ufffd\ufffd{}"),
    ],
    ids=["no-charset", "utf-8", "latin-1", "invalid-utf-8"],
)
def test_the_body_is_decoded_by_its_charset(content_type: str, raw: bytes, text: str) -> None:
    response = httpx2.Response(200, content=raw, headers={"content-type": content_type})
    assert _text_of(response) == text
